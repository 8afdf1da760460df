"""API serializers of pathways (product.md section 9). They validate input and shape output only:
every write goes through `pathways.services`, and `phase` is read-only everywhere."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.relations import PKOnlyObject

from certifications.models import Certification, SkillBlock
from evaluation.indicator_version import kept_moves
from pathways import selectors, workflow
from pathways.enums import AdmissibilityDecision, DocumentKind, PathwayPhase
from pathways.models import (
    Candidate,
    Contract,
    Document,
    Employer,
    Pathway,
    PathwayMessage,
    PathwayNote,
    PathwayTransition,
    Project,
    ProjectHolder,
)
from vae_inversee.accounts.models import Organisation
from vae_inversee.api import fields
from vae_inversee.api.fields import VisibleRelatedField, _related_messages
from vae_inversee.lib.dates import validate_plausible_date
from vae_inversee.lib.identifiers import compact_nir, validate_nir


class UserSummarySerializer(fields.Serializer):
    id = serializers.IntegerField(read_only=True)
    email = serializers.EmailField(read_only=True)
    name = serializers.CharField(source="get_full_name", read_only=True, help_text="Prénom et nom.")


# ---- project holders, candidates, employers ---------------------------------------------------------


# Expects `pathways_opened` annotated and the organisation joined (ProjectHolderViewSet.get_queryset).
class ProjectHolderSerializer(fields.ModelSerializer):
    id = serializers.IntegerField(source="organisation_id", read_only=True, help_text="Identifiant de l'organisation.")
    name = serializers.CharField(source="organisation.name", read_only=True)
    region = serializers.CharField(source="organisation.region", read_only=True)
    pathways_opened = serializers.IntegerField(
        read_only=True, help_text="Parcours ouverts, abandons compris (ils comptent dans le plafond)."
    )
    pathway_ceiling = serializers.IntegerField(
        source="granted_ceiling",
        read_only=True,
        help_text="Plafond de parcours : la somme des parcours accordés par ses projets acceptés.",
    )

    class Meta:
        model = ProjectHolder
        fields = ["id", "name", "laureate_reference", "pathway_ceiling", "pathways_opened", "region"]
        read_only_fields = fields


class CandidateSerializer(fields.ModelSerializer):
    # Regulated personal data: accepted, checked, stored, never sent back.
    nir = serializers.CharField(
        write_only=True,
        required=False,
        allow_blank=True,
        max_length=30,
        help_text="Numéro de sécurité sociale (15 caractères, clé comprise). Facultatif, jamais renvoyé.",
    )

    class Meta:
        model = Candidate
        fields = ["id", "first_name", "last_name", "birth_date", "email", "highest_qualification", "nir"]

    def validate_nir(self, value):
        value = compact_nir(value)
        if value:
            validate_nir(value)
        return value


class EmployerSerializer(fields.ModelSerializer):
    # Compacted ("123 456 789 00012") and checked (Luhn, La Poste) by the service.
    siret = serializers.CharField(max_length=20, help_text="SIRET de l'établissement (14 chiffres).")
    opco = serializers.SlugRelatedField(
        slug_field="code",
        queryset=Organisation.objects.opcos(),
        required=False,
        help_text="Code de l'OPCO (ex. AKTO). Déduit de l'IDCC ; à indiquer seulement avec l'IDCC 9999.",
        error_messages={
            "does_not_exist": "Aucun OPCO ne porte le code « {value} » (ex. AKTO, ATLAS, OPCO EP).",
            "invalid": "Indiquez le code de l'OPCO (ex. AKTO).",
        },
    )

    class Meta:
        model = Employer
        fields = ["id", "name", "siret", "idcc", "opco", "address"]


# ---- pathways ------------------------------------------------------------------------------------------


class ContractSerializer(fields.PlannedReads, fields.ModelSerializer):
    class Meta:
        model = Contract
        fields = [
            "signed_on",
            "start_date",
            "end_date",
            "weekly_hours",
            "monthly_gross_salary",
            "tutor_name",
            "tutor_is_employer",
        ]


CONTRACT_FIELDS = frozenset(ContractSerializer.Meta.fields)


# The phases a transition may lead to (a pathway never moves back to positioning), in the phases' order.
TARGET_PHASES = frozenset(transition.target for transition in workflow.TRANSITIONS)
TARGET_PHASE_CHOICES = [(value, label) for value, label in PathwayPhase.choices if value in TARGET_PHASES]


class MoveSerializer(fields.Serializer):
    to = serializers.ChoiceField(choices=TARGET_PHASE_CHOICES, help_text="Phase d'arrivée.")
    label = serializers.CharField()
    allowed = serializers.BooleanField(help_text="Vrai si votre rôle permet ce changement de phase.")
    possible = serializers.BooleanField(
        help_text="Vrai si votre rôle le permet et que toutes les conditions sont remplies."
    )
    unmet = serializers.ListField(child=serializers.CharField(), help_text="Les conditions non remplies, en français.")


class TargetBlocksField(serializers.ManyRelatedField):
    """The targeted blocks' ids: read from `target_block_ids` when the list attached them
    (`selectors.with_target_block_ids`), else from the prefetched blocks."""

    def get_attribute(self, instance):
        ids = getattr(instance, "target_block_ids", None)
        if ids is None:
            return super().get_attribute(instance)
        return [PKOnlyObject(pk=pk) for pk in ids]


# Expects the contract joined and the target blocks prefetched or their ids attached (PathwayViewSet):
# the list then costs the same number of queries whatever the page size.
class PathwaySerializer(fields.PlannedReads, fields.ModelSerializer):
    project_holder = serializers.IntegerField(
        source="project_holder_id", read_only=True, help_text="Identifiant de l'organisation porteuse du parcours."
    )
    project = VisibleRelatedField(
        Project,
        required=False,
        help_text=(
            "Identifiant d'un projet accepté de votre structure ; facultatif quand elle n'en a qu'un avec de la "
            "place. Fixé à la création."
        ),
        error_messages=_related_messages("Aucun projet de votre structure ne porte l'identifiant {pk_value}."),
    )
    candidate = VisibleRelatedField(
        Candidate,
        error_messages=_related_messages("Aucun candidat de votre structure ne porte l'identifiant {pk_value}."),
    )
    employer = VisibleRelatedField(
        Employer,
        error_messages=_related_messages("Aucun employeur de votre structure ne porte l'identifiant {pk_value}."),
    )
    certification = serializers.PrimaryKeyRelatedField(
        queryset=Certification.objects.all(),
        error_messages=_related_messages("Aucune certification ne porte l'identifiant {pk_value}."),
    )
    target_blocks = TargetBlocksField(
        child_relation=serializers.PrimaryKeyRelatedField(
            queryset=SkillBlock.objects.all(),
            error_messages=_related_messages("Aucun bloc de compétences ne porte l'identifiant {pk_value}."),
        ),
        required=False,
        help_text="Identifiants des blocs de compétences visés, tous de la certification visée.",
        error_messages={"not_a_list": "Une liste d'identifiants de blocs est attendue (reçu : {input_type})."},
    )
    companion = serializers.PrimaryKeyRelatedField(
        queryset=selectors.companions(),
        allow_null=True,
        required=False,
        help_text="Identifiant de l'utilisateur accompagnateur (rôle companion), ou null.",
        error_messages=_related_messages("Aucun accompagnateur ou accompagnatrice ne porte l'identifiant {pk_value}."),
    )
    contract = ContractSerializer(
        allow_null=True, required=False, help_text="Le contrat de professionnalisation, ou null."
    )

    class Meta:
        model = Pathway
        fields = [
            "id",
            "reference",
            "phase",
            "project_holder",
            "project",
            "candidate",
            "employer",
            "certification",
            "target_blocks",
            "companion",
            "contract",
            "jury_session_date",
            "abandon_reason",
            "created_at",
            "updated_at",
        ]
        read_only_fields = [
            "id",
            "reference",
            "phase",
            "jury_session_date",
            "abandon_reason",
            "created_at",
            "updated_at",
        ]


class PathwayDetailSerializer(PathwaySerializer):
    """The pathway with what the user may do next (only on the detail: the guards cost queries)."""

    available_transitions = serializers.SerializerMethodField(
        help_text="Les changements de phase possibles depuis la phase actuelle (abandon exclu), avec ce qui manque."
    )
    can_abandon = serializers.SerializerMethodField(help_text="Vrai si votre rôle peut déclarer un abandon.")

    class Meta(PathwaySerializer.Meta):
        fields = PathwaySerializer.Meta.fields + ["available_transitions", "can_abandon"]

    @extend_schema_field(MoveSerializer(many=True))
    def get_available_transitions(self, pathway):
        user = self.context["request"].user
        return [
            {
                "to": move.transition.target,
                "label": move.transition.label,
                "allowed": move.allowed_role,
                "possible": move.possible,
                "unmet": move.unmet,
            }
            for move in kept_moves(pathway, user)
        ]

    def get_can_abandon(self, pathway) -> bool:
        return workflow.can_abandon(pathway, self.context["request"].user)


# ---- actions ---------------------------------------------------------------------------------------------


class DocumentSerializer(fields.ModelSerializer):
    uploaded_by = UserSummarySerializer(read_only=True)

    class Meta:
        model = Document
        fields = ["id", "kind", "original_name", "content_type", "size", "uploaded_at", "uploaded_by", "withdrawn_at"]
        read_only_fields = fields


class DocumentUploadSerializer(fields.Serializer):
    kind = serializers.ChoiceField(choices=DocumentKind.choices, help_text="Type de pièce.")
    file = serializers.FileField(help_text="PDF, PNG ou JPEG, 10 Mo au plus (le contenu est vérifié).")


class SupportOpinionSerializer(fields.Serializer):
    job_match = serializers.BooleanField(help_text="Avis favorable sur l'adéquation poste ↔ certification.")
    pedagogical_path = serializers.BooleanField(help_text="Avis favorable sur le parcours pédagogique.")
    comment = serializers.CharField(required=False, allow_blank=True, default="")


class AdmissibilitySerializer(fields.Serializer):
    decision = serializers.ChoiceField(choices=AdmissibilityDecision.choices)
    comment = serializers.CharField(
        required=False, allow_blank=True, default="", help_text="Obligatoire pour une décision de non-recevabilité."
    )


class JurySessionSerializer(fields.Serializer):
    session_date = serializers.DateField(
        help_text="Date de la session de jury (AAAA-MM-JJ).", validators=[validate_plausible_date]
    )


class TransitionRequestSerializer(fields.Serializer):
    to = serializers.ChoiceField(choices=TARGET_PHASE_CHOICES, help_text="Phase d'arrivée.")
    comment = serializers.CharField(
        required=False, allow_blank=True, default="", help_text="Commentaire ; le motif, obligatoire, pour un abandon."
    )


class TransitionRefusedSerializer(fields.Serializer):
    detail = serializers.CharField()
    unmet = serializers.ListField(child=serializers.CharField(), help_text="Toutes les conditions non remplies.")


class PathwayTransitionSerializer(fields.ModelSerializer):
    by = UserSummarySerializer(read_only=True)

    class Meta:
        model = PathwayTransition
        fields = ["from_phase", "to_phase", "by", "at", "comment"]
        read_only_fields = fields


# ---- working together (product.md sections 13 and 16) ----------------------------------------------------


class MessageSerializer(fields.ModelSerializer):
    author = UserSummarySerializer(read_only=True)
    organisation = serializers.PrimaryKeyRelatedField(
        read_only=True, help_text="L'organisation de l'auteur·rice (null pour le candidat)."
    )
    attachment_url = serializers.SerializerMethodField(help_text="Lien de téléchargement de la pièce jointe, ou null.")

    class Meta:
        model = PathwayMessage
        fields = ["id", "author", "organisation", "body", "attachment_url", "attachment_name", "created_at"]
        read_only_fields = fields

    @extend_schema_field(serializers.URLField(allow_null=True))
    def get_attachment_url(self, message) -> str | None:
        if not message.attachment:
            return None
        path = f"/api/v1/pathways/{message.pathway_id}/messages/{message.pk}/attachment/"
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request else path


class MessageWriteSerializer(fields.Serializer):
    body = serializers.CharField(max_length=5000, help_text="Le message (5 000 caractères au plus).")
    attachment = serializers.FileField(
        required=False, help_text="Pièce jointe facultative : PDF, PNG ou JPEG, 10 Mo au plus (le contenu est vérifié)."
    )


class NoteSerializer(fields.ModelSerializer):
    author = UserSummarySerializer(read_only=True)
    organisation = serializers.PrimaryKeyRelatedField(read_only=True)
    attachment_url = serializers.SerializerMethodField(help_text="Toujours null : une note n'a pas de pièce jointe.")

    class Meta:
        model = PathwayNote
        fields = ["id", "author", "organisation", "body", "attachment_url", "created_at"]
        read_only_fields = fields

    @extend_schema_field(serializers.URLField(allow_null=True))
    def get_attachment_url(self, note) -> None:
        return None


class NoteWriteSerializer(fields.Serializer):
    body = serializers.CharField(max_length=5000, help_text="La note interne (5 000 caractères au plus).")

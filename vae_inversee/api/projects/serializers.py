"""The projects resource (product.md section 16): the serializers only parse; pathways.project_services checks."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from certifications.models import Certification
from pathways.enums import ProjectDocumentKind, ProjectPartnerRole, Region
from pathways.models import Project, ProjectDocument, ProjectPartner, ProjectTransition
from vae_inversee.api import fields
from vae_inversee.api.pathways.serializers import UserSummarySerializer


class IdList(serializers.ManyRelatedField):
    """A list of ids, and nothing else that iterates (an object is not a list)."""

    def to_internal_value(self, data):
        if isinstance(data, dict):
            self.fail("not_a_list", input_type=type(data).__name__)
        return super().to_internal_value(data)


class PartnerSerializer(fields.ModelSerializer):
    role = serializers.ChoiceField(choices=ProjectPartnerRole.choices, help_text="Rôle du partenaire dans le projet.")

    class Meta:
        model = ProjectPartner
        fields = ["name", "siret", "role"]
        # The SIRET's check is the service's (spaces removed first, then the Luhn key).
        extra_kwargs = {"siret": {"validators": [], "max_length": 20}}


class ProjectSerializer(fields.ModelSerializer):
    project_holder = serializers.IntegerField(
        source="project_holder_id", read_only=True, help_text="Identifiant de l'organisation porteuse du projet."
    )
    regions = serializers.ListField(
        child=serializers.ChoiceField(choices=Region.choices),
        help_text="Codes INSEE des régions du projet (par exemple « 32 » pour les Hauts-de-France).",
        error_messages={"not_a_list": "Une liste de codes de région INSEE est attendue (reçu : {input_type})."},
    )
    certifications = IdList(
        child_relation=serializers.PrimaryKeyRelatedField(
            queryset=Certification.objects.all(),
            error_messages={
                "does_not_exist": "Aucune certification ne porte l'identifiant {pk_value}.",
                "incorrect_type": "Identifiant invalide : un nombre entier est attendu.",
            },
        ),
        required=False,
        help_text="Identifiants des certifications visées, du catalogue.",
        error_messages={"not_a_list": "Une liste d'identifiants de certifications est attendue (reçu : {input_type})."},
    )
    partners = PartnerSerializer(many=True, required=False, help_text="Les partenaires du projet.")
    decision_deadline = serializers.DateField(
        read_only=True, allow_null=True, help_text="Date limite de la décision : dossier complet + 2 mois."
    )
    pathways_opened = serializers.SerializerMethodField(help_text="Parcours ouverts dans le projet, abandons compris.")

    class Meta:
        model = Project
        fields = [
            "id",
            "reference",
            "project_holder",
            "title",
            "summary",
            "regions",
            "sectors",
            "certifications",
            "partners",
            "requested_pathways",
            "granted_pathways",
            "status",
            "submitted_at",
            "complete_at",
            "decided_at",
            "decision_deadline",
            "decision_reason",
            "pathways_opened",
        ]
        read_only_fields = [
            "id",
            "reference",
            "granted_pathways",
            "status",
            "submitted_at",
            "complete_at",
            "decided_at",
            "decision_reason",
        ]
        extra_kwargs = {"requested_pathways": {"min_value": 1, "max_value": 5000}}

    def get_pathways_opened(self, project) -> int:
        opened = getattr(project, "opened", None)
        return opened if opened is not None else project.pathways.count()


class ProjectDocumentSerializer(fields.ModelSerializer):
    uploaded_by = UserSummarySerializer(read_only=True)

    class Meta:
        model = ProjectDocument
        fields = ["id", "kind", "original_name", "content_type", "size", "uploaded_at", "uploaded_by"]
        read_only_fields = fields


class ProjectDocumentUploadSerializer(fields.Serializer):
    kind = serializers.ChoiceField(choices=ProjectDocumentKind.choices, help_text="Type de pièce.")
    file = serializers.FileField(help_text="PDF, PNG ou JPEG, 10 Mo au plus (le contenu est vérifié).")


class ProjectTransitionSerializer(fields.ModelSerializer):
    by = serializers.SerializerMethodField(help_text="Qui a agi ; null pour la plateforme (refus implicite).")

    class Meta:
        model = ProjectTransition
        fields = ["name", "from_status", "to_status", "by", "at", "comment"]
        read_only_fields = fields

    @extend_schema_field(UserSummarySerializer(allow_null=True))
    def get_by(self, log):
        return UserSummarySerializer(log.by).data if log.by_id else None


class ProjectReasonSerializer(fields.Serializer):
    reason = serializers.CharField(help_text="Le motif, en clair.", allow_blank=True)


class ProjectCommentSerializer(fields.Serializer):
    comment = serializers.CharField(required=False, allow_blank=True, default="")


class ProjectAcceptSerializer(fields.Serializer):
    granted_pathways = serializers.IntegerField(
        help_text="Nombre de parcours accordés : entre 1 et le nombre demandé.", min_value=1, max_value=5000
    )
    comment = serializers.CharField(required=False, allow_blank=True, default="")

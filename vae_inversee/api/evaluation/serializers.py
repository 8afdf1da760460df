"""API serializers of progress records, juries and indicators: they parse and shape only, the
rules are `evaluation.services`'."""

from rest_framework import serializers

from certifications.models import SkillBlock
from evaluation.enums import JuryOutcome, OutcomeContractType, OutcomeMoment, OutcomeSituation, ProgressLevel
from evaluation.models import Assessment, Jury, JuryBlockResult, PathwayOutcome
from pathways.models import Pathway
from vae_inversee.api import fields
from vae_inversee.api.fields import VisibleRelatedField


class AssessmentSerializer(fields.ModelSerializer):
    pathway = VisibleRelatedField(Pathway)
    skill_block = serializers.PrimaryKeyRelatedField(queryset=SkillBlock.objects.all(), allow_null=True, required=False)
    level = serializers.ChoiceField(choices=ProgressLevel.choices)
    recorded_by = serializers.PrimaryKeyRelatedField(read_only=True)

    class Meta:
        model = Assessment
        fields = [
            "id",
            "pathway",
            "skill_block",
            "level",
            "comment",
            "assessed_at",
            "phase",
            "recorded_by",
            "created_at",
        ]
        read_only_fields = ["phase", "created_at"]


class BlockResultSerializer(fields.ModelSerializer):
    skill_block = serializers.PrimaryKeyRelatedField(queryset=SkillBlock.objects.all())

    class Meta:
        model = JuryBlockResult
        fields = ["skill_block", "validated"]


class JurySerializer(fields.ModelSerializer):
    pathway = VisibleRelatedField(Pathway)
    outcome = serializers.ChoiceField(choices=JuryOutcome.choices)
    block_results = BlockResultSerializer(many=True)
    recorded_by = serializers.PrimaryKeyRelatedField(read_only=True)

    class Meta:
        model = Jury
        fields = [
            "id", "pathway", "attempt", "session_date", "outcome", "block_results", "blocks_targeted",
            "blocks_validated", "comment", "recorded_by", "recorded_at",
        ]  # fmt: skip
        read_only_fields = ["attempt", "blocks_targeted", "blocks_validated", "recorded_at"]
        # One result per attempt is the service's rule (a second one is a 409 conflict, not a 400).
        validators = []

    def validate_block_results(self, value):
        blocks = [row["skill_block"].pk for row in value]
        if len(blocks) != len(set(blocks)):
            raise serializers.ValidationError("Un même bloc figure deux fois.")
        return value


class IndicatorsSerializer(fields.Serializer):
    """Documentation of the indicators' JSON (see evaluation.indicators.compute)."""

    generated_at = serializers.DateTimeField(help_text="L'instant de cette réponse.")
    up_to_date = serializers.BooleanField(
        help_text=(
            "`true` : les chiffres tiennent compte de toutes les écritures à ce jour. `false` : ce sont les derniers "
            "chiffres calculés (voir `computed_at`), recalculés en arrière-plan ; relisez dans quelques secondes."
        )
    )
    computed_at = serializers.DateTimeField(help_text="L'instant où ces chiffres ont été calculés depuis les données.")
    total_pathways = serializers.IntegerField()
    by_phase = serializers.ListField(child=serializers.DictField())
    by_opco = serializers.ListField(child=serializers.DictField())
    by_region = serializers.ListField(child=serializers.DictField())
    by_level = serializers.ListField(child=serializers.DictField())
    by_project_holder = serializers.ListField(child=serializers.DictField())
    by_project = serializers.ListField(
        child=serializers.DictField(),
        help_text="Utilisation de l'accord de chaque projet accepté : `count` parcours ouverts sur `granted` accordés.",
    )
    national_ceiling = serializers.DictField()
    dropouts = serializers.ListField(child=serializers.DictField())
    jury_outcomes = serializers.ListField(child=serializers.DictField())
    blocks = serializers.DictField()
    median_days_per_phase = serializers.ListField(child=serializers.DictField())
    funding = serializers.DictField()
    filters = serializers.DictField(help_text="Les filtres appliqués, tels qu'envoyés.")
    outcomes = serializers.DictField(
        help_text=(
            "Taux d'insertion (en emploi chez le même employeur ou un autre) à la sortie (`exit`) et à six mois "
            "(`six_months`) : `recorded`, `employed`, `rate` (en %, null sans situation), au total et "
            "`by_certification`, `by_opco`, `by_project` ; `by_situation` compte chaque situation."
        )
    )


class OutcomeSerializer(fields.ModelSerializer):
    """`{"at": "exit" | "six_months", "situation", "contract_type"}` (product.md section 16)."""

    at = serializers.ChoiceField(choices=OutcomeMoment.choices)
    situation = serializers.ChoiceField(choices=OutcomeSituation.choices)
    contract_type = serializers.ChoiceField(
        choices=OutcomeContractType.choices,
        required=False,
        allow_blank=True,
        allow_null=True,
        help_text="Obligatoire pour une personne en emploi (same_employer, other_employer), interdit sinon.",
    )
    recorded_by = serializers.PrimaryKeyRelatedField(read_only=True)

    class Meta:
        model = PathwayOutcome
        fields = ["id", "pathway", "at", "situation", "contract_type", "recorded_by", "recorded_at"]
        read_only_fields = ["pathway", "recorded_at"]
        # One record per moment is the service's rule (a French message on `at`).
        validators = []

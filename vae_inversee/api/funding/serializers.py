"""API serializers of funding files. They parse input and shape output only: the caps, the statuses
and who may act are `funding.services`' to check."""

from dataclasses import replace
from decimal import Decimal

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from funding.enums import CATEGORIES
from funding.models import FundingFile, FundingFileNote
from funding.money import Amounts
from funding.plan import plan_amounts
from pathways.models import Pathway
from vae_inversee.api import fields
from vae_inversee.api.fields import VisibleRelatedField


def euros(**kwargs):
    return serializers.DecimalField(max_digits=9, decimal_places=2, min_value=Decimal("0"), **kwargs)


def _amounts(attrs, prefix, base: Amounts) -> Amounts:
    """The `<prefix>_<category>` values sent, popped from `attrs`; the others taken from `base`."""
    names = {str(category): f"{prefix}_{category}" for category in CATEGORIES}
    sent = {category: attrs.pop(name) for category, name in names.items() if name in attrs}
    return replace(base, **sent)


class FundingFileSerializer(fields.ModelSerializer):
    pathway = serializers.PrimaryKeyRelatedField(read_only=True)
    opco = serializers.CharField(source="opco.code", read_only=True)
    requested_teaching = euros(required=False)
    requested_design = euros(required=False)
    requested_support = euros(required=False)
    requested_total = euros(read_only=True)
    approved_total = euros(read_only=True, allow_null=True)
    decided_by = serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True)
    assignee = serializers.PrimaryKeyRelatedField(
        read_only=True, allow_null=True, help_text="Le·la gestionnaire de l'OPCO assigné·e (identifiant), ou null."
    )
    agreement_available = serializers.SerializerMethodField()
    plan_teaching = serializers.SerializerMethodField()
    plan_design = serializers.SerializerMethodField()
    plan_support = serializers.SerializerMethodField()

    class Meta:
        model = FundingFile
        fields = [
            "id", "pathway", "contract_year", "opco", "status", "months",
            "requested_teaching", "requested_design", "requested_support", "requested_total",
            "approved_teaching", "approved_design", "approved_support", "approved_total",
            "cap_teaching", "cap_design", "cap_support", "cap_total",
            "plan_teaching", "plan_design", "plan_support",
            "decision_reason", "submitted_at", "decided_at", "decided_by", "assignee", "agreement_available",
            "created_at", "updated_at",
        ]  # fmt: skip
        read_only_fields = [
            "contract_year", "status", "months", "approved_teaching", "approved_design", "approved_support",
            "cap_teaching", "cap_design", "cap_support", "cap_total", "decision_reason", "submitted_at",
            "decided_at", "created_at", "updated_at",
        ]  # fmt: skip

    def get_agreement_available(self, funding_file) -> bool:
        return bool(funding_file.agreement)

    def _plan(self, funding_file) -> Amounts:
        # One computation per file and response (the three fields read it).
        cache = self.context.setdefault("plan_amounts", {}) if isinstance(self.context, dict) else {}
        if funding_file.pk not in cache:
            cache[funding_file.pk] = plan_amounts(funding_file.pathway, funding_file.contract_year)
        return cache[funding_file.pk]

    @extend_schema_field(serializers.DecimalField(max_digits=9, decimal_places=2))
    def get_plan_teaching(self, funding_file) -> str:
        return f"{self._plan(funding_file).teaching:.2f}"

    @extend_schema_field(serializers.DecimalField(max_digits=9, decimal_places=2))
    def get_plan_design(self, funding_file) -> str:
        return f"{self._plan(funding_file).design:.2f}"

    @extend_schema_field(serializers.DecimalField(max_digits=9, decimal_places=2))
    def get_plan_support(self, funding_file) -> str:
        return f"{self._plan(funding_file).support:.2f}"

    def validate(self, attrs):
        # The three amounts as one `requested` (what the services take, and replace whole): on a
        # modification the amounts not sent are the file's current ones; on a creation, zero.
        # On a creation without any amount, the service pre-fills the file from the plan (section 11).
        if self.instance is None and not any(f"requested_{category}" in attrs for category in CATEGORIES):
            attrs["requested"] = None
            return attrs
        current = self.instance.requested if self.instance is not None else Amounts()
        attrs["requested"] = _amounts(attrs, "requested", current)
        return attrs


class FundingFileCreateSerializer(FundingFileSerializer):
    pathway = VisibleRelatedField(Pathway)
    contract_year = serializers.IntegerField(min_value=1, max_value=3, default=1)

    class Meta(FundingFileSerializer.Meta):
        read_only_fields = [f for f in FundingFileSerializer.Meta.read_only_fields if f != "contract_year"]


class ApproveSerializer(fields.Serializer):
    approved_teaching = euros()
    approved_design = euros()
    approved_support = euros()
    reason = serializers.CharField(required=False, allow_blank=True, default="")

    def validate(self, attrs):
        approved = _amounts(attrs, "approved", Amounts())
        return {**attrs, "approved": approved}


class ReasonSerializer(fields.Serializer):
    reason = serializers.CharField(allow_blank=False, trim_whitespace=True)


class AssignSerializer(fields.Serializer):
    assignee = serializers.IntegerField(
        allow_null=True, min_value=1, help_text="L'identifiant d'un membre actif de votre OPCO, ou null pour personne."
    )


class FundingNoteSerializer(fields.ModelSerializer):
    author = serializers.SerializerMethodField()
    organisation = serializers.PrimaryKeyRelatedField(read_only=True)

    class Meta:
        model = FundingFileNote
        fields = ["id", "author", "organisation", "body", "created_at"]
        read_only_fields = fields

    def get_author(self, note) -> dict:
        return {"id": note.author_id, "email": note.author.email, "name": note.author.get_full_name()}


class FundingNoteWriteSerializer(fields.Serializer):
    body = serializers.CharField(max_length=5000, help_text="La note interne (5 000 caractères au plus).")

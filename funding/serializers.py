from decimal import Decimal

from rest_framework import serializers

from funding.models import FundingFile


def euros(**kwargs):
    return serializers.DecimalField(max_digits=9, decimal_places=2, min_value=Decimal("0"), **kwargs)


class FundingFileSerializer(serializers.ModelSerializer):
    pathway = serializers.PrimaryKeyRelatedField(read_only=True)
    opco = serializers.CharField(source="opco.code", read_only=True)
    requested_teaching = euros(required=False)
    requested_design = euros(required=False)
    requested_support = euros(required=False)
    requested_total = euros(read_only=True)
    approved_total = euros(read_only=True, allow_null=True)
    decided_by = serializers.PrimaryKeyRelatedField(read_only=True)
    agreement_available = serializers.SerializerMethodField()

    class Meta:
        model = FundingFile
        fields = [
            "id", "pathway", "contract_year", "opco", "status", "months",
            "requested_teaching", "requested_design", "requested_support", "requested_total",
            "approved_teaching", "approved_design", "approved_support", "approved_total",
            "cap_teaching", "cap_design", "cap_support", "cap_total",
            "decision_reason", "submitted_at", "decided_at", "decided_by", "agreement_available",
            "created_at", "updated_at",
        ]  # fmt: skip
        read_only_fields = [
            "contract_year", "status", "months", "approved_teaching", "approved_design", "approved_support",
            "cap_teaching", "cap_design", "cap_support", "cap_total", "decision_reason", "submitted_at",
            "decided_at", "created_at", "updated_at",
        ]  # fmt: skip

    def get_agreement_available(self, funding_file) -> bool:
        return bool(funding_file.agreement)

    def validate(self, attrs):
        # Caps checked here too (the service and the database check them again).
        from funding.services import cap_errors

        if self.instance is not None:
            requested = {
                f"requested_{c}": attrs.get(f"requested_{c}", getattr(self.instance, f"requested_{c}"))
                for c in ("teaching", "design", "support")
            }
            errors = cap_errors(self.instance, requested)
            if errors:
                raise serializers.ValidationError(errors)
        return attrs


class VisiblePathwayField(serializers.PrimaryKeyRelatedField):
    """A pathway the requesting user may see; any other id is "not found" (no existence leak)."""

    def get_queryset(self):
        from pathways.models import Pathway

        request = self.context.get("request")
        return Pathway.objects.visible_to(request.user) if request else Pathway.objects.none()


class FundingFileCreateSerializer(FundingFileSerializer):
    pathway = VisiblePathwayField()
    contract_year = serializers.IntegerField(min_value=1, max_value=3, default=1)

    class Meta(FundingFileSerializer.Meta):
        read_only_fields = [f for f in FundingFileSerializer.Meta.read_only_fields if f != "contract_year"]

    def validate(self, attrs):
        from funding.models import FundingFile as Model
        from funding.services import cap_errors, caps_for

        policy, months, caps = caps_for(attrs["pathway"], attrs.get("contract_year", 1))
        probe = Model(months=months, **{f"cap_{name}": value for name, value in caps.items()})
        requested = {
            f"requested_{c}": attrs.get(f"requested_{c}", Decimal("0")) for c in ("teaching", "design", "support")
        }
        errors = cap_errors(probe, requested)
        if errors:
            raise serializers.ValidationError(errors)
        return attrs


class ApproveSerializer(serializers.Serializer):
    approved_teaching = euros()
    approved_design = euros()
    approved_support = euros()
    reason = serializers.CharField(required=False, allow_blank=True, default="")


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(allow_blank=False, trim_whitespace=True)

from django.contrib import admin

from funding.models import FundingFile, FundingPolicy
from vae_inversee.lib.admin import ReadOnlyHistoryAdmin


@admin.register(FundingPolicy)
class FundingPolicyAdmin(admin.ModelAdmin):
    """A new policy is a new dated row: files keep the caps they were created with."""

    list_display = ["effective_from", "label", "cap_teaching", "cap_design", "cap_support", "cap_total"]


@admin.register(FundingFile)
class FundingFileAdmin(ReadOnlyHistoryAdmin):
    """Read-only: amounts and decisions go through the portal or the API (caps, one decision)."""

    list_display = ["pathway", "contract_year", "opco", "status", "requested_total", "approved_total", "decided_at"]
    list_filter = ["status", "opco", "contract_year"]
    list_select_related = ["pathway", "opco"]
    search_fields = ["pathway__reference"]

    @admin.display(description="total demandé (€)")
    def requested_total(self, obj):
        return obj.requested_total

    @admin.display(description="total accordé (€)")
    def approved_total(self, obj):
        return obj.approved_total

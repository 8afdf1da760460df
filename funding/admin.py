from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from funding.models import FundingFile, FundingPolicy


@admin.register(FundingPolicy)
class FundingPolicyAdmin(admin.ModelAdmin):
    """A new policy is a new dated row: files keep the caps they were created with."""

    list_display = ["effective_from", "label", "cap_teaching", "cap_design", "cap_support", "cap_total"]


@admin.register(FundingFile)
class FundingFileAdmin(SimpleHistoryAdmin):
    """Read-only: amounts and decisions go through the portal or the API (caps, one decision)."""

    list_display = ["pathway", "contract_year", "opco", "status", "requested_total", "approved_total", "decided_at"]
    list_filter = ["status", "opco", "contract_year"]
    list_select_related = ["pathway", "opco"]
    search_fields = ["pathway__reference"]

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in self.model._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description="total demandé (€)")
    def requested_total(self, obj):
        return obj.requested_total

    @admin.display(description="total accordé (€)")
    def approved_total(self, obj):
        return obj.approved_total

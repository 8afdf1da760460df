from django.contrib import admin

from funding.models import (
    BankAccount,
    FundingFile,
    FundingFileAssignment,
    FundingFileNote,
    FundingPolicy,
    PaymentBatch,
    PaymentRequest,
)
from vae_inversee.lib.admin import ReadOnlyAdmin, ReadOnlyHistoryAdmin


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


@admin.register(PaymentRequest)
class PaymentRequestAdmin(ReadOnlyHistoryAdmin):
    """Read-only: requests are filed, decided and paid through the portal or the API."""

    list_display = ["invoice_number", "provider_name", "funding_file", "category", "amount", "status", "batch"]
    list_filter = ["status", "category"]
    list_select_related = ["funding_file__pathway", "batch"]
    search_fields = ["invoice_number", "provider_siret", "funding_file__pathway__reference"]
    exclude = ["invoice"]


@admin.register(PaymentBatch)
class PaymentBatchAdmin(ReadOnlyHistoryAdmin):
    list_display = ["reference", "opco", "status", "created_at", "paid_on"]
    list_filter = ["status", "opco"]


@admin.register(BankAccount)
class BankAccountAdmin(ReadOnlyAdmin):
    """Shown masked; each organisation enters its own bank details in the portal."""

    list_display = ["organisation", "account_holder", "masked_iban", "bic", "updated_at"]
    fields = ["organisation", "account_holder", "masked_iban", "bic", "updated_at"]
    readonly_fields = fields

    @admin.display(description="IBAN")
    def masked_iban(self, obj):
        return obj.masked_iban


@admin.register(FundingFileNote)
class FundingFileNoteAdmin(ReadOnlyAdmin):
    list_display = ["funding_file", "author", "organisation", "created_at"]
    list_select_related = ["funding_file__pathway", "author", "organisation"]
    search_fields = ["funding_file__pathway__reference", "author__email"]
    fields = ["funding_file", "author", "organisation", "body", "created_at"]
    readonly_fields = fields


@admin.register(FundingFileAssignment)
class FundingFileAssignmentAdmin(ReadOnlyAdmin):
    list_display = ["funding_file", "assignee", "previous", "by", "at"]
    list_select_related = ["funding_file__pathway", "assignee", "previous", "by"]
    search_fields = ["funding_file__pathway__reference"]
    fields = ["funding_file", "assignee", "previous", "by", "at"]
    readonly_fields = fields

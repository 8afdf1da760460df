from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from pathways.models import (
    Admissibility,
    Candidate,
    Contract,
    Document,
    Employer,
    Pathway,
    PathwayTransition,
    ProjectHolder,
    SmicRate,
    SupportOpinion,
)


@admin.register(ProjectHolder)
class ProjectHolderAdmin(SimpleHistoryAdmin):
    list_display = ["organisation", "laureate_reference", "pathway_ceiling", "accepted_on"]
    list_select_related = ["organisation"]
    search_fields = ["organisation__name", "laureate_reference"]
    autocomplete_fields = ["organisation"]


@admin.register(Employer)
class EmployerAdmin(SimpleHistoryAdmin):
    list_display = ["name", "siret", "idcc", "opco", "project_holder"]
    list_filter = ["opco"]
    list_select_related = ["opco", "project_holder__organisation"]
    search_fields = ["name", "siret", "idcc"]
    autocomplete_fields = ["project_holder", "opco"]


@admin.register(Candidate)
class CandidateAdmin(SimpleHistoryAdmin):
    list_display = ["last_name", "first_name", "birth_date", "highest_qualification", "project_holder"]
    list_filter = ["highest_qualification"]
    list_select_related = ["project_holder__organisation"]
    search_fields = ["last_name", "first_name", "email"]
    autocomplete_fields = ["project_holder"]
    # The NIR is regulated personal data: it is neither shown nor edited here.
    exclude = ["nir"]


class ContractInline(admin.StackedInline):
    """Read-only: contracts are checked (section 5) by the portal and API services."""

    model = Contract
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class TransitionInline(admin.TabularInline):
    model = PathwayTransition
    extra = 0
    can_delete = False
    readonly_fields = ["from_phase", "to_phase", "by", "at", "comment"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Pathway)
class PathwayAdmin(SimpleHistoryAdmin):
    """Phases move only through the workflow service: the admin shows them read-only."""

    list_display = ["reference", "candidate", "employer", "certification", "phase", "project_holder", "created_at"]
    list_filter = ["phase", "project_holder"]
    list_select_related = ["candidate", "employer", "certification", "project_holder__organisation"]
    search_fields = ["reference", "candidate__last_name", "employer__name", "certification__code"]
    readonly_fields = ["reference", "phase", "phase_changed_at", "abandon_reason", "jury_session_date"]
    autocomplete_fields = ["candidate", "employer", "certification", "companion", "project_holder"]
    filter_horizontal = ["target_blocks"]
    inlines = [ContractInline, TransitionInline]

    def has_add_permission(self, request):
        # Pathways are opened through the portal or the API (ceiling, eligibility, reference).
        return False


@admin.register(Document)
class DocumentAdmin(admin.ModelAdmin):
    list_display = ["pathway", "kind", "original_name", "content_type", "size", "uploaded_by", "uploaded_at"]
    list_filter = ["kind", "content_type"]
    list_select_related = ["pathway", "uploaded_by"]
    readonly_fields = ["content_type", "size", "uploaded_by", "uploaded_at"]
    search_fields = ["pathway__reference", "original_name"]


@admin.register(SupportOpinion)
class SupportOpinionAdmin(SimpleHistoryAdmin):
    list_display = ["pathway", "job_match", "pedagogical_path", "given_by", "given_at"]
    list_select_related = ["pathway", "given_by"]


@admin.register(Admissibility)
class AdmissibilityAdmin(SimpleHistoryAdmin):
    list_display = ["pathway", "decision", "decided_by", "decided_at"]
    list_filter = ["decision"]
    list_select_related = ["pathway", "decided_by"]


@admin.register(PathwayTransition)
class PathwayTransitionAdmin(admin.ModelAdmin):
    """Append-only: visible, never edited nor deleted."""

    list_display = ["pathway", "from_phase", "to_phase", "by", "at"]
    list_filter = ["to_phase"]
    list_select_related = ["pathway", "by"]
    search_fields = ["pathway__reference"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(SmicRate)
class SmicRateAdmin(admin.ModelAdmin):
    list_display = ["effective_from", "hourly_gross", "monthly_gross_35h"]

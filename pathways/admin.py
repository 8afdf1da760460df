"""The admin site shows pathways and their records; it writes none of them (the portal and the API do,
through the services). The one correction it allows, an employer's record, goes through a service too."""

from django.contrib import admin

from pathways import services
from pathways.models import (
    Admissibility,
    Candidate,
    CandidateAccess,
    Contract,
    Document,
    Employer,
    Pathway,
    PathwayAssignment,
    PathwayMessage,
    PathwayNote,
    PathwayTransition,
    PlanAction,
    Project,
    ProjectDocument,
    ProjectHolder,
    ProjectPartner,
    ProjectTransition,
    SmicRate,
    SupportOpinion,
)
from vae_inversee.lib.admin import NoRevertHistoryAdmin, ReadOnlyAdmin, ReadOnlyHistoryAdmin, ReadOnlyInline


@admin.register(ProjectHolder)
class ProjectHolderAdmin(NoRevertHistoryAdmin):
    """Reference data: the laureates of the national call; their ceiling is the sum of their accepted grants."""

    list_display = ["organisation", "laureate_reference", "pathway_ceiling", "accepted_on"]
    list_select_related = ["organisation"]
    search_fields = ["organisation__name", "laureate_reference"]
    autocomplete_fields = ["organisation"]


@admin.register(Employer)
class EmployerAdmin(NoRevertHistoryAdmin):
    """A platform admin may correct an employer's record; its OPCO always follows the IDCC (the service)."""

    list_display = ["name", "siret", "idcc", "opco", "project_holder"]
    list_filter = ["opco"]
    list_select_related = ["opco", "project_holder__organisation"]
    search_fields = ["name", "siret", "idcc"]
    readonly_fields = ["project_holder", "opco", "created_at"]
    fields = ["project_holder", "name", "siret", "idcc", "opco", "address", "private_law", "created_at"]

    def has_add_permission(self, request):
        # Employers are registered by their project holder (portal or API).
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        data = {name: form.cleaned_data[name] for name in ("name", "siret", "idcc", "address", "private_law")}
        employer = Employer.objects.get(pk=obj.pk)
        services.employer_correct(acting_user=request.user, employer=employer, **data)


@admin.register(Candidate)
class CandidateAdmin(ReadOnlyHistoryAdmin):
    list_display = ["last_name", "first_name", "birth_date", "highest_qualification", "project_holder", "anonymised_at"]
    list_filter = ["highest_qualification", ("anonymised_at", admin.EmptyFieldListFilter)]
    list_select_related = ["project_holder__organisation"]
    search_fields = ["last_name", "first_name", "email"]
    # The NIR is regulated personal data: it is never shown here.
    exclude = ["nir"]


@admin.register(CandidateAccess)
class CandidateAccessAdmin(ReadOnlyAdmin):
    """Who opened which candidate's record, when, through which door: a log, read-only."""

    list_display = ["at", "candidate", "user", "kind"]
    list_filter = ["kind"]
    list_select_related = ["candidate", "user"]
    search_fields = ["candidate__last_name", "user__email"]
    date_hierarchy = "at"
    fields = readonly_fields = ["at", "candidate", "user", "kind"]


class ContractInline(ReadOnlyInline):
    """Contracts are checked (section 5) by the portal and API services."""

    model = Contract


class TransitionInline(ReadOnlyInline):
    model = PathwayTransition
    fields = ["name", "from_phase", "to_phase", "by", "at", "comment"]


@admin.register(Pathway)
class PathwayAdmin(ReadOnlyHistoryAdmin):
    """Phases move only through the workflow service; links and targets through the portal or the API."""

    list_display = ["reference", "candidate", "employer", "certification", "phase", "project_holder", "created_at"]
    list_filter = ["phase", "project_holder"]
    list_select_related = ["candidate", "employer", "certification", "project_holder__organisation"]
    search_fields = ["reference", "candidate__last_name", "employer__name", "certification__code"]
    inlines = [ContractInline, TransitionInline]


@admin.register(Document)
class DocumentAdmin(ReadOnlyAdmin):
    list_display = ["pathway", "kind", "original_name", "content_type", "size", "uploaded_by", "uploaded_at"]
    list_filter = ["kind", "content_type"]
    list_select_related = ["pathway", "uploaded_by"]
    search_fields = ["pathway__reference", "original_name"]
    exclude = ["file"]


@admin.register(SupportOpinion)
class SupportOpinionAdmin(ReadOnlyHistoryAdmin):
    list_display = ["pathway", "job_match", "pedagogical_path", "given_by", "given_at"]
    list_select_related = ["pathway", "given_by"]


@admin.register(Admissibility)
class AdmissibilityAdmin(ReadOnlyHistoryAdmin):
    list_display = ["pathway", "decision", "decided_by", "decided_at"]
    list_filter = ["decision"]
    list_select_related = ["pathway", "decided_by"]


@admin.register(PathwayTransition)
class PathwayTransitionAdmin(ReadOnlyAdmin):
    """Append-only: visible, never edited nor deleted."""

    list_display = ["pathway", "name", "from_phase", "to_phase", "by", "at"]
    list_filter = ["to_phase"]
    list_select_related = ["pathway", "by"]
    search_fields = ["pathway__reference"]


class ProjectPartnerInline(ReadOnlyInline):
    model = ProjectPartner
    fields = ["name", "siret", "role"]


class ProjectTransitionInline(ReadOnlyInline):
    model = ProjectTransition
    fields = ["name", "from_status", "to_status", "by", "at", "comment"]


@admin.register(Project)
class ProjectAdmin(ReadOnlyHistoryAdmin):
    """Applications move only through their services (the holder's portal or API, the Ministry's decision)."""

    list_display = ["reference", "title", "project_holder", "status", "requested_pathways", "granted_pathways"]
    list_filter = ["status"]
    list_select_related = ["project_holder__organisation"]
    search_fields = ["reference", "title", "project_holder__organisation__name"]
    inlines = [ProjectPartnerInline, ProjectTransitionInline]


@admin.register(ProjectDocument)
class ProjectDocumentAdmin(ReadOnlyAdmin):
    list_display = ["project", "kind", "original_name", "content_type", "size", "uploaded_by", "uploaded_at"]
    list_filter = ["kind"]
    list_select_related = ["project", "uploaded_by"]
    exclude = ["file"]


@admin.register(ProjectTransition)
class ProjectTransitionAdmin(ReadOnlyAdmin):
    """Append-only: visible, never edited nor deleted."""

    list_display = ["project", "name", "from_status", "to_status", "by", "at"]
    list_filter = ["to_status"]
    list_select_related = ["project", "by"]
    search_fields = ["project__reference"]


@admin.register(SmicRate)
class SmicRateAdmin(admin.ModelAdmin):
    list_display = ["effective_from", "hourly_gross", "monthly_gross_35h"]


@admin.register(PlanAction)
class PlanActionAdmin(ReadOnlyHistoryAdmin):
    """Read-only: the plan is written by the project holder (portal or API), checked against the funding."""

    list_display = ["title", "pathway", "kind", "start_date", "end_date", "planned_hours", "cost"]
    list_filter = ["kind"]
    list_select_related = ["pathway"]
    search_fields = ["title", "provider_name", "pathway__reference"]


@admin.register(PathwayMessage)
class PathwayMessageAdmin(ReadOnlyAdmin):
    """The threads, append-only: to read, never to change."""

    list_display = ["pathway", "author", "organisation", "created_at", "attachment_name"]
    list_select_related = ["pathway", "author", "organisation"]
    search_fields = ["pathway__reference", "author__email"]
    fields = ["pathway", "author", "organisation", "body", "attachment_name", "attachment_size", "created_at"]
    readonly_fields = fields


@admin.register(PathwayNote)
class PathwayNoteAdmin(ReadOnlyAdmin):
    list_display = ["pathway", "author", "organisation", "created_at"]
    list_select_related = ["pathway", "author", "organisation"]
    search_fields = ["pathway__reference", "author__email"]
    fields = ["pathway", "author", "organisation", "body", "created_at"]
    readonly_fields = fields


@admin.register(PathwayAssignment)
class PathwayAssignmentAdmin(ReadOnlyAdmin):
    list_display = ["pathway", "assignee", "previous", "by", "at"]
    list_select_related = ["pathway", "assignee", "previous", "by"]
    search_fields = ["pathway__reference"]
    fields = ["pathway", "assignee", "previous", "by", "at"]
    readonly_fields = fields

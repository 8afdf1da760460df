"""Reads for the portal's pathway pages: each in a fixed number of queries, whatever the page size."""

from django.db.models import Count, DateField, DateTimeField, F, Q
from django.shortcuts import get_object_or_404

from certifications.models import Certification, SkillBlock
from pathways.enums import PathwayPhase
from pathways.models import Candidate, Employer, Pathway, PathwayTransition
from vae_inversee.accounts.enums import Role
from vae_inversee.accounts.models import User

HISTORY_LENGTH = 10
# Field changes not worth showing: every save touches them.
HISTORY_HIDDEN_FIELDS = ["updated_at", "phase_changed_at", "target_blocks"]


def pathways_for_list(user):
    """The pathways a user may see, with what the list table shows joined in (no N+1)."""
    return (
        Pathway.objects.visible_to(user)
        .select_related("candidate", "employer__opco", "certification", "companion")
        .order_by("-updated_at", "-id")
    )


def filter_pathways(queryset, *, phase=None, certification=None, employer=None, q=None):
    if phase:
        queryset = queryset.filter(phase=phase)
    if certification:
        queryset = queryset.filter(certification=certification)
    if employer:
        queryset = queryset.filter(employer=employer)
    return queryset.search(q)


def phase_counts(queryset) -> tuple[list[dict], int]:
    """Pathways per phase in ONE aggregate query: ([{"phase", "label", "count"}] in phase order, total)."""
    counts = queryset.order_by().aggregate(
        total=Count("pk", distinct=True),
        **{phase.value: Count("pk", filter=Q(phase=phase), distinct=True) for phase in PathwayPhase},
    )
    rows = [{"phase": phase.value, "label": phase.label, "count": counts[phase.value]} for phase in PathwayPhase]
    return rows, counts["total"]


def filter_choices(user):
    """The certifications and employers the list's filters offer: those of the user's pathways."""
    visible = Pathway.objects.visible_to(user).order_by()
    certifications = Certification.objects.filter(pk__in=visible.values("certification_id")).order_by("code")
    employers = Employer.objects.filter(pk__in=visible.values("employer_id")).order_by("name")
    if user.role == Role.PROJECT_HOLDER:
        employers = Employer.objects.visible_to(user).order_by("name")
    return certifications, employers


def candidates_of(user):
    return (
        Candidate.objects.visible_to(user)
        .annotate(pathway_count=Count("pathways"))
        .order_by("last_name", "first_name", "pk")
    )


def pathways_of_candidate(candidate):
    """The candidate's pathways, newest first, with what the candidate record shows (one query)."""
    return list(candidate.pathways.select_related("certification", "employer").order_by("-created_at", "-id"))


def employers_of(user):
    return (
        Employer.objects.visible_to(user)
        .select_related("opco")
        .annotate(pathway_count=Count("pathways"))
        .order_by("name", "pk")
    )


def companions():
    """Every companion on the platform, with their organisation (the pathway form's choices)."""
    return (
        User.objects.filter(membership__role=Role.COMPANION, is_active=True)
        .select_related("membership__organisation")
        .order_by("membership__organisation__name", "last_name", "first_name")
    )


def active_blocks_of(certification):
    return SkillBlock.objects.filter(certification=certification, active=True).order_by("code")


def pathway_for_page(user, pk) -> Pathway:
    """One visible pathway with everything its page shows, or a 404."""
    return get_object_or_404(
        Pathway.objects.visible_to(user).select_related(
            "project_holder__organisation",
            "candidate",
            "employer__opco",
            "certification",
            "companion__membership__organisation",
            "contract",
            "support_opinion__given_by",
            "admissibility__decided_by",
        ),
        pk=pk,
    )


def pathway_page_related(pathway):
    """The lists of the pathway page: targeted blocks, documents, transitions (one query each)."""
    return {
        "target_blocks": list(pathway.target_blocks.order_by("code")),
        "documents": list(pathway.documents.select_related("uploaded_by")),
        "transitions": list(
            PathwayTransition.objects.filter(pathway=pathway).select_related("by").order_by("at", "id")
        ),
    }


def pathway_field_changes(pathway) -> list[dict]:
    """The last field changes (django-simple-history), each diffed against the record before it.

    One query: HISTORY_LENGTH + 1 records, the extra one only serving as the base of the last diff.
    """
    records = list(
        pathway.history.select_related("history_user").order_by("-history_date", "-history_id")[: HISTORY_LENGTH + 1]
    )
    changes = []
    for index, record in enumerate(records[:HISTORY_LENGTH]):
        previous = records[index + 1] if index + 1 < len(records) else None
        fields = []
        if previous is not None and record.history_type == "~":
            # Compared by hand: simple-history's diff_against skips non-editable fields such as the phase.
            fields = [
                _describe_change(field, getattr(previous, field.attname), getattr(record, field.attname))
                for field in record.tracked_fields
                if field.name not in HISTORY_HIDDEN_FIELDS
                and getattr(record, field.attname) != getattr(previous, field.attname)
            ]
        changes.append({"record": record, "fields": fields})
    return changes


def _describe_change(field, old, new) -> str:
    """ "phase : Accompagnement → Recevabilité" for choices and dates; the field's name otherwise."""
    name = str(field.verbose_name)
    if field.choices:
        labels = dict(field.flatchoices)
        return f"{name} : {labels.get(old, old or '—')} → {labels.get(new, new or '—')}"
    if isinstance(field, DateField) and not isinstance(field, DateTimeField):
        return f"{name} : {f'{new:%d/%m/%Y}' if new else '—'}"
    return name


def certifier_queues(user):
    """The certifier's two queues: admissibility decisions, then juries (dates and closing)."""
    visible = Pathway.objects.visible_to(user).select_related("candidate", "employer", "certification", "admissibility")
    # Files still waiting for a decision first, oldest first.
    admissibility = visible.filter(phase=PathwayPhase.ADMISSIBILITY).order_by(
        F("admissibility__decided_at").asc(nulls_first=True), "phase_changed_at", "pk"
    )
    # Juries to close (evaluation) first, then juries without a date, then by date.
    jury = visible.filter(phase__in=[PathwayPhase.DELIVERY, PathwayPhase.EVALUATION]).order_by(
        "-phase", F("jury_session_date").asc(nulls_first=True), "phase_changed_at", "pk"
    )
    return admissibility, jury

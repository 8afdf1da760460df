"""Reads for the funding pages: each in a fixed number of queries, whatever the number of files."""

from decimal import Decimal

from django.db.models import Case, Count, F, IntegerField, Q, Sum, Value, When
from django.shortcuts import get_object_or_404

from certifications.models import Certification
from funding.enums import CATEGORIES, FundingCategory, FundingStatus
from funding.models import FundingFile
from funding.money import format_euros
from pathways.models import ProjectHolder

# What the OPCO reviews: a draft is still the project holder's and is not shown in the queue.
QUEUE_STATUSES = [status for status in FundingStatus if status != FundingStatus.DRAFT]
LIST_RELATED = (
    "pathway__candidate",
    "pathway__employer",
    "pathway__project_holder__organisation",
    "pathway__certification",
)


def opco_queue(user):
    """The files addressed to the user's OPCO: those waiting for a decision first, oldest submitted first."""
    return (
        FundingFile.objects.visible_to(user)
        .filter(status__in=QUEUE_STATUSES)
        .select_related(*LIST_RELATED)
        .order_by(
            Case(When(status=FundingStatus.SUBMITTED, then=Value(0)), default=Value(1), output_field=IntegerField()),
            F("submitted_at").asc(nulls_last=True),
            "created_at",
            "id",
        )
    )


def ministry_list(user):
    """Every file (the Ministry reads all), the most recently updated first."""
    return FundingFile.objects.visible_to(user).select_related(*LIST_RELATED, "opco").order_by("-updated_at", "-id")


def filter_files(queryset, *, status=None, project_holder=None, certification=None, opco=None, min_total=None,
                 max_total=None):  # fmt: skip
    if status:
        queryset = queryset.filter(status=status)
    if project_holder:
        queryset = queryset.filter(pathway__project_holder=project_holder)
    if certification:
        queryset = queryset.filter(pathway__certification=certification)
    if opco:
        queryset = queryset.filter(opco=opco)
    if min_total is not None or max_total is not None:
        queryset = queryset.alias(
            total_requested=F("requested_teaching") + F("requested_design") + F("requested_support")
        )
        if min_total is not None:
            queryset = queryset.filter(total_requested__gte=min_total)
        if max_total is not None:
            queryset = queryset.filter(total_requested__lte=max_total)
    return queryset


def status_counts(queryset, statuses) -> tuple[list[dict], int]:
    """Files per status in ONE aggregate query: ([{"status", "label", "count"}] in `statuses` order, total)."""
    counts = queryset.order_by().aggregate(
        total=Count("pk"), **{status.value: Count("pk", filter=Q(status=status)) for status in statuses}
    )
    rows = [{"status": status.value, "label": status.label, "count": counts[status.value]} for status in statuses]
    return rows, counts["total"]


def funding_totals(queryset) -> list[dict]:
    """Requested vs approved per category and in total, in ONE aggregate query, formatted in euros."""
    sums = queryset.order_by().aggregate(
        **{f"requested_{c}": Sum(f"requested_{c}") for c in CATEGORIES},
        **{f"approved_{c}": Sum(f"approved_{c}") for c in CATEGORIES},
    )
    zero = Decimal("0")
    rows = []
    for category in CATEGORIES:
        requested, approved = sums[f"requested_{category}"] or zero, sums[f"approved_{category}"] or zero
        rows.append({"label": FundingCategory(category).label, "requested": requested, "approved": approved})
    rows.append(
        {
            "label": "Total",
            "requested": sum((row["requested"] for row in rows), zero),
            "approved": sum((row["approved"] for row in rows), zero),
            "total": True,
        }
    )
    for row in rows:
        row["requested"], row["approved"] = format_euros(row["requested"]), format_euros(row["approved"])
    return rows


def queue_filter_choices(queryset):
    """The project holders and certifications the queue's filters offer: those of the visible files."""
    visible = queryset.order_by()
    project_holders = (
        ProjectHolder.objects.filter(pk__in=visible.values("pathway__project_holder_id"))
        .select_related("organisation")
        .order_by("organisation__name")
    )
    certifications = Certification.objects.filter(pk__in=visible.values("pathway__certification_id")).order_by("code")
    return project_holders, certifications


def list_rows(files) -> list[dict]:
    """The table rows of a page of files, amounts formatted in euros."""
    rows = []
    for funding_file in files:
        approved = funding_file.approved_total
        rows.append(
            {
                "file": funding_file,
                "requested_total": format_euros(funding_file.requested_total),
                "approved_total": format_euros(approved) if approved is not None else "—",
            }
        )
    return rows


def funding_file_for_page(user, pk) -> FundingFile:
    """One visible file with the pathway summary its page shows, or a 404."""
    return get_object_or_404(
        FundingFile.objects.visible_to(user).select_related(
            "opco",
            "decided_by",
            "pathway__candidate",
            "pathway__employer__opco",
            "pathway__project_holder__organisation",
            "pathway__certification",
            "pathway__contract",
        ),
        pk=pk,
    )


def amount_rows(caps, requested=None, approved=None) -> list[dict]:
    """Per category then in total: cap, requested, remaining room, approved, formatted in euros.

    `caps` maps "teaching", "design", "support", "total" to Decimals; `requested` and `approved` map the
    categories to Decimals (None: not shown). `cap_raw` and `room_raw` feed the live script's data- attributes.
    """
    zero = Decimal("0")
    rows = []
    for key in [*CATEGORIES, "total"]:
        if key == "total":
            asked = sum((requested[c] for c in CATEGORIES), zero) if requested is not None else None
            granted = sum((approved[c] for c in CATEGORIES), zero) if approved is not None else None
            label = "Total"
        else:
            asked = requested[key] if requested is not None else None
            granted = approved[key] if approved is not None else None
            label = FundingCategory(key).label
        room = caps[key] - asked if asked is not None else caps[key]
        rows.append(
            {
                "key": key,
                "label": label,
                "cap": format_euros(caps[key]),
                "cap_raw": f"{caps[key]:.2f}",
                "requested": format_euros(asked) if asked is not None else "—",
                "approved": format_euros(granted) if granted is not None else "—",
                "room": format_euros(abs(room)),
                "over": room < 0,
                "total": key == "total",
            }
        )
    return rows


def file_caps(funding_file) -> dict:
    return {key: getattr(funding_file, f"cap_{key}") for key in [*CATEGORIES, "total"]}


def file_amounts(funding_file, prefix) -> dict | None:
    if getattr(funding_file, f"{prefix}_teaching") is None:
        return None
    return {category: getattr(funding_file, f"{prefix}_{category}") for category in CATEGORIES}

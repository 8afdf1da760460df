"""Reads for the funding pages: each in a fixed number of queries, whatever the number of files."""

from django.db.models import Count, F, Sum
from django.utils import timezone

from certifications.models import Certification
from funding.enums import CATEGORIES, QUEUE_STATUSES, FundingCategory
from funding.models import QUEUE_RANK, FundingFile, FundingFileAssignment, FundingFileNote, FundingPolicy
from funding.money import Amounts, Caps, months_in_year, prorated_caps
from funding.plan import plan_amounts
from pathways.models import ProjectHolder
from vae_inversee.lib.dates import months_covered
from vae_inversee.lib.money import ZERO

LIST_RELATED = (
    "pathway__candidate",
    "pathway__employer",
    "pathway__project_holder__organisation",
    "pathway__certification",
    "assignee",
)


def opco_queue(user):
    """The files addressed to the user's OPCO: those waiting for a decision first, oldest submitted first."""
    return (
        FundingFile.objects.visible_to(user)
        .filter(status__in=QUEUE_STATUSES)
        .select_related(*LIST_RELATED)
        .order_by(
            QUEUE_RANK,
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
    """Files per status in ONE `GROUP BY status` query: ([{"status", "label", "count"}] in `statuses` order,
    total). The OPCO's reads only its index (opco, status, ...), not its files."""
    per_status = {row["status"]: row["n"] for row in queryset.order_by().values("status").annotate(n=Count("*"))}
    rows = [
        {"status": status.value, "label": status.label, "count": per_status.get(status.value, 0)} for status in statuses
    ]
    return rows, sum(per_status.values())


def funding_totals(queryset) -> list[dict]:
    """Requested vs approved per category and in total, in ONE aggregate query (Decimals)."""
    sums = queryset.order_by().aggregate(
        **{f"requested_{c}": Sum(f"requested_{c}") for c in CATEGORIES},
        **{f"approved_{c}": Sum(f"approved_{c}") for c in CATEGORIES},
    )
    requested = Amounts(**{c: sums[f"requested_{c}"] or ZERO for c in CATEGORIES})
    approved = Amounts(**{c: sums[f"approved_{c}"] or ZERO for c in CATEGORIES})
    rows = [
        {"label": category.label, "requested": amount, "approved": approved[category]}
        for category, amount in requested.items()
    ]
    rows.append({"label": "Total", "requested": requested.total, "approved": approved.total, "total": True})
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


def files_for_page(user):
    """The visible files with the pathway summary their page shows joined in."""
    return FundingFile.objects.visible_to(user).select_related(
        "opco",
        "decided_by",
        "pathway__candidate",
        "pathway__employer__opco",
        "pathway__project_holder__organisation",
        "pathway__certification",
        "pathway__contract",
    )


def amount_rows(caps: Caps, requested: Amounts | None = None, approved: Amounts | None = None) -> list[dict]:
    """Per category then in total: cap, requested, remaining room (`over` when negative), approved.

    Decimals, formatted by the templates (|euros); `requested` or `approved` None: not shown.
    """
    rows = []
    for key, label in [*FundingCategory.choices, ("total", "Total")]:
        asked = (requested.total if key == "total" else requested[key]) if requested is not None else None
        granted = (approved.total if key == "total" else approved[key]) if approved is not None else None
        room = caps[key] - asked if asked is not None else caps[key]
        rows.append(
            {
                "key": key,
                "label": label,
                "cap": caps[key],
                "requested": asked,
                "approved": granted,
                "room": abs(room),
                "over": room < 0,
                "total": key == "total",
            }
        )
    return rows


def plan_overview(pathway, files, target_blocks=None) -> dict:
    """The pathway page's plan: its actions, a timeline per target block, and per contract year the plan's
    cost per category beside the caps (the year's file's, else those a new file would get). `files`: the
    funding files the user sees (an OPCO no draft). Two queries, three without a file for a planned year."""
    actions = list(
        pathway.plan_actions.prefetch_related("skill_blocks")
        .select_related("pathway__contract")
        .order_by("start_date", "id")
    )
    blocks = target_blocks if target_blocks is not None else list(pathway.target_blocks.order_by("code"))
    timeline = [
        {"block": block, "actions": [action for action in actions if block in action.skill_blocks.all()]}
        for block in blocks
    ]
    files = {funding_file.contract_year: funding_file for funding_file in files}
    years = []
    for year in sorted({action.contract_year for action in actions if action.contract_year} | set(files)):
        totals = plan_amounts(pathway, year, actions)
        caps = _caps_for_page(pathway, year, files.get(year))
        years.append(
            {
                "year": year,
                "rows": [
                    {
                        "category": category,
                        "plan": totals[category],
                        "cap": caps[category] if caps else None,
                        "requested": files[year].requested[category] if year in files else None,
                    }
                    for category in CATEGORIES
                ],
                "total": totals.total,
                "cap_total": caps.total if caps else None,
                "months": caps.months if caps else None,
            }
        )
    return {"plan_actions": actions, "plan_timeline": timeline, "plan_years": years}


def _caps_for_page(pathway, year, funding_file):
    if funding_file is not None:
        return funding_file.caps
    contract = getattr(pathway, "contract", None)
    policy_in_force = FundingPolicy.objects.in_force_on(timezone.localdate())
    if contract is None or policy_in_force is None:
        return None
    months = months_in_year(months_covered(contract.start_date, contract.end_date), year)
    return prorated_caps(policy_in_force, months) if months else None


def notes_of(funding_file, user):
    """The internal notes of the user's organisation on the file."""
    return (
        FundingFileNote.objects.visible_to(user)
        .filter(funding_file=funding_file)
        .select_related("author")
        .order_by("created_at", "id")
    )


def assignments_of(funding_file):
    return FundingFileAssignment.objects.filter(funding_file=funding_file).select_related("assignee", "previous", "by")


def candidate_agreements(pathway) -> list:
    """The decided files of the candidate's pathway whose decision PDF exists (their page's downloads).

    `pathway` comes from the candidate's scope; the funding files themselves stay out of it (no list, no API).
    """
    return list(FundingFile.objects.decided().filter(pathway=pathway).exclude(agreement="").order_by("contract_year"))

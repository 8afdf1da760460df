"""Indicators of the experiment (product.md section 8), computed in the database for what a user may see.

Each figure is one aggregate query over `Pathway.objects.visible_to(user)` (or the files/juries of
those pathways): the number of queries does not grow with the number of pathways.
"""

import datetime
from decimal import Decimal

from celery import current_app
from django.conf import settings
from django.db import connections
from django.db.models import Aggregate, Count, DurationField, F, Q, Sum, Window
from django.db.models.functions import Lead
from django.utils import timezone

from certifications.enums import Level
from evaluation import indicator_version
from evaluation.enums import EMPLOYED_SITUATIONS, JuryOutcome, OutcomeMoment, OutcomeSituation
from evaluation.filters import IndicatorFilter
from evaluation.models import Jury, JuryBlockResult, PathwayOutcome
from funding.enums import CATEGORIES, FundingCategory, FundingStatus, PaymentRequestStatus
from funding.models import FundingFile, PaymentRequest
from pathways.enums import PHASE_ORDER, PathwayPhase
from pathways.models import Pathway, PathwayTransition, Project, ProjectHolder
from pathways.selectors import ceiling_subquery
from vae_inversee.accounts.models import Organisation

ZERO = Decimal("0.00")
# evaluation.tasks.refresh_indicators: the figures a reader found stale, computed again by a worker.
REFRESH_TASK = "evaluation.tasks.refresh_indicators"


def _euros(value) -> Decimal:
    return (value or ZERO).quantize(ZERO)


def _counts(queryset, field):
    # Nulls first on every database (SQLite and PostgreSQL order them differently by default).
    rows = queryset.values(field).annotate(count=Count("pk")).order_by(F(field).asc(nulls_first=True))
    return {row[field]: row["count"] for row in rows}


def _grouped(queryset, key, objects, labels, **aggregates) -> list[dict]:
    """`aggregates` of `queryset` per `key` (the id of one of `objects`), each row with the `labels` of its
    object (row key: field of `objects`), read after in one query of the few objects grouped. Grouped on the
    id alone, the database hashes the groups; grouped on the labels too, it sorts every row by them first."""
    rows = list(queryset.values(key).annotate(**aggregates).order_by())
    objects = objects.filter(pk__in={row[key] for row in rows}).values(*dict.fromkeys(["pk", *labels.values()]))
    found = {obj["pk"]: obj for obj in objects}
    for row in rows:
        row.update({name: found[row[key]][path] for name, path in labels.items()})
    return rows


def _ordered(rows, *fields) -> list[dict]:
    """`rows` in the order of `fields` (missing values last, as PostgreSQL orders them)."""
    return sorted(rows, key=lambda row: [(row[field] is None, row[field] or "") for field in fields])


class Median(Aggregate):
    """The median of a duration, the mean of the two middle values for an even count (PostgreSQL's
    `percentile_cont`, an ordered-set aggregate: the database sorts each group, nothing is fetched)."""

    function = "PERCENTILE_CONT"
    name = "Median"
    template = "%(function)s(0.5) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = DurationField()


def phase_durations(pathways, in_database=None):
    """Per phase left, (median days, number of stays), from the transition log.

    A stay in phase P starts with the transition into P (or the pathway's creation for positioning)
    and ends with the next transition of the same pathway. The medians are taken by the database where it
    can (PostgreSQL; `in_database` forces one way or the other), from the fetched stays elsewhere.
    """
    log = PathwayTransition.objects.filter(pathway__in=pathways.order_by().values("pk"))
    # The next transition of the same pathway, in (at, id) order, by a window over the log (no correlated
    # subquery per row).
    log = log.annotate(
        left_at=Window(Lead("at"), partition_by=[F("pathway_id")], order_by=[F("at").asc(), F("pk").asc()])
    )
    first = PHASE_ORDER[0]  # positioning: timed from the pathway's creation
    timed = PHASE_ORDER[1:-1]  # every other stay: from the move into the phase to the next move
    stays = {first: (Q(from_phase=first), F("at") - F("pathway__created_at"))}
    stays |= {phase: (Q(to_phase=phase, left_at__isnull=False), F("left_at") - F("at")) for phase in timed}
    if in_database is None:
        in_database = connections[log.db].vendor == "postgresql"
    if in_database:
        # One query: the medians and counts are aggregated over the window in the database.
        figures = log.aggregate(
            **{f"{phase}_median": Median(duration, filter=where) for phase, (where, duration) in stays.items()},
            **{f"{phase}_count": Count("pk", filter=where) for phase, (where, _duration) in stays.items()},
        )
        medians = {phase: (figures[f"{phase}_median"], figures[f"{phase}_count"]) for phase in stays}
    else:
        medians = _medians_in_python(log, first, timed)
    return {
        phase: (round(median.total_seconds() / 86400, 1) if count else None, count)
        for phase, (median, count) in medians.items()
    }


def _medians_in_python(log, first, timed):
    """`phase_durations`'s medians where the database has no `percentile_cont` (SQLite, the embedded default):
    the stays fetched, sorted by duration, the middle one (or the mean of the two middle ones) taken."""
    rows = log.values_list("from_phase", "to_phase", "at", "left_at", "pathway__created_at")
    durations = {phase: [] for phase in [first, *timed]}
    for from_phase, to_phase, at, left_at, created_at in rows.order_by():
        if from_phase == first:
            durations[first].append(at - created_at)
        if to_phase in timed and left_at is not None:
            durations[to_phase].append(left_at - at)
    medians = {}
    for phase, values in durations.items():
        values.sort()
        middle = values[(len(values) - 1) // 2 : len(values) // 2 + 1]
        medians[phase] = (sum(middle, datetime.timedelta()) / len(middle) if middle else None, len(values))
    return medians


def _rate(employed, recorded):
    return round(100 * employed / recorded, 1) if recorded else None


def _insertion(row) -> dict:
    """One breakdown row's rates at exit and at six months: employed over recorded (None when none)."""
    return {
        moment: {
            "recorded": row[f"{moment}_recorded"],
            "employed": row[f"{moment}_employed"],
            "rate": _rate(row[f"{moment}_employed"], row[f"{moment}_recorded"]),
        }
        for moment in OutcomeMoment.values
    }


def outcome_rates(pathways) -> dict:
    """Insertion rates at exit and at six months (employed = same or other employer, over the recorded
    situations), overall and by certification and by OPCO: one aggregate query each."""
    outcomes = PathwayOutcome.objects.filter(pathway__in=pathways.order_by().values("pk"))
    counts = {}
    for moment in OutcomeMoment.values:
        counts[f"{moment}_recorded"] = Count("pk", filter=Q(at=moment))
        counts[f"{moment}_employed"] = Count("pk", filter=Q(at=moment, situation__in=sorted(EMPLOYED_SITUATIONS)))
    overall = outcomes.aggregate(**counts)
    by_situation = {
        (row["at"], row["situation"]): row["count"]
        for row in outcomes.values("at", "situation").annotate(count=Count("pk")).order_by()
    }
    certifications = (
        outcomes.values("pathway__certification__code", "pathway__certification__title")
        .annotate(**counts)
        .order_by("pathway__certification__code")
    )
    opcos = (
        outcomes.values("pathway__employer__opco__code", "pathway__employer__opco__name")
        .annotate(**counts)
        .order_by("pathway__employer__opco__code")
    )
    projects = (
        outcomes.values("pathway__project", "pathway__project__reference", "pathway__project__title")
        .annotate(**counts)
        .order_by("pathway__project__reference", "pathway__project")
    )
    return {
        **_insertion(overall),
        "by_situation": [
            {
                "at": moment.value,
                "situation": situation.value,
                "label": situation.label,
                "count": by_situation.get((moment.value, situation.value), 0),
            }
            for moment in OutcomeMoment
            for situation in OutcomeSituation
        ],
        "by_certification": [
            {"certification": row["pathway__certification__code"], "label": row["pathway__certification__title"]}
            | _insertion(row)
            for row in certifications
        ],
        "by_opco": [
            {"opco": row["pathway__employer__opco__code"], "label": row["pathway__employer__opco__name"]}
            | _insertion(row)
            for row in opcos
        ],
        "by_project": [
            {
                "project": row["pathway__project"],
                "reference": row["pathway__project__reference"],
                "label": _project_label(row["pathway__project__reference"], row["pathway__project__title"]),
            }
            | _insertion(row)
            for row in projects
        ],  # fmt: skip
    }


def _project_label(reference, title):
    return f"{reference} — {title}" if reference else title


def _use(count, ceiling):
    return round(100 * count / ceiling, 1) if ceiling else 0.0


def project_grants(user, pathways, filtered) -> list[dict]:
    """The use of each accepted project's grant: pathways opened (abandoned ones count) over pathways granted.

    Within the filters, the pathways counted are the filtered ones; unfiltered, the accepted projects the
    user sees without a pathway yet are listed too (at 0). Three queries.
    """
    labels = {
        "project__reference": "reference", "project__title": "title", "project__granted_pathways": "granted_pathways",
        "project__project_holder__organisation__name": "project_holder__organisation__name",
    }  # fmt: skip
    rows = {row["project"]: row for row in _grouped(pathways, "project", Project.objects, labels, count=Count("pk"))}
    if not filtered:
        for project in (
            Project.objects.visible_to(user)
            .accepted()
            .exclude(pk__in=list(rows))
            .select_related("project_holder__organisation")
        ):
            rows[project.pk] = {
                "project": project.pk, "project__reference": project.reference, "project__title": project.title,
                "project__granted_pathways": project.granted_pathways,
                "project__project_holder__organisation__name": project.project_holder.organisation.name, "count": 0,
            }  # fmt: skip
    result = [
        {
            "project": row["project"],
            "reference": row["project__reference"],
            "title": row["project__title"],
            "project_holder": row["project__project_holder__organisation__name"],
            "granted": row["project__granted_pathways"] or 0,
            "count": row["count"],
            "use": _use(row["count"], row["project__granted_pathways"]),
        }
        for row in rows.values()
    ]
    return sorted(result, key=lambda row: (row["project_holder"] or "", row["reference"] or "", row["project"]))


def _requested_sum():
    return Sum(F("requested_teaching") + F("requested_design") + F("requested_support"))


def _approved_sum():
    return Sum(
        F("approved_teaching") + F("approved_design") + F("approved_support"), filter=Q(status=FundingStatus.APPROVED)
    )


def money_flow(files) -> dict:
    """Requested vs approved vs paid, per category, per OPCO and per project holder, and the average cost of
    a funded pathway (product.md section 12): a fixed number of aggregate queries over `files`."""
    paid = PaymentRequest.objects.filter(funding_file__in=files, status=PaymentRequestStatus.PAID)
    paid_by_category = {
        row["category"]: row["total"]
        for row in paid.values("category").annotate(total=Sum("approved_amount")).order_by()
    }
    groups = {}
    # Per group: its id in the files, the objects it names, the field shown as its id and its label.
    for key, group, objects, shown, label in (
        ("by_opco", "opco", Organisation.objects, "code", "name"),
        ("by_project_holder", "pathway__project_holder", ProjectHolder.objects, "pk", "organisation__name"),
        ("by_project", "pathway__project", Project.objects, "pk", "reference"),
    ):
        paid_by = {
            row[f"funding_file__{group}"]: row["total"]
            for row in paid.values(f"funding_file__{group}").annotate(total=Sum("approved_amount")).order_by()
        }
        rows = _grouped(
            files,
            group,
            objects,
            {"shown": shown, "label": label},
            requested=_requested_sum(),
            approved=_approved_sum(),
        )
        groups[key] = [
            {"id": row["shown"], "label": row["label"], "requested": _euros(row["requested"]),
             "approved": _euros(row["approved"]), "paid": _euros(paid_by.get(row[group]))}
            for row in _ordered(rows, "label", group)
        ]  # fmt: skip
    totals = files.aggregate(
        approved=_approved_sum(), funded=Count("pathway", distinct=True, filter=Q(status=FundingStatus.APPROVED))
    )
    paid_total = sum((_euros(value) for value in paid_by_category.values()), ZERO)
    funded = totals["funded"] or 0
    return {
        "paid_by_category": [
            {"category": category.value, "label": category.label, "paid": _euros(paid_by_category.get(category.value))}
            for category in FundingCategory
        ],
        "paid_total": paid_total,
        "funded_pathways": funded,
        "average_approved_per_pathway": _euros(_euros(totals["approved"]) / funded) if funded else None,
        "average_paid_per_pathway": _euros(paid_total / funded) if funded else None,
        **groups,
    }


def _parts(filters):
    """What the figures read besides the data and the user: the filters (their echo), the national ceiling."""
    return (filters.echo() if filters is not None else None, settings.NATIONAL_PATHWAY_CEILING)


def _token(user, parts):
    """`(token, up_to_date)`: the data version of the figures to read (`indicator_version.latest_token`):
    the current one, or the last one computed while a worker computes them again
    (`evaluation.tasks.refresh_indicators`)."""
    return indicator_version.latest_token(user, "indicators", lambda: _ask_refresh(user, parts[0]), *parts)


def _figures_at(token, user, filters, parts) -> dict:
    return indicator_version.remember_at(
        token, user, "indicators", lambda: compute_from_scratch(user, filters), *parts, latest=True
    )


def _ask_refresh(user, echo):
    # By name (the task's module imports this one). Not through the outbox: nothing is lost with the message
    # (the next read asks again), and a read writes no row.
    current_app.send_task(REFRESH_TASK, args=[user.pk, echo], retry=False, ignore_result=True)


def refresh(user, echo) -> bool:
    """Compute the figures of `user` within the filters `echo` (`IndicatorFilter.echo()`, None: unfiltered)
    from the data as it is now and keep them as the last computed: the background task's work."""
    filters = None
    if echo is not None:
        filters = IndicatorFilter(echo, user=user)
        if not filters.is_valid():  # a choice gone since the read (a project withdrawn…): nothing to keep
            return False
    token = indicator_version.version()
    if token is None:
        return False
    _figures_at(token, user, filters, _parts(filters))
    return True


def compute(user, filters=None) -> dict:
    """The indicators of the pathways `user` may see, within `filters`: the figures of `compute_from_scratch`
    (their `computed_at` says when), kept in the cache, with `generated_at` (this read) and `up_to_date`
    (whether they include every write so far: see `_token`)."""
    parts = _parts(filters)
    token, up_to_date = _token(user, parts)
    return _figures_at(token, user, filters, parts) | {"generated_at": timezone.now(), "up_to_date": up_to_date}


def kept(user, filters, name, write):
    """`(value, up_to_date)`: `write(figures)`, a value derived from the indicators of `user` within
    `filters` (their JSON, a file of them), kept with the figures it was written from (under their data
    version: read again, it costs neither the figures nor their writing)."""
    parts = _parts(filters)
    token, up_to_date = _token(user, parts)

    def derive():
        return write(_figures_at(token, user, filters, parts))

    return indicator_version.remember_at(token, user, name, derive, *parts), up_to_date


def compute_from_scratch(user, filters=None) -> dict:
    """The indicators of the pathways `user` may see, within `filters` (a valid evaluation.filters.IndicatorFilter)."""
    pathways = filters.pathways() if filters is not None else Pathway.objects.visible_to(user)
    by_phase = _counts(pathways, "phase")
    total = sum(by_phase.values())

    opcos = (
        pathways.values("employer__opco__code", "employer__opco__name")
        .annotate(count=Count("pk"))
        .order_by("employer__opco__code")
    )
    regions = _counts(pathways, "project_holder__organisation__region")
    levels = _counts(pathways, "certification__level")
    holders = _grouped(
        pathways, "project_holder", ProjectHolder.objects.annotate(ceiling=ceiling_subquery()),
        {"name": "organisation__name", "ceiling": "ceiling"}, count=Count("pk"),
    )  # fmt: skip
    holder_rows = [
        {"pk": row["project_holder"], "name": row["name"], "ceiling": row["ceiling"], "count": row["count"]}
        for row in _ordered(holders, "name", "project_holder")
    ]
    if not holder_rows and not (filters is not None and filters.active()):
        # A project holder sees its own ceiling even before its first pathway.
        holder_rows = [
            {"pk": holder.pk, "name": holder.organisation.name, "ceiling": holder.pathway_ceiling, "count": 0}
            for holder in ProjectHolder.objects.visible_to(user).select_related("organisation")
        ]
    dropouts = (
        pathways.filter(phase=PathwayPhase.ABANDONED)
        .values("abandon_reason")
        .annotate(count=Count("pk"))
        .order_by("-count", "abandon_reason")
    )
    juries = Jury.objects.filter(pathway__in=pathways)
    outcomes = _counts(juries, "outcome")
    blocks = JuryBlockResult.objects.filter(jury__in=juries).aggregate(
        assessed=Count("pk"), validated=Count("pk", filter=Q(validated=True))
    )
    # The files the user may see (an OPCO: not the drafts, nor the files addressed to another OPCO).
    files = FundingFile.objects.visible_to(user).filter(pathway__in=pathways.order_by().values("pk"))
    funding_sums = files.aggregate(
        **{f"requested_{c}": Sum(f"requested_{c}") for c in CATEGORIES},
        **{f"approved_{c}": Sum(f"approved_{c}", filter=Q(status=FundingStatus.APPROVED)) for c in CATEGORIES},
        files=Count("pk"),
        approved_files=Count("pk", filter=Q(status=FundingStatus.APPROVED)),
    )
    durations = phase_durations(pathways)
    insertion = outcome_rates(pathways)
    grants = project_grants(user, pathways, filtered=filters is not None and bool(filters.active()))
    flow = money_flow(files)
    paid = {row["category"]: row["paid"] for row in flow["paid_by_category"]}

    national_ceiling = settings.NATIONAL_PATHWAY_CEILING
    return {
        "computed_at": timezone.now(),
        "total_pathways": total,
        "by_phase": [
            {"phase": phase.value, "label": phase.label, "count": by_phase.get(phase.value, 0)}
            for phase in [*PHASE_ORDER, PathwayPhase.ABANDONED]
        ],
        "by_opco": [
            {"opco": row["employer__opco__code"], "label": row["employer__opco__name"], "count": row["count"]}
            for row in opcos
        ],
        "by_region": [{"region": region or "Non renseignée", "count": count} for region, count in regions.items()],
        "by_level": [
            {"level": level, "label": Level(level).label if level else "Sans niveau", "count": count}
            for level, count in levels.items()
        ],
        "by_project_holder": [
            {
                "project_holder": row["pk"],
                "name": row["name"],
                "count": row["count"],
                "ceiling": row["ceiling"],
                # A holder whose projects are not accepted yet has no ceiling: nothing used of nothing.
                "ceiling_use": _use(row["count"], row["ceiling"]),
            }
            for row in holder_rows
        ],
        "by_project": grants,
        "national_ceiling": {
            "ceiling": national_ceiling,
            "count": total,
            "use": round(100 * total / national_ceiling, 2),
        },
        "dropouts": [{"reason": row["abandon_reason"], "count": row["count"]} for row in dropouts],
        "jury_outcomes": [
            {"outcome": outcome.value, "label": outcome.label, "count": outcomes.get(outcome.value, 0)}
            for outcome in JuryOutcome
        ],
        "blocks": {"assessed": blocks["assessed"], "validated": blocks["validated"]},
        "median_days_per_phase": [
            {
                "phase": phase.value,
                "label": phase.label,
                "median_days": durations[phase][0],
                "stays": durations[phase][1],
            }
            for phase in PHASE_ORDER[:-1]
        ],
        "filters": filters.echo() if filters is not None else {},
        "outcomes": insertion,
        "funding": {
            "files": funding_sums["files"],
            "approved_files": funding_sums["approved_files"],
            "by_category": [
                {
                    "category": category.value,
                    "label": category.label,
                    "requested": _euros(funding_sums[f"requested_{category}"]),
                    "approved": _euros(funding_sums[f"approved_{category}"]),
                    "paid": paid[category.value],
                }
                for category in FundingCategory
            ],
            "requested_total": sum((_euros(funding_sums[f"requested_{c}"]) for c in CATEGORIES), ZERO),
            "approved_total": sum((_euros(funding_sums[f"approved_{c}"]) for c in CATEGORIES), ZERO),
            "paid_total": flow["paid_total"],
            "funded_pathways": flow["funded_pathways"],
            "average_approved_per_pathway": flow["average_approved_per_pathway"],
            "average_paid_per_pathway": flow["average_paid_per_pathway"],
            "by_opco": flow["by_opco"],
            "by_project_holder": flow["by_project_holder"],
            "by_project": flow["by_project"],
        },
    }

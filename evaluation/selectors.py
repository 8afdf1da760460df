"""Reads for the evaluation sections of the pathway page and of the candidate record, each in a fixed
number of queries whatever the number of records."""

from django.db.models import Count, F, Prefetch, Q

from certifications.models import Certification, SkillBlock
from evaluation.models import AcquiredBlock, Jury, JuryBlockResult, PathwayOutcome
from pathways.enums import PathwayPhase
from pathways.models import Pathway


def progress_by_block(pathway, target_blocks) -> list[dict]:
    """[{"block", "targeted", "assessments" (oldest first), "latest"}], in the targeted blocks' order.

    One query for every record of the pathway. Records on a block no longer targeted (the targets may
    change during positioning) follow the targeted blocks; `block` is None for a certification without
    blocks.
    """
    by_block = {}
    for assessment in pathway.assessments.select_related("skill_block", "recorded_by").order_by("assessed_at", "id"):
        by_block.setdefault(assessment.skill_block_id, []).append(assessment)
    blocks = list(target_blocks) or [None]
    keys = {block.pk if block else None for block in blocks}
    rows = [
        {"block": block, "targeted": True, "assessments": by_block.get(block.pk if block else None, [])}
        for block in blocks
    ]
    for key, assessments in by_block.items():
        if key not in keys:
            rows.append({"block": assessments[0].skill_block, "targeted": False, "assessments": assessments})
    for row in rows:
        row["latest"] = row["assessments"][-1] if row["assessments"] else None
    return rows


def juries_of(pathway) -> list:
    """The pathway's jury results, first attempt first, with their per-block results (two queries at most)."""
    return list(
        pathway.juries.select_related("recorded_by")
        .prefetch_related(
            Prefetch(
                "block_results",
                queryset=JuryBlockResult.objects.select_related("skill_block").order_by("skill_block__code"),
            )
        )
        .order_by("attempt")
    )


def acquired_blocks_of(candidate) -> list:
    """The blocks the candidate holds for good, with their certification and jury (one query)."""
    return list(
        AcquiredBlock.objects.filter(candidate=candidate)
        .select_related("skill_block__certification", "jury__pathway")
        .order_by("acquired_on", "skill_block__code")
    )


def outcomes_of(pathway) -> list:
    """The person's recorded situations after the pathway, exit first (one query)."""
    return list(PathwayOutcome.objects.filter(pathway=pathway).select_related("recorded_by").order_by("at", "pk"))


# ---- jury sessions (evaluation.sessions) -----------------------------------------------------------------

# The pathways a session gathers: those heading for their jury (a date to set) and those at it.
SESSION_PHASES = (PathwayPhase.DELIVERY, PathwayPhase.EVALUATION)


def session_certifications(user):
    """The certifications of the pathways the user sees heading for a jury, by code."""
    pathways = Pathway.objects.visible_to(user).filter(phase__in=SESSION_PHASES)
    return Certification.objects.filter(pk__in=pathways.values("certification_id")).order_by("code")


def session_certification(user, pk):
    """One certification of the user's pathways (any phase), or None: another certifier's is not found."""
    pathways = Pathway.objects.visible_to(user)
    return Certification.objects.filter(pk=pk, pk__in=pathways.values("certification_id")).first()


def schedulable_pathways(user, certification):
    """The candidates a session of `certification` may gather, by name."""
    return (
        Pathway.objects.visible_to(user)
        .filter(certification=certification, phase__in=SESSION_PHASES)
        .select_related("candidate", "employer")
        .order_by("candidate__last_name", "candidate__first_name", "pk")
    )


def jury_sessions(user) -> list[dict]:
    """[{"certification" (id, code, title), "session_date", "candidates", "recorded"}], latest first.

    A session is a certification and a date set on pathways; "recorded": its results already entered.
    """
    pathways = Pathway.objects.visible_to(user).filter(jury_session_date__isnull=False)
    rows = (
        Pathway.objects.filter(pk__in=pathways.values("pk"))
        .values("certification_id", "certification__code", "certification__title", "jury_session_date")
        .annotate(
            candidates=Count("pk", distinct=True),
            recorded=Count("juries", filter=Q(juries__session_date=F("jury_session_date")), distinct=True),
        )
        .order_by("-jury_session_date", "certification__code")
    )
    return [
        {
            "certification": {
                "id": row["certification_id"],
                "code": row["certification__code"],
                "title": row["certification__title"],
            },
            "session_date": row["jury_session_date"],
            "candidates": row["candidates"],
            "recorded": row["recorded"],
        }
        for row in rows
    ]


def session_pathways(user, certification, session_date) -> list:
    """The session's pathways, by name, each with its `targets` (blocks by code) and `session_jury` (its
    result at this date, or None), in four queries."""
    pathways = list(
        Pathway.objects.visible_to(user)
        .filter(certification=certification, jury_session_date=session_date)
        .select_related("candidate", "employer", "certification")
        .prefetch_related(
            Prefetch("target_blocks", queryset=SkillBlock.objects.order_by("code"), to_attr="targets"),
            Prefetch(
                "juries",
                queryset=Jury.objects.filter(session_date=session_date)
                .select_related("recorded_by")
                .prefetch_related(
                    Prefetch(
                        "block_results",
                        queryset=JuryBlockResult.objects.select_related("skill_block").order_by("skill_block__code"),
                    )
                )
                .order_by("-attempt"),
                to_attr="session_juries",
            ),
        )
        .order_by("candidate__last_name", "candidate__first_name", "pk")
    )
    for pathway in pathways:
        pathway.session_jury = pathway.session_juries[0] if pathway.session_juries else None
    return pathways

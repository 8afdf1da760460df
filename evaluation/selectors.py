"""Reads for the evaluation sections of the pathway page and of the candidate record, each in a fixed
number of queries whatever the number of records."""

from django.db.models import Prefetch

from evaluation.models import AcquiredBlock, JuryBlockResult, PathwayOutcome


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

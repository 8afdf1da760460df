"""The pedagogical plan (product.md section 11): its costs per contract year and category, its guards on
support → admissibility, and what other apps keep in step with it.

`DEPENDENTS` follows the pattern of `pathways.contracts`: funding registers (FundingConfig.ready) a
function `follow(pathway)` run under the pathway's lock after a plan action is written or removed, in the
same transaction; it raises a French ValidationError to refuse the change (an approved file that the
plan would no longer cover), which rolls the change back.
"""

from collections import defaultdict
from decimal import Decimal

from pathways.enums import THEORY_KINDS, PlanActionKind

DEPENDENTS = []


def add_dependent(follow) -> None:
    if follow not in DEPENDENTS:
        DEPENDENTS.append(follow)


def follow_plan(pathway) -> None:
    for follow in DEPENDENTS:
        follow(pathway)


def costs(pathway, actions=None) -> dict[int, dict[str, Decimal]]:
    """The plan's cost per contract year, then per funding category: {1: {"teaching": Decimal, ...}}.

    `actions`: the pathway's actions already read (a page that lists them), else they are read here."""
    totals: dict[int, dict[str, Decimal]] = defaultdict(lambda: defaultdict(lambda: Decimal("0.00")))
    for action in actions if actions is not None else pathway.plan_actions.all():
        if action.category and action.contract_year:
            totals[action.contract_year][action.category] += action.cost
    return {year: dict(categories) for year, categories in totals.items()}


def uncovered_blocks(pathway) -> list:
    """The target blocks no action of the plan covers, in code order."""
    covered = {block.pk for action in pathway.plan_actions.all() for block in action.skill_blocks.all()}
    return [block for block in pathway.target_blocks.order_by("code") if block.pk not in covered]


# ---- guards of support → admissibility (pathways.workflow) -------------------------------------------


def plan_has_theory(pathway, comment=""):
    """Some theory stays mandatory: at least one training or AFEST action."""
    if not pathway.plan_actions.filter(kind__in=THEORY_KINDS).exists():
        return (
            "Le plan pédagogique doit comporter un apport théorique : au moins une action « "
            f"{PlanActionKind.TRAINING.label} » ou « {PlanActionKind.AFEST.label} »."
        )
    return None


def plan_covers_target_blocks(pathway, comment=""):
    uncovered = uncovered_blocks(pathway)
    if uncovered:
        codes = ", ".join(block.code for block in uncovered)
        return f"Le plan pédagogique ne couvre pas tous les blocs visés : aucune action pour {codes}."
    return None

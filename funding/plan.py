"""Funding follows the pedagogical plan (product.md section 11): a file shows the plan's totals of its
contract year, a new file is pre-filled from them, a file is never submitted above them, and in delivery
the plan never changes so that an approved file would no longer cover it (registered into
`pathways.plan.DEPENDENTS` by FundingConfig.ready, run under the pathway's lock)."""

from django.core.exceptions import ValidationError

from funding.enums import CATEGORIES, FundingStatus
from funding.models import FundingFile
from funding.money import ZERO, Amounts, Caps
from pathways import plan
from vae_inversee.lib.money import format_euros


def plan_amounts(pathway, contract_year, actions=None) -> Amounts:
    """The plan's cost per category for one contract year (`actions`: already read, see pathways.plan.costs)."""
    year = plan.costs(pathway, actions).get(contract_year, {})
    return Amounts(**{str(category): year.get(str(category), ZERO) for category in CATEGORIES})


def prefilled(plan_totals: Amounts, caps: Caps) -> Amounts:
    """What a new file asks for: the plan's totals, each within its cap and the whole within the total cap."""
    values = {str(category): min(amount, caps.categories[category]) for category, amount in plan_totals.items()}
    excess = sum(values.values(), ZERO) - caps.total
    for category in CATEGORIES:
        if excess <= 0:
            break
        cut = min(excess, values[str(category)])
        values[str(category)] -= cut
        excess -= cut
    return Amounts(**values)


def above_plan(requested: Amounts, plan_totals: Amounts, contract_year, prefix="requested") -> dict:
    """Each category asked for beyond what the plan costs that year, naming both amounts."""
    return {
        f"{prefix}_{category}": [
            f"{category.label} : {format_euros(amount)} demandés dépassent le coût du plan pédagogique pour "
            f"l'année {contract_year} ({format_euros(plan_totals[category])})."
        ]
        for category, amount in requested.items()
        if amount > plan_totals[category]
    }


def files_follow_plan(pathway) -> None:
    """After a plan change: every approved file must still be covered by the plan of its contract year."""
    refused = []
    for funding_file in (
        FundingFile.objects.select_for_update()
        .filter(pathway=pathway, status=FundingStatus.APPROVED)
        .order_by("contract_year")
    ):
        totals = plan_amounts(pathway, funding_file.contract_year)
        for category, amount in funding_file.approved.items():
            if amount > totals[category]:
                refused.append(
                    f"{category.label} de l'année {funding_file.contract_year} : le plan ne coûterait plus que "
                    f"{format_euros(totals[category])} pour {format_euros(amount)} accordés"
                )
    if refused:
        raise ValidationError(
            {
                "non_field_errors": [
                    "Ce changement du plan est refusé : un dossier de financement accordé ne serait plus couvert ("
                    + " ; ".join(refused)
                    + ")."
                ]
            }
        )

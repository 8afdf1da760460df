"""Caps of a contract year: the policy's annual caps prorated by the months the year covers."""

from decimal import ROUND_HALF_UP, Decimal

from funding.enums import CATEGORIES

CENT = Decimal("0.01")
MONTHS_PER_YEAR = 12


def contract_months(start, end) -> int:
    """Months covered by a contract, a started month counting whole (15/09 → 14/09 next year = 12)."""
    from pathways.contracts import add_months

    months = 1
    while add_months(start, months) <= end:
        months += 1
    return months


def months_in_year(total_months: int, contract_year: int) -> int:
    """Months of contract year N (1-based) in a contract of `total_months`; 0 if the contract is shorter."""
    return max(0, min(MONTHS_PER_YEAR, total_months - MONTHS_PER_YEAR * (contract_year - 1)))


def prorated_caps(policy, months: int) -> dict[str, Decimal]:
    """{"teaching", "design", "support", "total"} → cap in euros for a year of `months` months."""
    share = Decimal(months) / MONTHS_PER_YEAR
    caps = {name: getattr(policy, f"cap_{name}") for name in [*CATEGORIES, "total"]}
    return {name: (value * share).quantize(CENT, rounding=ROUND_HALF_UP) for name, value in caps.items()}


def format_euros(amount: Decimal) -> str:
    """6000.5 → "6 000,50 €" (French format, narrow no-break space)."""
    sign = "-" if amount < 0 else ""
    whole, cents = f"{abs(amount).quantize(CENT):.2f}".split(".")
    groups = []
    while whole:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    return sign + "\u202f".join(groups) + f",{cents} €"

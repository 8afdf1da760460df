"""Money in euros, excluding tax: Decimals with two places, written the French way."""

from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
ZERO = Decimal("0.00")


def to_euros(value) -> Decimal:
    """A Decimal rounded to the cent (half up), the way the caps and the amounts are kept."""
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def format_euros(amount: Decimal) -> str:
    """6000.5 → "6 000,50 €" (French format, narrow no-break space)."""
    sign = "-" if amount < 0 else ""
    whole, cents = f"{abs(amount).quantize(CENT):.2f}".split(".")
    groups = []
    while whole:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    return sign + "\u202f".join(groups) + f",{cents} €"

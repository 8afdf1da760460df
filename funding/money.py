"""Amounts per funding category, and the caps of a contract year (the policy's annual caps prorated)."""

from dataclasses import dataclass, fields
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError

from funding.enums import CATEGORIES, FundingCategory
from vae_inversee.lib.money import CENT, ZERO, format_euros, to_euros

MONTHS_PER_YEAR = 12


@dataclass(frozen=True)
class Amounts:
    """One amount in euros per category (teaching, design, support); what services take and check."""

    teaching: Decimal = ZERO
    design: Decimal = ZERO
    support: Decimal = ZERO

    @classmethod
    def of(cls, **amounts) -> "Amounts":
        """From numbers or strings known to be good ("1500.50"): for the demo, the tests, the bench."""
        return cls.parse(amounts)

    @classmethod
    def parse(cls, values: dict, prefix: str = "") -> "Amounts":
        """From `{"<prefix>_teaching": "1500.50", ...}` (a missing or empty one is 0); every bad one is
        reported on its field, in French."""
        amounts, errors = {}, {}
        for category in CATEGORIES:
            name = f"{prefix}_{category}" if prefix else str(category)
            raw = values.get(name)
            try:
                amount = Decimal(str(raw if raw not in (None, "") else "0"))
            except (InvalidOperation, ValueError):
                errors[name] = ["Indiquez un montant en euros, par exemple 1500,00."]
                continue
            if not amount.is_finite() or amount < 0:
                errors[name] = ["Le montant doit être positif ou nul."]
            elif amount != amount.quantize(CENT):
                errors[name] = ["Le montant s'exprime en euros et centimes (deux décimales au plus)."]
            else:
                amounts[str(category)] = amount.quantize(CENT)
        if errors:
            raise ValidationError(errors)
        return cls(**amounts)

    @classmethod
    def from_fields(cls, obj, prefix) -> "Amounts | None":
        """The `<prefix>_<category>` fields of a model instance (None when they are not set)."""
        values = {category: getattr(obj, f"{prefix}_{category}") for category in CATEGORIES}
        if any(value is None for value in values.values()):
            return None
        return cls(**values)

    def as_fields(self, prefix) -> dict[str, Decimal]:
        return {f"{prefix}_{category}": self[category] for category in CATEGORIES}

    def __getitem__(self, category) -> Decimal:
        return getattr(self, str(category))

    def items(self):
        return [(FundingCategory(category), self[category]) for category in CATEGORIES]

    @property
    def total(self) -> Decimal:
        return sum((getattr(self, field.name) for field in fields(self)), ZERO)


@dataclass(frozen=True)
class Caps:
    """The caps of one contract year: one per category, and the total (prorated on its own, not the sum)."""

    categories: Amounts
    total: Decimal
    months: int

    def __getitem__(self, key) -> Decimal:
        return self.total if key == "total" else self.categories[key]

    def excess(self, requested: Amounts, prefix="requested") -> dict[str, list[str]]:
        """Each category above its cap, and the total above the total cap (the database checks the same)."""
        errors = {}
        for category, amount in requested.items():
            if amount > self.categories[category]:
                errors[f"{prefix}_{category}"] = [
                    f"{category.label} : {format_euros(amount)} dépasse le plafond de "
                    f"{format_euros(self.categories[category])} pour cette année de contrat ({self.months} mois)."
                ]
        if requested.total > self.total:
            errors["non_field_errors"] = [
                f"Le total demandé ({format_euros(requested.total)}) dépasse le plafond total de "
                f"{format_euros(self.total)} pour cette année de contrat ({self.months} mois)."
            ]
        return errors


def months_in_year(total_months: int, contract_year: int) -> int:
    """Months of contract year N (1-based) in a contract of `total_months`; 0 if the contract is shorter."""
    return max(0, min(MONTHS_PER_YEAR, total_months - MONTHS_PER_YEAR * (contract_year - 1)))


def prorated_caps(policy, months: int) -> Caps:
    """The policy's annual caps for a contract year of `months` months."""
    share = Decimal(months) / MONTHS_PER_YEAR
    categories = Amounts(**{category: to_euros(getattr(policy, f"cap_{category}") * share) for category in CATEGORIES})
    return Caps(categories=categories, total=to_euros(policy.cap_total * share), months=months)

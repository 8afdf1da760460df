"""The SMIC history shipped in data/smic.csv; loading is idempotent (migration and demo share it)."""

import csv
import datetime
from decimal import Decimal
from pathlib import Path

SMIC_CSV = Path(__file__).resolve().parent / "data" / "smic.csv"


def load_smic_rates(SmicRate) -> int:
    """Create or update the rows of smic.csv; returns how many changed. Takes the model class for migrations."""
    changed = 0
    with open(SMIC_CSV, encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            values = {
                "hourly_gross": Decimal(row["hourly_gross_eur"]),
                "monthly_gross_35h": Decimal(row["monthly_gross_35h_eur"]),
            }
            rate, created = SmicRate.objects.get_or_create(
                effective_from=datetime.date.fromisoformat(row["effective_from"]), defaults=values
            )
            if not created and any(getattr(rate, key) != value for key, value in values.items()):
                SmicRate.objects.filter(pk=rate.pk).update(**values)
                changed += 1
            changed += created
    return changed

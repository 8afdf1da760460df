"""Calendar arithmetic the contract checks and the funding caps share."""

import datetime

from django.core.exceptions import ValidationError
from django.utils import timezone


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The same day `months` later; 31 January + 1 month = 28/29 February."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    for candidate_day in (day.day, 30, 29, 28):
        try:
            return datetime.date(year, month, candidate_day)
        except ValueError:
            continue
    raise ValueError(day)


def months_covered(start: datetime.date, end: datetime.date) -> int:
    """Months from `start` to `end`, a started month counting whole (15/09 → 14/09 next year = 12)."""
    months = 1
    while add_months(start, months) <= end:
        months += 1
    return months


def age_on(birth_date: datetime.date, day: datetime.date) -> int:
    return day.year - birth_date.year - ((day.month, day.day) < (birth_date.month, birth_date.day))


# Dates a record of the platform may hold (product.md section 15: "no date beyond 2100").
EARLIEST = datetime.date(1900, 1, 1)
LATEST = datetime.date(2100, 12, 31)


def out_of_range(day) -> str | None:
    """The French reason a date makes no sense here, or None."""
    if day is not None and not EARLIEST <= day <= LATEST:
        return f"La date doit être comprise entre le {EARLIEST:%d/%m/%Y} et le {LATEST:%d/%m/%Y}."
    return None


def validate_plausible_date(day) -> None:
    reason = out_of_range(day)
    if reason:
        raise ValidationError(reason)


def year_of_contract(start: datetime.date, day: datetime.date) -> int:
    """The contract year (1-based, 12 months each from `start`) `day` falls in; 1 for a day before `start`."""
    year = 1
    while add_months(start, 12 * year) <= day:
        year += 1
    return year


def day_start(day: datetime.date) -> datetime.datetime:
    """The first instant of `day` in the current time zone (Europe/Paris): a bound on a timestamp column that
    its index can serve, where a `__date` lookup converts the column of every row first."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))

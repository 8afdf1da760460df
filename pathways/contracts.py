"""Checks of the contrat de professionnalisation (product.md section 5).

`check_contract` returns {field: [French messages]}; empty when the contract is valid. It works on
unsaved objects so that forms, serializers and services validate before anything is written.
"""

import datetime
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings

from pathways.enums import HighestQualification
from pathways.models import Pathway, SmicRate
from vae_inversee.lib.dates import add_months, age_on, out_of_range
from vae_inversee.lib.money import format_euros

# What other apps keep in step with a contract (funding: the caps of each contract year's file), each a
# function (pathway, contract) run under the pathway's lock before the contract is saved; it raises a
# French ValidationError to refuse the change. Registered from the apps' AppConfig.ready().
DEPENDENTS = []


def format_hours(hours: Decimal) -> str:
    """Decimal("17.50") → "17,5" (French decimal comma, no useless zeros)."""
    return f"{hours.normalize():f}".replace(".", ",")


def add_dependent(follow) -> None:
    if follow not in DEPENDENTS:
        DEPENDENTS.append(follow)


def follow_contract(pathway, contract) -> None:
    for follow in DEPENDENTS:
        follow(pathway, contract)


def within_contract(contract, start: datetime.date, end: datetime.date) -> bool:
    return contract.start_date <= start <= end <= contract.end_date


MAX_MONTHS = 36
MIN_AGE = 16
MAX_AGE = 80
# A candidate is 15 to 80 on the day they are registered (product.md section 15).
REGISTRATION_AGES = (15, 80)
TUTOR_LIMIT = 3
TUTOR_LIMIT_WHEN_EMPLOYER = 2
LEGAL_WEEKLY_HOURS = Decimal("35")


def minimum_salary_rate(age: int, qualification: str) -> Decimal:
    """Share of the SMIC due by age band and qualification (D6325-15, D6325-18)."""
    higher = qualification == HighestQualification.BAC_PRO_OR_ABOVE
    if age < 21:
        return Decimal("0.65") if higher else Decimal("0.55")
    if age < 26:
        return Decimal("0.80") if higher else Decimal("0.70")
    return Decimal("1.00")


def smic_on(day: datetime.date):
    return SmicRate.objects.filter(effective_from__lte=day).order_by("-effective_from").first()


def minimum_monthly_salary(*, birth_date, qualification, start_date, weekly_hours) -> tuple[Decimal, str] | None:
    """The minimum gross monthly salary and how it was computed, or None without a SMIC row."""
    smic = smic_on(start_date)
    if smic is None:
        return None
    age = age_on(birth_date, start_date)
    rate = minimum_salary_rate(age, qualification)
    amount = (smic.monthly_gross_35h * rate * Decimal(weekly_hours) / LEGAL_WEEKLY_HOURS).quantize(
        Decimal("0.01"), rounding=ROUND_HALF_UP
    )
    basis = f"{int(rate * 100)} % du SMIC en vigueur au {smic.effective_from:%d/%m/%Y} ({format_euros(smic.monthly_gross_35h)} pour 35 h), pour {age} ans"
    return amount, basis


def experiment_window() -> tuple[datetime.date, datetime.date]:
    return (
        datetime.date.fromisoformat(str(settings.EXPERIMENT_START)),
        datetime.date.fromisoformat(str(settings.EXPERIMENT_END)),
    )


def check_contract(*, pathway, contract, candidate=None, employer=None) -> dict[str, list[str]]:
    """Every failed check, by field. `candidate`/`employer` default to the pathway's."""
    errors: dict[str, list[str]] = {}

    def fail(name, message):
        errors.setdefault(name, []).append(message)

    candidate = candidate or pathway.candidate
    employer = employer or pathway.employer
    signed_on, start, end = contract.signed_on, contract.start_date, contract.end_date
    window_start, window_end = experiment_window()
    for name in ("signed_on", "start_date", "end_date"):
        reason = out_of_range(getattr(contract, name))
        if reason:
            fail(name, reason)
    if errors:
        # Nothing else can be computed from a date out of the calendar's range.
        return errors

    if signed_on and not (window_start <= signed_on <= window_end):
        fail(
            "signed_on",
            f"Le contrat doit être conclu pendant l'expérimentation, entre le {window_start:%d/%m/%Y} "
            f"et le {window_end:%d/%m/%Y} (conclu le {signed_on:%d/%m/%Y}).",
        )
    if signed_on and start and start < signed_on:
        fail("start_date", "Le contrat doit commencer le jour de sa signature ou après.")
    if start and end:
        if end <= start:
            fail("end_date", "La date de fin du contrat doit être postérieure à sa date de début.")
        elif end > add_months(start, MAX_MONTHS):
            fail(
                "end_date",
                f"Le contrat ne peut pas durer plus de {MAX_MONTHS} mois : il doit finir au plus tard le "
                f"{add_months(start, MAX_MONTHS):%d/%m/%Y}.",
            )
    if candidate is not None and start and age_on(candidate.birth_date, start) < MIN_AGE:
        fail(
            "start_date",
            f"Le candidat doit avoir au moins {MIN_AGE} ans au début du contrat "
            f"({MIN_AGE} ans le {add_months(candidate.birth_date, 12 * MIN_AGE):%d/%m/%Y}).",
        )
    elif candidate is not None and start and age_on(candidate.birth_date, start) > MAX_AGE:
        fail(
            "start_date",
            f"Le candidat aurait plus de {MAX_AGE} ans au début du contrat : vérifiez sa date de naissance.",
        )
    if employer is not None and not employer.private_law:
        fail("employer", "Seul un employeur de droit privé peut conclure ce contrat.")

    if candidate is not None and start and contract.weekly_hours and contract.monthly_gross_salary is not None:
        minimum = minimum_monthly_salary(
            birth_date=candidate.birth_date,
            qualification=candidate.highest_qualification,
            start_date=start,
            weekly_hours=contract.weekly_hours,
        )
        if minimum is None:
            fail("start_date", f"Aucun montant de SMIC n'est connu au {start:%d/%m/%Y}.")
        elif contract.monthly_gross_salary < minimum[0]:
            fail(
                "monthly_gross_salary",
                f"Le salaire mensuel brut doit être d'au moins {format_euros(minimum[0])} ({minimum[1]}, "
                f"{format_hours(contract.weekly_hours)} h par semaine).",
            )

    if employer is not None and contract.tutor_name and start and end:
        limit = TUTOR_LIMIT_WHEN_EMPLOYER if contract.tutor_is_employer else TUTOR_LIMIT
        # Other open pathways of the same employer whose contract overlaps this one, same tutor.
        overlapping = (
            Pathway.objects.open()
            .filter(
                employer=employer,
                contract__tutor_name__iexact=contract.tutor_name.strip(),
                contract__start_date__lt=end,
                contract__end_date__gt=start,
            )
            .exclude(pk=pathway.pk)
            .count()
        )
        if overlapping + 1 > limit:
            who = "l'employeur tuteur" if contract.tutor_is_employer else "un tuteur salarié"
            fail(
                "tutor_name",
                f"{contract.tutor_name} suit déjà {overlapping} parcours sur la même période : "
                f"{who} peut suivre au plus {limit} personnes à la fois.",
            )
    return errors

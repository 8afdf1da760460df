"""Contract checks of product.md section 5, at their boundaries."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from pathways import services
from pathways.contracts import check_contract, minimum_monthly_salary
from pathways.enums import HighestQualification
from pathways.models import Contract, SmicRate
from tests.pathways.factories import PathwayFactory, add_contract, contract_data, staff_of
from vae_inversee.lib.dates import add_months
from vae_inversee.lib.money import format_euros

D = datetime.date


def errors_for(pathway, **overrides):
    return check_contract(pathway=pathway, contract=Contract(pathway=pathway, **contract_data(**overrides)))


@pytest.fixture
def pathway(db):
    return PathwayFactory(candidate__birth_date=D(1990, 3, 12))


def test_a_valid_contract_passes(pathway):
    assert errors_for(pathway) == {}


def test_smic_table_is_loaded_from_the_data_file(db):
    assert [(r.effective_from, r.monthly_gross_35h) for r in SmicRate.objects.order_by("effective_from")] == [
        (D(2023, 1, 1), Decimal("1709.28")),
        (D(2023, 5, 1), Decimal("1747.20")),
        (D(2024, 1, 1), Decimal("1766.92")),
        (D(2024, 11, 1), Decimal("1801.80")),
        (D(2026, 1, 1), Decimal("1823.03")),
    ]


@pytest.mark.parametrize(
    ("signed_on", "ok"),
    [(D(2023, 5, 27), False), (D(2023, 5, 28), True), (D(2026, 2, 28), True), (D(2026, 3, 1), False)],
)
def test_signature_within_the_experiment_window(pathway, signed_on, ok):
    errors = errors_for(
        pathway, signed_on=signed_on, start_date=signed_on, end_date=signed_on + datetime.timedelta(days=200)
    )
    assert ("signed_on" not in errors) is ok
    if not ok:
        assert errors["signed_on"] == [
            "Le contrat doit être conclu pendant l'expérimentation, entre le 28/05/2023 et le 28/02/2026 "
            f"(conclu le {signed_on:%d/%m/%Y})."
        ]


def test_window_is_a_setting(pathway, settings):
    settings.EXPERIMENT_END = "2027-02-28"
    assert "signed_on" not in errors_for(
        pathway, signed_on=D(2026, 6, 1), start_date=D(2026, 6, 1), end_date=D(2027, 1, 1)
    )


def test_start_before_signature_is_refused(pathway):
    errors = errors_for(pathway, signed_on=D(2025, 9, 1), start_date=D(2025, 8, 31))
    assert errors["start_date"] == ["Le contrat doit commencer le jour de sa signature ou après."]


@pytest.mark.parametrize(
    ("end_date", "ok"),
    [(D(2025, 9, 15), False), (D(2025, 9, 16), True), (D(2028, 9, 15), True), (D(2028, 9, 16), False)],
)
def test_length_above_zero_and_at_most_36_months(pathway, end_date, ok):
    errors = errors_for(pathway, start_date=D(2025, 9, 15), end_date=end_date)
    assert ("end_date" not in errors) is ok


def test_add_months_clamps_to_the_month_end():
    assert add_months(D(2024, 1, 31), 1) == D(2024, 2, 29)
    assert add_months(D(2025, 11, 30), 36) == D(2028, 11, 30)


@pytest.mark.parametrize(("birth_date", "ok"), [(D(2009, 9, 15), True), (D(2009, 9, 16), False)])
def test_candidate_is_at_least_16_on_the_start_date(db, birth_date, ok):
    pathway = PathwayFactory(candidate__birth_date=birth_date, candidate__highest_qualification="none")
    errors = errors_for(pathway, start_date=D(2025, 9, 15), monthly_gross_salary=Decimal("1500"))
    assert ("start_date" not in errors) is ok
    if not ok:
        assert errors["start_date"] == [
            "Le candidat doit avoir au moins 16 ans au début du contrat (16 ans le 16/09/2025)."
        ]


# (age on the start date, qualification, share of the SMIC)
BANDS = [
    (20, HighestQualification.NONE, Decimal("0.55")),
    (20, HighestQualification.BAC_PRO_OR_ABOVE, Decimal("0.65")),
    (21, HighestQualification.BELOW_BAC_PRO, Decimal("0.70")),
    (25, HighestQualification.BAC_PRO_OR_ABOVE, Decimal("0.80")),
    (26, HighestQualification.NONE, Decimal("1.00")),
    (26, HighestQualification.BAC_PRO_OR_ABOVE, Decimal("1.00")),
]


@pytest.mark.parametrize(("age", "qualification", "share"), BANDS)
def test_salary_bands_at_the_cent(db, age, qualification, share):
    start = D(2025, 9, 15)  # SMIC of 1 November 2024: 1801.80 € for 35 h
    pathway = PathwayFactory(
        candidate__birth_date=D(start.year - age, 9, 15), candidate__highest_qualification=qualification
    )
    minimum = (Decimal("1801.80") * share).quantize(Decimal("0.01"))
    assert errors_for(pathway, start_date=start, monthly_gross_salary=minimum) == {}
    errors = errors_for(pathway, start_date=start, monthly_gross_salary=minimum - Decimal("0.01"))
    assert errors["monthly_gross_salary"][0].startswith(
        f"Le salaire mensuel brut doit être d'au moins {format_euros(minimum)} "
    )


def test_age_band_changes_the_day_after_the_birthday_eve(db):
    # 20 on the start date → 55 %; 21 the day before the start → 70 %.
    young = PathwayFactory(candidate__birth_date=D(2004, 9, 16), candidate__highest_qualification="none")
    older = PathwayFactory(candidate__birth_date=D(2004, 9, 15), candidate__highest_qualification="none")
    assert errors_for(young, start_date=D(2025, 9, 15), monthly_gross_salary=Decimal("990.99")) == {}
    assert "monthly_gross_salary" in errors_for(
        older, start_date=D(2025, 9, 15), monthly_gross_salary=Decimal("990.99")
    )


@pytest.mark.parametrize(
    ("start", "smic"),
    [
        (D(2023, 4, 30), "1709.28"),
        (D(2023, 5, 1), "1747.20"),
        (D(2024, 10, 31), "1766.92"),
        (D(2024, 11, 1), "1801.80"),
        (D(2025, 12, 31), "1801.80"),
        (D(2026, 1, 1), "1823.03"),
    ],
)
def test_smic_in_force_on_the_start_date(db, start, smic):
    amount, basis = minimum_monthly_salary(
        birth_date=D(1980, 1, 1), qualification="none", start_date=start, weekly_hours=Decimal("35")
    )
    assert amount == Decimal(smic)
    assert (
        f"au {SmicRate.objects.filter(effective_from__lte=start).latest('effective_from').effective_from:%d/%m/%Y}"
        in basis
    )


def test_part_time_prorates_the_minimum(db):
    amount, _ = minimum_monthly_salary(
        birth_date=D(1980, 1, 1), qualification="none", start_date=D(2025, 1, 1), weekly_hours=Decimal("17.5")
    )
    assert amount == Decimal("900.90")


def test_employer_must_be_private_law(db):
    pathway = PathwayFactory(employer__private_law=False)
    assert errors_for(pathway)["employer"] == ["Seul un employeur de droit privé peut conclure ce contrat."]


@pytest.mark.parametrize(("tutor_is_employer", "limit"), [(False, 3), (True, 2)])
def test_tutor_limits(db, tutor_is_employer, limit):
    first = PathwayFactory()
    for _ in range(limit - 1):
        other = PathwayFactory(project_holder=first.project_holder, employer=first.employer)
        add_contract(other, tutor_name="Marie Tuteur", tutor_is_employer=tutor_is_employer)
    # The limit-th pathway at once is fine, one more is not.
    assert errors_for(first, tutor_is_employer=tutor_is_employer) == {}
    add_contract(first, tutor_name="marie tuteur", tutor_is_employer=tutor_is_employer)
    extra = PathwayFactory(project_holder=first.project_holder, employer=first.employer)
    errors = errors_for(extra, tutor_is_employer=tutor_is_employer)
    assert errors["tutor_name"][0].startswith(f"Marie Tuteur suit déjà {limit} parcours sur la même période")
    assert f"au plus {limit} personnes à la fois" in errors["tutor_name"][0]
    # A contract after the others have ended does not count them.
    assert errors_for(extra, signed_on=D(2026, 2, 1), start_date=D(2026, 9, 15), end_date=D(2027, 6, 1)) == {}


def test_every_failure_is_reported_at_once(db):
    pathway = PathwayFactory(candidate__birth_date=D(2011, 1, 1), employer__private_law=False)
    errors = errors_for(
        pathway,
        signed_on=D(2026, 3, 1),
        start_date=D(2026, 3, 2),
        end_date=D(2030, 1, 1),
        monthly_gross_salary=Decimal("1"),
    )
    assert set(errors) == {"signed_on", "start_date", "end_date", "employer", "monthly_gross_salary"}


def test_contract_save_writes_nothing_when_a_check_fails(db):
    pathway = PathwayFactory()
    staff = staff_of(pathway)
    with pytest.raises(ValidationError) as error:
        services.contract_save(
            acting_user=staff["project_holder"], pathway=pathway, **contract_data(monthly_gross_salary=Decimal("100"))
        )
    assert "monthly_gross_salary" in error.value.message_dict
    assert not Contract.objects.filter(pathway=pathway).exists()
    contract = services.contract_save(acting_user=staff["project_holder"], pathway=pathway, **contract_data())
    assert contract.pk and contract.history.count() == 1


def test_contract_is_frozen_once_delivery_started(db, settings, tmp_path):
    from tests.pathways.factories import walk_to

    settings.MEDIA_ROOT = tmp_path
    pathway = PathwayFactory()
    staff = staff_of(pathway)
    pathway = walk_to(pathway, "delivery", staff)
    with pytest.raises(ValidationError, match="ne peut plus être modifié"):
        services.contract_save(acting_user=staff["project_holder"], pathway=pathway, **contract_data())

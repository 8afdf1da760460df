"""Caps at their boundaries, in the service, the serializer (API) and the database."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from funding import services
from funding.models import FundingFile, FundingPolicy
from funding.money import Amounts, months_in_year
from tests.funding.factories import funded_pathway
from vae_inversee.lib.dates import months_covered
from vae_inversee.lib.money import format_euros

D = datetime.date


@pytest.fixture
def setup(db):
    return funded_pathway()


def create(setup, **amounts):
    pathway, staff = setup
    return services.funding_file_create(
        acting_user=staff["project_holder"], pathway=pathway, requested=Amounts.parse(amounts, "requested")
    )


def test_caps_hold_at_the_cent(setup):
    funding_file = create(setup, requested_teaching="6000.00", requested_design="1000.00", requested_support="2000.00")
    assert (funding_file.cap_teaching, funding_file.cap_total, funding_file.months) == (
        Decimal("6000.00"),
        Decimal("9000.00"),
        12,
    )
    assert funding_file.requested_total == Decimal("9000.00")


@pytest.mark.parametrize(
    ("field", "amount", "message"),
    [
        ("requested_teaching", "6000.01", "Frais pédagogiques : 6\u202f000,01 € dépasse le plafond de 6\u202f000,00 €"),
        (
            "requested_design",
            "1000.01",
            "Conception et coordination : 1\u202f000,01 € dépasse le plafond de 1\u202f000,00 €",
        ),
        ("requested_support", "2000.01", "Accompagnement VAE : 2\u202f000,01 € dépasse le plafond de 2\u202f000,00 €"),
    ],
)
def test_a_cent_above_a_category_cap_is_refused(setup, field, amount, message):
    with pytest.raises(ValidationError) as error:
        create(setup, **{field: amount})
    assert error.value.message_dict[field][0].startswith(message)
    assert not FundingFile.objects.exists()


def test_the_total_cap_holds_when_the_policy_allows_more_per_category(setup):
    FundingPolicy.objects.create(
        effective_from=D(2026, 1, 1), label="Barème modulé", cap_teaching=Decimal("8000"), cap_design=Decimal("1000"),
        cap_support=Decimal("2000"), cap_total=Decimal("9000"),
    )  # fmt: skip
    with pytest.raises(ValidationError) as error:
        create(setup, requested_teaching="7000.00", requested_design="1000.00", requested_support="1000.01")
    assert error.value.message_dict["non_field_errors"][0].startswith(
        "Le total demandé (9\u202f000,01 €) dépasse le plafond total"
    )
    assert create(
        setup, requested_teaching="7000.00", requested_design="1000.00", requested_support="1000.00"
    ).cap_teaching == Decimal("8000.00")


def test_a_later_policy_does_not_rewrite_existing_files(setup):
    funding_file = create(setup, requested_teaching="6000.00")
    FundingPolicy.objects.create(
        effective_from=D(2026, 1, 1), label="Barème réduit", cap_teaching=Decimal("3000"), cap_design=Decimal("500"),
        cap_support=Decimal("1000"), cap_total=Decimal("4500"),
    )  # fmt: skip
    funding_file.refresh_from_db()
    assert (funding_file.cap_teaching, funding_file.policy.label) == (
        Decimal("6000.00"),
        "Barème national de l'expérimentation (décret 2023-408)",
    )
    # Edits are checked against the file's own caps.
    services.funding_file_update(
        acting_user=setup[1]["project_holder"],
        funding_file=funding_file,
        requested=Amounts.parse({"teaching": "5999.99"}),
    )


def test_a_six_month_contract_prorates_the_caps(db):
    pathway, staff = funded_pathway(start_date=D(2025, 9, 15), end_date=D(2026, 3, 14))
    funding_file = services.funding_file_create(
        acting_user=staff["project_holder"], pathway=pathway, requested=Amounts.parse({"teaching": "3000.00"})
    )
    assert (funding_file.months, funding_file.cap_total, funding_file.cap_teaching) == (
        6,
        Decimal("4500.00"),
        Decimal("3000.00"),
    )
    assert (funding_file.cap_design, funding_file.cap_support) == (Decimal("500.00"), Decimal("1000.00"))
    with pytest.raises(ValidationError):
        services.funding_file_update(
            acting_user=staff["project_holder"],
            funding_file=funding_file,
            requested=Amounts.parse({"teaching": "3000.01"}),
        )


def test_an_18_month_contract_has_a_prorated_second_year(db):
    pathway, staff = funded_pathway(start_date=D(2025, 9, 15), end_date=D(2027, 3, 14))
    second = services.funding_file_create(acting_user=staff["project_holder"], pathway=pathway, contract_year=2)
    assert (second.months, second.cap_total) == (6, Decimal("4500.00"))
    with pytest.raises(ValidationError) as error:
        services.funding_file_create(acting_user=staff["project_holder"], pathway=pathway, contract_year=3)
    assert error.value.message_dict["contract_year"] == [
        "Le contrat ne couvre pas d'année 3 (1, 2 ou 3 selon sa durée)."
    ]


@pytest.mark.parametrize(
    ("start", "end", "months"),
    [(D(2025, 9, 15), D(2026, 9, 14), 12), (D(2025, 9, 15), D(2026, 9, 15), 13), (D(2025, 9, 15), D(2025, 9, 16), 1),
     (D(2025, 1, 31), D(2025, 2, 27), 1), (D(2025, 9, 15), D(2028, 9, 14), 36)],
)  # fmt: skip
def test_months_covered(start, end, months):
    assert months_covered(start, end) == months


def test_months_in_each_contract_year():
    assert [months_in_year(30, year) for year in (1, 2, 3)] == [12, 12, 6]
    assert months_in_year(12, 2) == 0


def test_negative_or_malformed_amounts_are_refused(setup):
    with pytest.raises(ValidationError) as error:
        create(setup, requested_teaching="-1", requested_design="abc", requested_support="10.001")
    assert error.value.message_dict == {
        "requested_teaching": ["Le montant doit être positif ou nul."],
        "requested_design": ["Indiquez un montant en euros, par exemple 1500,00."],
        "requested_support": ["Le montant s'exprime en euros et centimes (deux décimales au plus)."],
    }


def test_the_database_refuses_an_amount_above_its_cap(setup):
    funding_file = create(setup, requested_teaching="100.00")
    with pytest.raises(IntegrityError), transaction.atomic():
        FundingFile.objects.filter(pk=funding_file.pk).update(requested_teaching=Decimal("6000.01"))


def test_the_database_refuses_a_total_above_its_cap(db):
    pathway, staff = funded_pathway()
    FundingPolicy.objects.update(cap_teaching=Decimal("9000"))
    funding_file = services.funding_file_create(
        acting_user=staff["project_holder"], pathway=pathway, requested=Amounts.parse({"teaching": "9000.00"})
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        FundingFile.objects.filter(pk=funding_file.pk).update(requested_support=Decimal("0.01"))


def test_the_database_refuses_approving_more_than_requested(setup):
    funding_file = create(setup, requested_teaching="100.00")
    with pytest.raises(IntegrityError), transaction.atomic():
        FundingFile.objects.filter(pk=funding_file.pk).update(
            approved_teaching=Decimal("100.01"), approved_design=0, approved_support=0
        )


def test_euros_are_written_the_french_way():
    assert format_euros(Decimal("6000")) == "6\u202f000,00 €"
    assert format_euros(Decimal("1234567.5")) == "1\u202f234\u202f567,50 €"
    assert format_euros(Decimal("0.01")) == "0,01 €"

"""Caps always derive from the current contract (product.md section 12, last rule): a contract edit that
would leave a file for a missing year, or an amount above the new prorated caps, is refused naming the
files; otherwise every file takes the caps of its year under the new dates."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from funding import services
from funding.models import FundingFile
from funding.money import Amounts
from pathways import services as pathway_services
from tests.conftest import api_as
from tests.funding.factories import funded_pathway

D = datetime.date
FULL = Amounts.of(teaching="6000.00", design="1000.00", support="2000.00")


@pytest.fixture
def three_years(db):
    """A 36-month contract and the files of its three years, each at the full 9 000 €."""
    pathway, staff = funded_pathway(start_date=D(2025, 9, 15), end_date=D(2028, 9, 14))
    for year in (1, 2, 3):
        services.funding_file_create(
            acting_user=staff["project_holder"], pathway=pathway, contract_year=year, requested=FULL
        )
    return pathway, staff


def test_shortening_the_contract_to_three_months_is_refused_naming_the_files(three_years):
    pathway, staff = three_years
    response = api_as(staff["project_holder"]).patch(
        f"/api/v1/pathways/{pathway.pk}/", {"contract": {"end_date": "2025-12-14"}}, format="json"
    )

    assert response.status_code == 400
    message = response.json()["contract"]["non_field_errors"][0]
    assert "le dossier de l'année 1 (brouillon) demande 9\u202f000,00 €" in message
    assert "2\u202f250,00 € pour 3 mois" in message
    assert "le dossier de l'année 2 (brouillon) porterait sur une année que le contrat ne couvrirait plus" in message
    assert "année 3" in message
    pathway.contract.refresh_from_db()
    assert pathway.contract.end_date == D(2028, 9, 14)
    assert sorted(FundingFile.objects.values_list("cap_total", flat=True)) == [Decimal("9000.00")] * 3


def test_the_refused_files_can_no_longer_be_approved_above_the_contract(three_years):
    """The probe's bypass: shorten, then submit and approve at 9 000 € each. The shortening never lands."""
    pathway, staff = three_years
    with pytest.raises(ValidationError):
        pathway_services.contract_save(acting_user=staff["project_holder"], pathway=pathway, end_date=D(2025, 12, 14))
    assert FundingFile.objects.filter(pathway=pathway, months=12).count() == 3


def test_a_shorter_contract_that_the_files_fit_gives_them_the_new_caps(db):
    pathway, staff = funded_pathway(start_date=D(2025, 9, 15), end_date=D(2026, 9, 14))
    funding_file = services.funding_file_create(
        acting_user=staff["project_holder"], pathway=pathway, requested=Amounts.of(teaching="3000.00")
    )

    pathway_services.contract_save(acting_user=staff["project_holder"], pathway=pathway, end_date=D(2026, 3, 14))

    funding_file.refresh_from_db()
    assert (funding_file.months, funding_file.cap_total, funding_file.cap_teaching) == (
        6,
        Decimal("4500.00"),
        Decimal("3000.00"),
    )
    with pytest.raises(ValidationError):
        services.funding_file_update(
            acting_user=staff["project_holder"], funding_file=funding_file, requested=Amounts.of(teaching="3000.01")
        )


def test_a_longer_contract_raises_the_caps_of_a_partial_year(db):
    pathway, staff = funded_pathway(start_date=D(2025, 9, 15), end_date=D(2026, 3, 14))
    funding_file = services.funding_file_create(
        acting_user=staff["project_holder"], pathway=pathway, requested=Amounts.of(teaching="3000.00")
    )

    pathway_services.contract_save(acting_user=staff["project_holder"], pathway=pathway, end_date=D(2026, 9, 14))

    funding_file.refresh_from_db()
    assert (funding_file.months, funding_file.cap_total) == (12, Decimal("9000.00"))

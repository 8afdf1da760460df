"""`checked_save`: what the database refuses still reaches the user as a French field map, nothing half-written."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from funding.models import FundingFile
from tests.funding.factories import funded_pathway, submitted_file
from vae_inversee.lib.validation import checked_save


@pytest.fixture
def funding_file(db):
    pathway, staff = funded_pathway()
    return submitted_file(pathway, staff)


def test_a_check_constraint_refused_by_the_database_is_a_french_validation_error(funding_file):
    before = FundingFile.objects.get(pk=funding_file.pk).requested_teaching
    funding_file.requested_teaching = funding_file.cap_teaching + Decimal("1.00")
    with pytest.raises(ValidationError) as raised:
        checked_save(funding_file, fields=["requested_teaching"])
    assert "Un montant demandé dépasse le plafond de sa catégorie." in str(raised.value.messages)
    assert FundingFile.objects.get(pk=funding_file.pk).requested_teaching == before


def test_only_the_written_fields_are_validated_and_saved(funding_file):
    funding_file.decision_reason = "x" * 10_000  # not written: neither validated nor saved
    funding_file.requested_design = Decimal("500.00")
    checked_save(funding_file, fields=["requested_design"])
    stored = FundingFile.objects.get(pk=funding_file.pk)
    assert stored.requested_design == Decimal("500.00")
    assert stored.decision_reason != funding_file.decision_reason


def test_a_changed_field_is_still_validated_before_any_write(funding_file):
    funding_file.requested_design = Decimal("12.345")  # three decimals: refused by the field, not the table
    with pytest.raises(ValidationError) as raised:
        checked_save(funding_file, fields=["requested_design"])
    assert "requested_design" in raised.value.message_dict
    assert FundingFile.objects.get(pk=funding_file.pk).requested_design != Decimal("12.345")


def test_a_non_editable_field_is_guarded_by_the_table(funding_file):
    funding_file.status = "pas-un-statut"  # Django does not validate editable=False fields: the CHECK does
    with pytest.raises(ValidationError) as raised:
        checked_save(funding_file, fields=["status"])
    assert raised.value.messages == ["Statut de dossier inconnu."]

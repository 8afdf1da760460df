"""Payment requests and batches (product.md section 12): the rules of the services, the database's
constraints, bank details, notifications, and the SEPA file against the official pain.001.001.03 schema."""

import datetime
from decimal import Decimal

import pytest
import time_machine
import xmlschema
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from evaluation.exports import indicator_rows
from evaluation.indicators import compute
from funding import payments, services
from funding.models import BankAccount, PaymentRequest
from funding.tasks import notify_payment
from pathways import services as pathway_services
from tests.funding.factories import funded_pathway, submitted_file
from tests.funding.payment_factories import HOLDER_IBAN, approved_file, bank_details, file_request
from tests.funding.test_payments_api import PAIN_001_001_03
from tests.pathways.factories import PNG_BYTES, pdf_upload
from vae_inversee.lib.errors import Conflict
from vae_inversee.notifications.models import Notification


@pytest.fixture
def approved(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return approved_file()


def test_requests_never_exceed_the_approved_amount_but_a_rejected_one_frees_its_share(approved):
    funding_file, staff = approved
    first = file_request(funding_file, staff, amount="5000.00")
    with pytest.raises(ValidationError) as refused:
        file_request(funding_file, staff, amount="1000.01")
    assert "reste" in refused.value.message_dict["amount"][0]
    services.payment_request_reject(acting_user=staff["opco"], payment_request=first, reason="Facture illisible")
    file_request(funding_file, staff, amount="6000.00")
    # Another category has its own approved amount.
    file_request(funding_file, staff, amount="1000.00", category="design")
    with pytest.raises(ValidationError):
        file_request(funding_file, staff, amount="0.01", category="design")


def test_an_approval_for_less_frees_the_difference(approved):
    funding_file, staff = approved
    request = file_request(funding_file, staff, amount="6000.00")
    with pytest.raises(ValidationError) as refused:
        services.payment_request_approve(acting_user=staff["opco"], payment_request=request, approved_amount="6000.01")
    assert "plus que le montant demandé" in refused.value.message_dict["approved_amount"][0]
    services.payment_request_approve(acting_user=staff["opco"], payment_request=request, approved_amount="5500.00")
    file_request(funding_file, staff, amount="500.00")
    with pytest.raises(Conflict):
        services.payment_request_reject(acting_user=staff["opco"], payment_request=request, reason="Trop tard")


def test_a_request_needs_an_approved_file_the_holder_and_a_real_pdf(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    pathway, staff = funded_pathway()
    funding_file = submitted_file(pathway, staff)
    with pytest.raises(ValidationError) as refused:
        file_request(funding_file, staff)
    assert "dossier accordé" in refused.value.message_dict["funding_file"][0]
    services.funding_file_approve(acting_user=staff["opco"], funding_file=funding_file, approved=funding_file.requested)
    with pytest.raises(PermissionDenied):
        services.payment_request_create(
            acting_user=staff["opco"], funding_file=funding_file, invoice=pdf_upload(), amount="1"
        )
    with pytest.raises(ValidationError) as refused:
        services.payment_request_create(
            acting_user=staff["project_holder"], funding_file=funding_file, amount="10.00", category="teaching",
            invoice=pdf_upload("f.png", PNG_BYTES), invoice_number="X", invoice_date=datetime.date(2025, 10, 1),
            provider_name="O", provider_siret="x", period_start=datetime.date(2025, 10, 1),
            period_end=datetime.date(2025, 10, 2),
        )  # fmt: skip
    assert refused.value.message_dict == {"invoice": ["La facture se dépose en PDF."]}
    with pytest.raises(ValidationError) as refused:
        file_request(funding_file, staff, amount="0")
    assert "supérieur à zéro" in refused.value.message_dict["amount"][0]


def test_an_invoice_is_used_once_per_provider_in_the_service_and_in_the_database(approved):
    funding_file, staff = approved
    request = file_request(funding_file, staff, invoice_number="FA-1")
    with pytest.raises(ValidationError) as refused:
        file_request(funding_file, staff, invoice_number="FA-1")
    assert "FA-1" in refused.value.message_dict["invoice_number"][0]
    # Another provider may use the same number.
    file_request(funding_file, staff, invoice_number="FA-1", provider_siret="73282932000074")
    with pytest.raises(IntegrityError), transaction.atomic():
        PaymentRequest.objects.filter(pk=request.pk).values()  # the row exists
        clone = PaymentRequest.objects.get(pk=request.pk)
        clone.pk = None
        clone.save()


def test_the_period_lies_inside_the_contract_and_before_an_abandonment(approved):
    funding_file, staff = approved
    contract = funding_file.pathway.contract
    with pytest.raises(ValidationError) as refused:
        file_request(funding_file, staff, period_end=contract.end_date + datetime.timedelta(days=1))
    assert "pendant le contrat" in refused.value.message_dict["period_end"][0]
    with pytest.raises(ValidationError) as refused:
        file_request(funding_file, staff, period_start=contract.start_date - datetime.timedelta(days=1))
    assert "pendant le contrat" in refused.value.message_dict["period_start"][0]
    pathway_services.pathway_transition(
        acting_user=staff["project_holder"], pathway=funding_file.pathway, to="abandoned", comment="Démission"
    )
    today = timezone.localdate()
    if today < contract.end_date:
        with pytest.raises(ValidationError) as refused:
            file_request(funding_file, staff, period_end=contract.end_date)
        assert "abandonné" in refused.value.message_dict["period_end"][0]
    file_request(funding_file, staff, period_end=contract.start_date + datetime.timedelta(days=10))


def test_bank_details_are_validated_encrypted_and_shown_masked(db, settings, tmp_path):
    funding_file, staff = approved_file()
    with pytest.raises(ValidationError) as refused:
        services.bank_account_save(
            acting_user=staff["project_holder"], account_holder="X", iban="FR7630006000011234567890188", bic="AGRIXXPP"
        )
    assert "clé de contrôle" in refused.value.message_dict["iban"][0]
    assert "BIC" in refused.value.message_dict["bic"][0]
    with pytest.raises(PermissionDenied):
        services.bank_account_save(acting_user=staff["companion"], account_holder="X", iban=HOLDER_IBAN, bic="AGRIFRPP")
    bank_details(staff)
    account = BankAccount.objects.get(organisation=funding_file.pathway.project_holder.organisation)
    assert account.masked_iban == "FR76 ···· 0189"
    # Encrypted at rest: the column does not hold the IBAN.
    with connection.cursor() as cursor:
        cursor.execute("SELECT iban FROM funding_bankaccount WHERE organisation_id = %s", [account.pk])
        assert HOLDER_IBAN not in cursor.fetchone()[0]


def test_a_batch_is_exported_then_paid_and_the_holder_told(approved, django_capture_on_commit_callbacks):
    funding_file, staff = approved
    bank_details(staff)
    waiting = file_request(funding_file, staff, amount="100.00")
    request = file_request(funding_file, staff, amount="1234.56")
    with pytest.raises(ValidationError) as refused:
        services.payment_batch_create(acting_user=staff["opco"], requests=[waiting])
    assert "pas acceptée" in refused.value.message_dict["requests"][0]
    services.payment_request_approve(acting_user=staff["opco"], payment_request=request, approved_amount="1234.56")
    batch = services.payment_batch_create(acting_user=staff["opco"], requests=[request])
    with pytest.raises(ValidationError) as refused:
        services.payment_batch_create(acting_user=staff["opco"], requests=[request])
    assert "déjà dans un lot" in refused.value.message_dict["requests"][0]
    xml = payments.sepa_xml(batch).decode()
    xmlschema.XMLSchema(str(PAIN_001_001_03)).validate(xml)
    assert '<InstdAmt Ccy="EUR">1234.56</InstdAmt>' in xml and HOLDER_IBAN in xml
    rows = list(payments.csv_rows(batch))
    assert rows[0][11] == Decimal("1234.56") and rows[0][13] == HOLDER_IBAN
    with pytest.raises(ValidationError):
        services.payment_batch_mark_paid(
            acting_user=staff["opco"], batch=batch, paid_on=timezone.localdate() + datetime.timedelta(days=1)
        )
    with django_capture_on_commit_callbacks(execute=True):
        services.payment_batch_mark_paid(acting_user=staff["opco"], batch=batch, paid_on=timezone.localdate())
    request.refresh_from_db()
    assert request.status == "paid"
    with pytest.raises(Conflict):
        services.payment_batch_mark_paid(acting_user=staff["opco"], batch=batch, paid_on=timezone.localdate())
    told = Notification.objects.filter(
        recipient=staff["project_holder"], event_key__startswith=f"payment:{request.pk}:paid"
    )
    assert told.exists() and "payée" in told.get().subject


def test_a_batch_made_after_midnight_in_paris_bears_the_french_day_and_is_paid_on_it(approved):
    """At 23:30 UTC it is already the next day in Paris: the reference and the earliest payment date
    are that French day, not the UTC one."""
    funding_file, staff = approved
    bank_details(staff)
    request = file_request(funding_file, staff, amount="100.00")
    services.payment_request_approve(acting_user=staff["opco"], payment_request=request, approved_amount="100.00")
    late_evening_utc = datetime.datetime(2026, 12, 4, 23, 30, tzinfo=datetime.UTC)
    with time_machine.travel(late_evening_utc, tick=False):
        batch = services.payment_batch_create(acting_user=staff["opco"], requests=[request])
        assert batch.reference.startswith("LOT-20261205-")
        with pytest.raises(ValidationError) as refused:
            services.payment_batch_mark_paid(acting_user=staff["opco"], batch=batch, paid_on=datetime.date(2026, 12, 4))
        assert "paid_on" in refused.value.message_dict
        services.payment_batch_mark_paid(acting_user=staff["opco"], batch=batch, paid_on=datetime.date(2026, 12, 5))
    batch.refresh_from_db()
    assert batch.status == "paid" and batch.paid_on == datetime.date(2026, 12, 5)


def test_a_filed_request_tells_the_opco(approved, django_capture_on_commit_callbacks):
    funding_file, staff = approved
    with django_capture_on_commit_callbacks(execute=True):
        request = file_request(funding_file, staff)
    assert Notification.objects.filter(
        recipient=staff["opco"], event_key__startswith=f"payment:{request.pk}:submitted"
    ).exists()
    # A stale event does nothing.
    assert notify_payment(request.pk, "approved:then") == 0


def test_a_batch_needs_the_payees_bank_details(approved):
    funding_file, staff = approved
    request = file_request(funding_file, staff)
    services.payment_request_approve(acting_user=staff["opco"], payment_request=request, approved_amount="1000.00")
    with pytest.raises(ValidationError) as refused:
        services.payment_batch_create(acting_user=staff["opco"], requests=[request])
    message = refused.value.message_dict["requests"][0]
    assert "coordonnées bancaires" in message and "votre OPCO" in message


def test_indicators_show_requested_approved_and_paid_per_category_opco_and_holder(
    approved, django_assert_max_num_queries
):
    funding_file, staff = approved
    bank_details(staff)
    request = file_request(funding_file, staff, amount="2500.00")
    services.payment_request_approve(acting_user=staff["opco"], payment_request=request, approved_amount="2000.00")
    batch = services.payment_batch_create(acting_user=staff["opco"], requests=[request])
    services.payment_batch_mark_paid(acting_user=staff["opco"], batch=batch, paid_on=timezone.localdate())
    # Unpaid: filed but not paid.
    file_request(funding_file, staff, amount="500.00", category="design")
    data = compute(staff["ministry"])["funding"]
    teaching = data["by_category"][0]
    assert (teaching["requested"], teaching["approved"], teaching["paid"]) == (
        Decimal("6000.00"), Decimal("6000.00"), Decimal("2000.00"),
    )  # fmt: skip
    assert data["paid_total"] == Decimal("2000.00")
    assert data["by_opco"] == [
        {"id": "AKTO", "label": funding_file.opco.name, "requested": Decimal("9000.00"),
         "approved": Decimal("9000.00"), "paid": Decimal("2000.00")},
    ]  # fmt: skip
    holder = data["by_project_holder"][0]
    assert holder["label"] == funding_file.pathway.project_holder.organisation.name and holder["paid"] == Decimal(
        "2000.00"
    )
    project = data["by_project"][0]
    assert project["label"] == funding_file.pathway.project.reference and project["paid"] == Decimal("2000.00")
    assert data["funded_pathways"] == 1 and data["average_approved_per_pathway"] == Decimal("9000.00")
    assert data["average_paid_per_pathway"] == Decimal("2000.00")
    rows = indicator_rows(compute(staff["ministry"]))
    assert ["Financement payé (€)", "Total", Decimal("2000.00"), ""] in rows
    # The OPCO sees its own; the holder its own; a fixed number of queries.
    with django_assert_max_num_queries(30):
        assert compute(staff["opco"])["funding"]["paid_total"] == Decimal("2000.00")

"""The portal's plan and payment pages (test client): the holder writes the plan and files a request, the
OPCO decides it, batches it, downloads the files and marks the batch paid; the holder sees the payment."""

import re

import pytest
from django.urls import reverse
from django.utils import timezone

from funding.models import PaymentBatch, PaymentRequest
from tests.funding.factories import funded_pathway, submitted_file
from tests.funding.payment_factories import INVOICE_SIRET, approved_file, bank_details
from tests.pathways.factories import PROVIDER_SIRET, pdf_upload


def text(response):
    return re.sub(r"\s+", " ", response.content.decode())


@pytest.fixture
def approved(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return approved_file()


def test_the_pathway_page_shows_the_plan_its_timeline_and_the_totals_beside_the_caps(client, approved):
    funding_file, staff = approved
    pathway = funding_file.pathway
    client.force_login(staff["project_holder"])
    html = text(client.get(reverse("pathways:detail", args=[pathway.pk])))
    assert "Plan pédagogique</h2>" in html and 'id="table-plan"' in html
    assert "Chronologie par bloc visé" in html and "non couvert" not in html
    assert "Année de contrat 1 (12 mois) : coût du plan et plafonds" in html
    assert "Ajouter une action" in html
    # The OPCO reads it, without the holder's buttons.
    client.force_login(staff["opco"])
    html = text(client.get(reverse("pathways:detail", args=[pathway.pk])))
    assert 'id="table-plan"' in html and "Ajouter une action" not in html


def test_the_holder_adds_an_action_through_the_form(client, approved):
    funding_file, staff = approved
    pathway = funding_file.pathway
    client.force_login(staff["project_holder"])
    url = reverse("pathways:plan_action_create", args=[pathway.pk])
    assert client.get(url).status_code == 200
    block = pathway.target_blocks.first()
    data = {
        "kind": "afest", "title": "AFEST tutorée", "provider_name": "Organisme", "provider_siret": PROVIDER_SIRET,
        "skill_blocks": [block.pk], "planned_hours": "20", "start_date": "2025-10-01", "end_date": "2025-11-01",
        "cost": "1 200,00",
    }  # fmt: skip
    assert client.post(url, data).status_code == 302
    assert pathway.plan_actions.filter(title="AFEST tutorée", cost="1200.00").exists()
    refused = client.post(url, {**data, "start_date": "2024-01-01"})
    assert refused.status_code == 400 and "pendant le contrat" in text(refused)


def test_payment_request_decision_batch_and_payment_through_the_portal(client, approved):
    funding_file, staff = approved
    pathway = funding_file.pathway
    bank_details(staff)
    contract = pathway.contract
    client.force_login(staff["project_holder"])
    url = reverse("funding:pathway_payments", args=[pathway.pk])
    assert "Déposer une demande de paiement" in text(client.get(url))
    data = {
        "funding_file": funding_file.pk, "category": "teaching", "amount": "1 500,00", "invoice_number": "FP-77",
        "invoice_date": "2025-12-01", "provider_name": "Organisme", "provider_siret": INVOICE_SIRET,
        "period_start": f"{contract.start_date:%Y-%m-%d}", "period_end": "2025-11-30",
    }  # fmt: skip
    assert client.post(url, {**data, "invoice": pdf_upload("facture.pdf")}).status_code == 302
    too_much = client.post(url, {**data, "invoice_number": "FP-78", "amount": "4 500,01", "invoice": pdf_upload()})
    assert too_much.status_code == 400 and "dépasseraient le montant accordé" in text(too_much)
    request = PaymentRequest.objects.get(invoice_number="FP-77")

    client.force_login(staff["opco"])
    queue = text(client.get(reverse("funding:payment_queue"), {"status": "submitted", "sort": "-amount"}))
    assert "FP-77" in queue
    assert (
        client.post(
            reverse("funding:payment_request_approve", args=[request.pk]), {"approved_amount": "1 400,00"}
        ).status_code
        == 302
    )
    conflict = client.post(reverse("funding:payment_request_reject", args=[request.pk]), {"reason": "Non"})
    assert conflict.status_code == 409 and "Rechargez la page." in text(conflict)
    assert "FP-77" in text(client.get(reverse("funding:batch_list")))
    created = client.post(reverse("funding:batch_create"), {"requests": [request.pk]})
    batch = PaymentBatch.objects.get()
    assert created.status_code == 302 and created["Location"] == reverse("funding:batch_detail", args=[batch.pk])
    csv = client.get(reverse("funding:batch_export", args=[batch.pk, "csv"]))
    assert b"FP-77" in b"".join(csv.streaming_content)
    sepa = client.get(reverse("funding:batch_export", args=[batch.pk, "sepa"]))
    assert sepa["Content-Type"] == "application/xml" and b'<InstdAmt Ccy="EUR">1400.00</InstdAmt>' in sepa.content
    assert client.get(reverse("funding:batch_export", args=[batch.pk, "pdf"])).status_code == 404
    paid_on = timezone.localdate()
    assert (
        client.post(reverse("funding:batch_mark_paid", args=[batch.pk]), {"paid_on": f"{paid_on:%Y-%m-%d}"}).status_code
        == 302
    )

    client.force_login(staff["project_holder"])
    html = text(client.get(url))
    assert "Payée" in html and f"{paid_on:%d/%m/%Y}" in html


def test_bank_details_page_validates_and_masks(client, approved):
    funding_file, staff = approved
    client.force_login(staff["project_holder"])
    url = reverse("funding:bank_account")
    refused = client.post(
        url, {"account_holder": "GEIQ", "iban": "FR76 3000 6000 0112 3456 7890 188", "bic": "AGRIFRPP"}
    )
    assert refused.status_code == 400 and "clé de contrôle" in text(refused)
    ok = client.post(url, {"account_holder": "GEIQ", "iban": "FR76 3000 6000 0112 3456 7890 189", "bic": "AGRIFRPP"})
    assert ok.status_code == 302
    assert "FR76 ···· 0189" in text(client.get(url))
    # Other roles do not enter bank details.
    client.force_login(staff["companion"])
    assert client.get(url).status_code == 403


def test_the_dashboard_shows_what_was_paid_per_opco_and_holder(client, approved):
    funding_file, staff = approved
    client.force_login(staff["ministry"])
    html = text(client.get(reverse("evaluation:ministry_home")))
    assert "Demandé, accordé et payé par OPCO et par porteur de projet" in html
    assert 'id="table-paiements-opco"' in html and "Coût moyen d'un parcours financé" in html


def test_funding_pages_show_the_plan_and_prefill_a_new_file(client, db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    pathway, staff = funded_pathway()
    client.force_login(staff["project_holder"])
    html = text(client.get(reverse("funding:pathway_funding", args=[pathway.pk])))
    assert "Coût du plan pédagogique de l'année" in html
    # A new file starts from the plan's totals of the year.
    assert re.search(r'name="requested_teaching" value="6000,00"', html)
    assert re.search(r'name="requested_support" value="2000,00"', html)
    funding_file = submitted_file(pathway, staff)
    client.force_login(staff["opco"])
    html = text(client.get(reverse("funding:file_detail", args=[funding_file.pk])))
    assert 'id="table-plan-dossier"' in html

"""The money flow in a real browser (Debian Chromium) on the demo: the holder adds an action to a plan and
files a payment request with its invoice; the OPCO accepts a request, batches it, downloads the SEPA file
and marks the batch paid."""

import re

import pytest
from django.utils import timezone

from funding.models import PaymentBatch, PaymentRequest
from pathways.models import Pathway
from tests.demo_snapshot import seeded_demo
from tests.e2e.test_funding import log_in
from tests.pathways.factories import PDF_BYTES


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_the_holder_adds_an_action_to_the_plan(page, live_server, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    seeded_demo()
    pathway = Pathway.objects.filter(
        phase="support", project_holder__organisation__name="GEIQ Propreté Île-de-France"
    ).first()
    assert pathway is not None, "the demo has a GEIQ pathway in support"
    log_in(page, live_server.url, "porteur@demo.vae")
    page.wait_for_url(re.compile(r"/porteur/$"))
    page.goto(f"{live_server.url}/parcours/{pathway.pk}/")
    assert page.locator("#table-plan tbody tr").count() == pathway.plan_actions.count()
    page.get_by_role("link", name="Ajouter une action").click()
    page.get_by_label("Nature de l'action").select_option("evaluation_session")
    page.get_by_label("Intitulé").fill("Évaluation intermédiaire")
    page.get_by_label(re.compile(r"Organisme\W+Optionnel")).fill("Centre d'évaluation")
    # A wrong SIRET first: refused in French, the form kept.
    page.get_by_label(re.compile(r"SIRET de l'organisme")).fill("82415302400013")
    page.get_by_label("Heures prévues").fill("7")
    start = pathway.contract.start_date
    page.get_by_label("Début").fill(f"{start:%Y-%m-%d}")
    page.get_by_label("Fin").fill(f"{start:%Y-%m-%d}")
    page.get_by_label("Coût (€ HT)").fill("350,00")
    page.get_by_role("button", name="Enregistrer l'action").click()
    assert page.get_by_text("la clé de contrôle est incorrecte").is_visible()
    assert page.get_by_label("Intitulé").input_value() == "Évaluation intermédiaire"
    siret = pathway.plan_actions.exclude(provider_siret="").first().provider_siret
    page.get_by_label(re.compile(r"SIRET de l'organisme")).fill(siret)
    page.get_by_role("button", name="Enregistrer l'action").click()
    page.wait_for_url(re.compile(rf"/parcours/{pathway.pk}/(#plan)?$"))
    assert page.get_by_text("Action « Évaluation intermédiaire » enregistrée dans le plan.").is_visible()
    assert "Évaluation intermédiaire" in page.locator("#table-plan").inner_text()
    assert pathway.plan_actions.filter(title="Évaluation intermédiaire", kind="evaluation_session").exists()


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_the_holder_files_a_payment_request_with_its_invoice(page, live_server, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    seeded_demo()
    pathway = Pathway.objects.filter(
        project_holder__organisation__name="GEIQ Propreté Île-de-France", funding_files__status="approved"
    ).first()
    assert pathway is not None
    invoice = tmp_path / "facture.pdf"
    invoice.write_bytes(PDF_BYTES)
    log_in(page, live_server.url, "porteur@demo.vae")
    page.wait_for_url(re.compile(r"/porteur/$"))
    page.goto(f"{live_server.url}/parcours/{pathway.pk}/")
    page.get_by_role("link", name="Demandes de paiement et paiements reçus").click()
    page.wait_for_url(re.compile(rf"/parcours/{pathway.pk}/paiements/$"))
    contract = pathway.contract
    page.get_by_label("Catégorie").select_option("support")
    page.get_by_label("Montant demandé (€ HT)").fill("300,00")
    page.get_by_label("Numéro de facture").fill("E2E-001")
    page.get_by_label("Date de la facture").fill(f"{contract.start_date:%Y-%m-%d}")
    page.get_by_label("Organisme facturant").fill("Cap Parcours VAE")
    page.get_by_label("SIRET de l'organisme").fill(
        pathway.plan_actions.exclude(provider_siret="").first().provider_siret
    )
    page.get_by_label("Période facturée : du").fill(f"{contract.start_date:%Y-%m-%d}")
    page.get_by_label("au", exact=True).fill(f"{contract.start_date:%Y-%m-%d}")
    page.get_by_label("Facture (PDF, 10 Mo au plus)").set_input_files(str(invoice))
    page.get_by_role("button", name="Transmettre la demande à l'OPCO").click()
    page.wait_for_url(re.compile(rf"/parcours/{pathway.pk}/paiements/$"))
    assert page.get_by_text("Demande de paiement de 300,00").is_visible()
    assert "E2E-001" in page.locator("#table-demandes").inner_text()
    assert PaymentRequest.objects.filter(invoice_number="E2E-001", status="submitted").exists()


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_the_opco_accepts_batches_exports_and_pays(page, live_server, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    seeded_demo()
    waiting = PaymentRequest.objects.filter(funding_file__opco__code="AKTO", status="submitted").first()
    assert waiting is not None, "the demo has an AKTO request waiting"
    log_in(page, live_server.url, "opco@demo.vae")
    page.wait_for_url(re.compile(r"/opco/$"))
    page.get_by_role("link", name="Paiements", exact=True).click()
    page.wait_for_url(re.compile(r"/opco/paiements/$"))
    page.get_by_label("Statut").select_option("submitted")
    page.get_by_role("button", name="Filtrer").click()
    page.get_by_role("link", name=waiting.invoice_number).click()
    page.get_by_label("Montant accepté (€ HT)").fill(f"{waiting.amount - 1:.2f}".replace(".", ","))
    page.get_by_role("button", name="Accepter la demande").click()
    page.wait_for_url(re.compile(r"/opco/paiements/$"))
    assert page.get_by_text("Demande acceptée").is_visible()

    page.get_by_role("link", name="Lots de paiement", exact=True).first.click()
    page.wait_for_url(re.compile(r"/opco/lots/$"))
    page.get_by_role("button", name="Créer le lot").click()
    page.wait_for_url(re.compile(r"/paiements/lots/\d+/$"))
    batch = PaymentBatch.objects.filter(status="created").get()
    assert waiting.pk in set(batch.requests.values_list("pk", flat=True))
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Télécharger le virement SEPA (XML)").click()
    with open(download_info.value.path(), "rb") as downloaded:
        content = downloaded.read()
    assert b"pain.001.001.03" in content and b"<CtrlSum>" in content
    page.get_by_label("Date du virement").fill(f"{timezone.localdate(batch.created_at):%Y-%m-%d}")
    page.get_by_role("button", name="Marquer le lot payé").click()
    assert page.get_by_text(f"Lot {batch.reference} marqué payé").is_visible()
    batch.refresh_from_db()
    assert batch.status == "paid" and not batch.requests.exclude(status="paid").exists()

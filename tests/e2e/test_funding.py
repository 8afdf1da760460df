"""An OPCO approves a demo funding file in a real browser (Debian Chromium) and downloads the agreement."""

import re
from decimal import Decimal

import pytest

from funding.models import FundingFile
from tests.demo_snapshot import seeded_demo
from vae_inversee.demo.seed import DEMO_PASSWORD


def log_in(page, base_url, email):
    page.goto(f"{base_url}/connexion/")
    page.get_by_label("Adresse électronique").fill(email)
    page.get_by_label("Mot de passe").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Se connecter").click()


def euros_to_decimal(text: str) -> Decimal:
    """ "5400,00" (the input's French format) → Decimal("5400.00")."""
    return Decimal(re.sub(r"[\s\u00a0\u202f€]", "", text).replace(",", "."))


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_the_opco_approves_the_oldest_file_for_less_and_downloads_the_agreement(page, live_server, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    seeded_demo()
    oldest = FundingFile.objects.filter(opco__code="AKTO", status="submitted").order_by("submitted_at", "id").first()
    assert oldest is not None, "the demo has AKTO files waiting for a decision"

    log_in(page, live_server.url, "opco@demo.vae")
    page.wait_for_url(re.compile(r"/opco/$"))
    assert page.get_by_role("heading", level=1).inner_text() == "Dossiers à instruire"

    # Waiting files come first, the oldest submitted at the top.
    first_row = page.locator("#table-dossiers tbody tr").first
    assert "Transmis à l'OPCO" in first_row.text_content()
    assert oldest.pathway.reference in first_row.inner_text()
    first_row.get_by_role("link").first.click()
    page.wait_for_url(re.compile(rf"/opco/dossiers/{oldest.pk}/$"))
    file_url = page.url

    teaching = page.get_by_label("Frais pédagogiques accordés")
    lowered = euros_to_decimal(teaching.input_value()) - Decimal("500")
    teaching.fill(f"{lowered:.2f}".replace(".", ","))
    page.get_by_label("Motif ou commentaire").fill("Frais pédagogiques ramenés au devis.")
    page.get_by_role("button", name="Accorder le financement").click()

    page.wait_for_url(re.compile(r"/opco/$"))
    assert page.get_by_text(f"Financement accordé pour le parcours {oldest.pathway.reference}").is_visible()
    oldest.refresh_from_db()
    assert oldest.status == "approved" and oldest.approved_teaching == lowered

    # Celery runs eagerly in the demo: the PDF exists as soon as the decision is committed.
    page.goto(file_url)
    link = page.get_by_role("link", name=re.compile("Télécharger l'accord de prise en charge"))
    assert link.is_visible()
    with page.expect_download() as download_info:
        link.click()
    download = download_info.value
    assert download.suggested_filename == f"accord-{oldest.pathway.reference}-annee-1.pdf"
    with open(download.path(), "rb") as pdf:
        assert pdf.read(4) == b"%PDF"


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_the_opco_filters_its_queue_by_a_certification_found_by_words_of_its_title(page, live_server, settings):
    seeded_demo()
    waiting = FundingFile.objects.filter(opco__code="AKTO").select_related("pathway__certification").first()
    certification = waiting.pathway.certification
    words = " ".join(certification.title.split()[:4])

    log_in(page, live_server.url, "opco@demo.vae")
    page.wait_for_url(re.compile(r"/opco/$"))
    field = page.locator("#id_certification")
    # A word of the title brings suggestions from the catalogue (the datalist the script fills).
    field.press_sequentially(words, delay=20)
    option = page.locator(f'#id_certification-suggestions option[value="{certification.code}"]')
    option.wait_for(state="attached")
    assert certification.title in option.get_attribute("label")
    field.fill(certification.code)
    page.get_by_role("button", name="Filtrer").click()
    page.wait_for_url(re.compile(rf"certification={certification.code}"))
    rows = page.locator("#table-dossiers tbody tr")
    assert rows.count() >= 1
    # Only that certification's files (of the queue: the drafts are not the OPCO's to see).
    references = set(
        FundingFile.objects.filter(opco__code="AKTO", pathway__certification=certification)
        .exclude(status="draft")
        .values_list("pathway__reference", flat=True)
    )
    assert {rows.nth(i).locator("td").first.inner_text().split()[0] for i in range(rows.count())} <= references
    assert page.locator("#id_certification").input_value() == certification.code

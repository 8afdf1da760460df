"""The candidate's own access in a real browser (Debian Chromium), on a phone's width: the holder invites the
candidate, the e-mailed link lets them choose a password, and « Mon parcours » shows their pathway and the
thread where the holder and the OPCO wrote (with an attachment); the candidate answers."""

import re
from urllib.parse import urlsplit

import pytest
from django.core import mail

from pathways import services
from pathways.enums import PathwayPhase
from pathways.models import Candidate, PathwayMessage
from tests.pathways.factories import PDF_BYTES, PathwayFactory, pdf_upload, show_to_opco, staff_of, walk_to

HOLDER_PASSWORD = "mot-de-passe-solide-2026"
CANDIDATE_PASSWORD = "mon-parcours-en-ligne-2026"


def log_in(page, base_url, email, password):
    page.goto(f"{base_url}/connexion/")
    page.get_by_label("Adresse électronique").fill(email)
    page.get_by_label("Mot de passe").fill(password)
    page.get_by_role("button", name="Se connecter").click()


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_the_holder_invites_the_candidate_who_follows_their_pathway(page, live_server, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    pathway = PathwayFactory()
    staff = staff_of(pathway)
    show_to_opco(pathway, staff)
    pathway = walk_to(pathway, PathwayPhase.DELIVERY, staff)
    services.message_post(
        acting_user=staff["project_holder"],
        pathway=pathway,
        body="Bonjour, voici votre planning de formation.",
        attachment=pdf_upload("planning.pdf"),
    )
    services.message_post(acting_user=staff["opco"], pathway=pathway, body="Votre financement est accordé.")
    candidate = pathway.candidate
    mail.outbox.clear()

    # The holder invites the candidate from the candidate's page.
    log_in(page, live_server.url, staff["project_holder"].email, HOLDER_PASSWORD)
    page.wait_for_url(re.compile(r"/porteur/$"))
    page.goto(f"{live_server.url}/porteur/candidats/{candidate.pk}/")
    assert "Pas encore invité." in page.locator("#statut-acces").inner_text()
    page.get_by_role("button", name="Inviter le candidat").click()
    page.get_by_text(f"Invitation envoyée à {candidate.email}").wait_for()
    assert "compte pas encore activé" in page.locator("#statut-acces").inner_text()
    page.get_by_role("button", name="Se déconnecter").click()
    page.wait_for_url(re.compile(r"/connexion/$"))

    # The link of the e-mail (the live server's locmem outbox), on a phone.
    (sent,) = [message for message in mail.outbox if message.to == [candidate.email]]
    line = next(line for line in sent.body.splitlines() if "sesame=" in line)
    link = urlsplit(line.strip())
    page.set_viewport_size({"width": 375, "height": 800})
    page.goto(f"{live_server.url}{link.path}?{link.query}")
    assert page.get_by_role("heading", level=1).inner_text().startswith("Bienvenue")
    page.get_by_label("Votre mot de passe").fill(CANDIDATE_PASSWORD)
    page.get_by_label("Le même mot de passe, encore une fois").fill(CANDIDATE_PASSWORD)
    page.get_by_role("button", name="Enregistrer mon mot de passe").click()
    page.wait_for_url(re.compile(r"/mon-parcours/$"))
    main = page.locator("main")
    assert page.get_by_role("heading", level=1).inner_text() == "Mon parcours"
    assert "Votre mot de passe est enregistré." in main.inner_text()
    assert "Mise en œuvre" in main.inner_text() and "Ce que vous avez à faire" in main.inner_text()

    # The thread: the holder's message with its attachment, the OPCO's; the candidate answers.
    thread = page.locator("#fil-messages")
    assert "Bonjour, voici votre planning de formation." in thread.inner_text()
    assert "Votre financement est accordé." in thread.inner_text()
    with page.expect_download() as download:
        thread.get_by_role("link", name="planning.pdf").click()
    assert download.value.suggested_filename == "planning.pdf"
    with open(download.value.path(), "rb") as handle:
        assert handle.read() == PDF_BYTES
    page.locator("#form-message").get_by_label("Votre message").fill("Merci, j'ai bien reçu le planning.")
    page.get_by_role("button", name="Envoyer", exact=True).click()
    page.wait_for_url(re.compile(r"#messages$"))
    page.get_by_text("Votre message est envoyé.").wait_for()
    assert "Merci, j'ai bien reçu le planning." in page.locator("#fil-messages").inner_text()
    written = PathwayMessage.objects.get(body="Merci, j'ai bien reçu le planning.")
    assert written.author.email == candidate.email and written.organisation is None

    # The document they were asked for, sent from their page.
    upload = tmp_path / "attestation.pdf"
    upload.write_bytes(PDF_BYTES)
    page.locator("#form-document").get_by_label("Le document").set_input_files(str(upload))
    page.get_by_role("button", name="Envoyer le document").click()
    page.wait_for_url(re.compile(r"#documents$"))
    assert "attestation.pdf" in page.locator("#liste-documents").inner_text()
    assert pathway.documents.get(original_name="attestation.pdf").uploaded_by.email == candidate.email

    # Nothing else: the staff's pathway page is refused; the link is spent; then a normal login.
    for staff_page in (f"/parcours/{pathway.pk}/", f"/parcours/{pathway.pk}/messages/"):
        page.goto(f"{live_server.url}{staff_page}")
        assert "Accès refusé" in page.locator("main").inner_text()
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{live_server.url}/mon-parcours/")
    page.get_by_role("button", name="Se déconnecter").click()
    page.wait_for_url(re.compile(r"/connexion/$"))
    page.goto(f"{live_server.url}{link.path}?{link.query}")
    assert "Ce lien n'est plus valable" in page.locator("main").inner_text()
    log_in(page, live_server.url, candidate.email, CANDIDATE_PASSWORD)
    page.wait_for_url(re.compile(r"/mon-parcours/$"))
    assert Candidate.objects.get(pk=candidate.pk).activated_at is not None

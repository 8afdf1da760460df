"""Working together in a real browser (Debian Chromium): a thread with an attachment between the project holder
and the OPCO, an OPCO note the holder never sees, the OPCO assigning a file and filtering its queue, and
organisation invitations (one accepted, one expired)."""

import datetime
import re

import pytest
from django.utils import timezone

from funding.models import FundingFile
from tests.accounts.factories import UserFactory
from tests.demo_snapshot import seeded_demo
from tests.pathways.factories import PDF_BYTES
from vae_inversee.accounts import services as account_services
from vae_inversee.accounts.models import Invitation, Membership
from vae_inversee.demo.seed import DEMO_PASSWORD


def log_in(page, base_url, email, password=DEMO_PASSWORD):
    page.goto(f"{base_url}/connexion/")
    page.get_by_label("Adresse électronique").fill(email)
    page.get_by_label("Mot de passe").fill(password)
    page.get_by_role("button", name="Se connecter").click()


def log_out(page):
    page.get_by_role("button", name="Se déconnecter").click()


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_holder_and_opco_exchange_messages_and_the_opco_keeps_its_notes(page, live_server, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    seeded_demo()
    funding_file = (
        FundingFile.objects.filter(
            opco__code="AKTO",
            status="submitted",
            assignee__isnull=True,
            pathway__project_holder__organisation__memberships__user__email="porteur@demo.vae",
        )
        .order_by("submitted_at", "id")
        .first()
    )
    assert funding_file is not None
    pathway = funding_file.pathway
    attachment = tmp_path / "attestation.pdf"
    attachment.write_bytes(PDF_BYTES)

    # The OPCO writes to the holder with an attachment, and keeps an internal note.
    log_in(page, live_server.url, "opco@demo.vae")
    page.wait_for_url(re.compile(r"/opco/$"))
    page.goto(f"{live_server.url}/parcours/{pathway.pk}/")
    page.locator("#onglet-messages").click()  # the thread and the notes have a page of their own
    page.wait_for_url(re.compile(rf"/parcours/{pathway.pk}/messages/#messages$"))
    page.locator("#form-message").get_by_role("textbox").fill("Pouvez-vous confirmer la date de début du contrat ?")
    page.get_by_label("Pièce jointe (facultative)").set_input_files(str(attachment))
    page.get_by_role("button", name="Envoyer", exact=True).click()
    page.wait_for_url(re.compile(r"#messages$"))
    assert "Votre message est envoyé." in page.content()
    page.locator("#form-note").get_by_role("textbox").fill("Vérifier le SIRET de l'employeur avant de statuer.")
    page.get_by_role("button", name="Ajouter la note").click()
    page.get_by_text("Note interne enregistrée").wait_for()
    assert "Vérifier le SIRET de l'employeur avant de statuer." in page.locator("#notes-internes").inner_text()

    # The OPCO assigns the file to itself; its queue filters it.
    page.goto(f"{live_server.url}/opco/dossiers/{funding_file.pk}/")
    assignee = page.get_by_label("Assigné·e à")
    assignee.select_option(index=1)
    page.get_by_role("button", name="Assigner").click()
    page.get_by_text("Dossier assigné à").wait_for()
    page.goto(f"{live_server.url}/opco/?assignee=me")
    assert pathway.reference in page.locator("#table-dossiers").inner_text()
    page.goto(f"{live_server.url}/opco/?assignee=none")
    assert pathway.reference not in page.content()
    log_out(page)

    # The holder sees the unread message on the pathway's file and in the header, reads it with its attachment,
    # and answers.
    log_in(page, live_server.url, "porteur@demo.vae")
    page.wait_for_url(re.compile(r"/porteur/$"))
    page.goto(f"{live_server.url}/parcours/{pathway.pk}/")
    assert re.search(r"dont \d+ non lus?\)", page.locator("#onglet-messages").inner_text())
    assert "Pouvez-vous confirmer" not in page.content()
    assert re.search(r"Messages \(\d+ non lus?\)", page.locator("#messages-link").inner_text())
    page.locator("#messages-link").click()
    page.get_by_role("link", name=pathway.reference).click()
    page.wait_for_url(re.compile(rf"/parcours/{pathway.pk}/messages/#messages$"))
    thread = page.locator("#fil-messages")
    assert "Pouvez-vous confirmer la date de début du contrat ?" in thread.inner_text()
    with page.expect_download() as download:
        thread.get_by_role("link", name="attestation.pdf").click()
    assert download.value.suggested_filename == "attestation.pdf"
    assert "Vérifier le SIRET" not in page.content()
    page.locator("#form-message").get_by_role("textbox").fill("Oui : le contrat commence comme indiqué.")
    page.get_by_role("button", name="Envoyer", exact=True).click()
    page.get_by_text("Votre message est envoyé.").wait_for()
    assert "Oui : le contrat commence comme indiqué." in page.locator("#fil-messages").inner_text()
    assert "non lu" not in page.locator("#onglet-messages").inner_text()


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_an_invitation_is_accepted_and_an_expired_one_refused(page, live_server):
    admin = UserFactory(role="project_holder", password="mot-de-passe-solide-2026")
    expired, expired_secret = account_services.invitation_create(
        organisation=admin.organisation, email="tard@exemple.fr", acting_user=admin
    )
    Invitation.objects.filter(pk=expired.pk).update(expires_at=timezone.now() - datetime.timedelta(days=1))

    log_in(page, live_server.url, admin.email, "mot-de-passe-solide-2026")
    page.goto(f"{live_server.url}/organisation/")
    page.locator("#form-invitation").get_by_label("Adresse électronique").fill("nouvelle@exemple.fr")
    page.get_by_role("button", name="Envoyer l'invitation").click()
    assert "Invitation envoyée à nouvelle@exemple.fr" in page.content()
    log_out(page)

    # The link of the e-mail (its secret is only in the e-mail: issue another one here to follow it).
    Invitation.objects.filter(email="nouvelle@exemple.fr").update(revoked_at=timezone.now())
    _, secret = account_services.invitation_create(
        organisation=admin.organisation, email="nouvelle@exemple.fr", acting_user=admin
    )
    page.goto(f"{live_server.url}/invitation/{secret}/")
    page.get_by_label("Prénom", exact=True).fill("Nina")
    page.get_by_label("Nom", exact=True).fill("Martin")
    page.locator("#id_password").fill("un-mot-de-passe-solide-42")
    page.get_by_role("button", name="Créer mon compte").click()
    page.wait_for_url(re.compile(r"/porteur/$"))
    assert Membership.objects.get(user__email="nouvelle@exemple.fr").organisation == admin.organisation
    log_out(page)

    page.goto(f"{live_server.url}/invitation/{expired_secret}/")
    assert "a expiré" in page.locator("main").inner_text()

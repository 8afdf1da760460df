"""A project holder applies, and the Ministry decides, in a real browser (Debian Chromium), on the demo."""

import re

import pytest

from certifications.models import Certification
from pathways.models import Project
from tests.demo_snapshot import seeded_demo
from tests.pathways.factories import PDF_BYTES
from vae_inversee.demo.seed import DEMO_PASSWORD


def log_in(page, base_url, email):
    page.goto(f"{base_url}/connexion/")
    page.get_by_label("Adresse électronique").fill(email)
    page.get_by_label("Mot de passe").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Se connecter").click()


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_the_holder_drafts_uploads_the_project_sheet_and_submits(page, live_server, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    seeded_demo()
    log_in(page, live_server.url, "porteur.hdf@demo.vae")
    page.get_by_role("link", name="Mes projets").first.click()
    page.wait_for_url(re.compile(r"/projets/$"))
    page.get_by_role("link", name="Nouveau projet").click()

    page.get_by_label("Intitulé du projet").fill("Préparateurs de commandes — Lille")
    page.get_by_label("Résumé").fill("Douze parcours avec deux entrepôts de la métropole lilloise.")
    # The DSFR draws the box with the label: a click on the label ticks it, as a person does.
    page.locator("label.fr-label", has_text="Hauts-de-France").click()
    certification = Certification.objects.get(code="RNCP90002")
    page.get_by_label("Certifications visées").select_option(str(certification.pk))
    page.get_by_label("Nombre de parcours demandés").fill("12")
    page.locator("#id_partenaires-0-name").fill("Entrepôts du Nord")
    page.locator("#id_partenaires-0-siret").fill("732 829 320 00074")
    page.locator("#id_partenaires-0-role").select_option("employer")
    page.get_by_role("button", name="Enregistrer le brouillon").click()

    page.wait_for_url(re.compile(r"/projets/\d+/$"))
    project = Project.objects.get(title="Préparateurs de commandes — Lille")
    assert page.get_by_role("heading", level=1).inner_text() == f"{project.reference} — {project.title}"
    assert page.get_by_text("La fiche projet signée doit être déposée.").is_visible()

    page.get_by_label("Type de pièce").select_option("project_sheet")
    page.get_by_label("Fichier").set_input_files(
        {"name": "fiche-projet.pdf", "mimeType": "application/pdf", "buffer": PDF_BYTES}
    )
    page.get_by_role("button", name="Déposer la pièce").click()
    assert page.get_by_text("Pièce « Fiche projet signée » déposée.").is_visible()

    page.get_by_role("button", name="Déposer le projet auprès de la DGEFP").click()
    assert page.get_by_text(f"Projet {project.reference} déposé : la DGEFP va l'instruire.").is_visible()
    assert page.locator("#statut-projet").text_content().strip() == "Déposé"
    assert "Brouillon → Déposé" in page.locator("#historique").inner_text()
    project.refresh_from_db()
    assert project.status == "submitted" and project.partners.get().siret == "73282932000074"


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_the_ministry_marks_complete_and_accepts_fewer_pathways(page, live_server, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    seeded_demo()
    project = Project.objects.get(title="Logistique du dernier kilomètre")
    assert project.status == "submitted"
    log_in(page, live_server.url, "ministere@demo.vae")
    page.get_by_role("link", name="Projets à instruire").first.click()
    page.wait_for_url(re.compile(r"/pilotage/projets/$"))

    page.get_by_label("Statut").select_option("submitted")
    page.get_by_role("button", name="Filtrer").click()
    rows = page.locator("#table-projets tbody tr")
    assert rows.count() == 1 and project.reference in rows.first.inner_text()
    rows.first.get_by_role("link").click()
    page.wait_for_url(re.compile(rf"/projets/{project.pk}/$"))

    page.get_by_role("button", name="Déclarer le dossier complet").click()
    project.refresh_from_db()
    deadline = f"{project.decision_deadline:%d/%m/%Y}"
    assert page.get_by_text(f"décision attendue au plus tard le {deadline}").first.is_visible()
    assert "jours restants" in page.locator("#delai").inner_text()

    page.get_by_label("Nombre de parcours accordés").fill("12")
    page.get_by_label("Commentaire").fill("Douze parcours la première année.")
    page.get_by_role("button", name="Accepter le projet").click()
    assert page.get_by_text(f"Projet {project.reference} accepté : 12 parcours accordés.").is_visible()
    assert page.locator("#statut-projet").text_content().strip() == "Accepté"
    project.refresh_from_db()
    assert (project.status, project.granted_pathways, project.requested_pathways) == ("accepted", 12, 20)
    # Read-only afterwards: no decision form is left.
    assert page.get_by_role("button", name="Refuser le projet").count() == 0

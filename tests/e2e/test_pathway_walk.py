"""One pathway walked through its five phases in a real browser, each role on its own pages only: the
project holder, the companion, the certifier and the OPCO act through the portal, never a service call."""

import re

import pytest

from pathways.models import Employer, Pathway
from tests.demo_snapshot import seeded_demo
from tests.e2e.test_demo_logins import log_in
from tests.pathways.factories import PDF_BYTES

CERTIFICATION = "Agent de propreté et d'hygiène (RNCP90001)"
CANDIDATE = "Fatima El Amrani"  # born in 1987: an adult, paid at least the SMIC
EMPLOYER = "Institut de formation Avenir Métiers"  # IDCC 1516 → AKTO, the OPCO of opco@demo.vae
COMPANION = "Julien Moreau — Cap Parcours VAE"


def as_user(page, base_url, email):
    page.context.clear_cookies()
    log_in(page, base_url, email)
    page.wait_for_url(re.compile(r"/(porteur|accompagnement|certification|opco)/$"))


def open_pathway(page, base_url, pathway):
    page.goto(f"{base_url}/parcours/{pathway.pk}/")


def click(page, name):
    page.get_by_role("button", name=name, exact=True).click()


def expect_message(page, text):
    from playwright.sync_api import expect

    expect(page.locator(".fr-alert--success").filter(has_text=text)).to_be_visible()


@pytest.fixture
def demo(transactional_db):
    seeded_demo()


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_a_pathway_walks_through_its_five_phases(page, live_server, demo, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    base = live_server.url
    feasibility, diagnosis = tmp_path / "etude-faisabilite.pdf", tmp_path / "diagnostic.pdf"
    feasibility.write_bytes(PDF_BYTES)
    diagnosis.write_bytes(PDF_BYTES)

    # ---- the project holder creates the pathway, uploads the two documents, moves to support
    as_user(page, base, "porteur@demo.vae")
    page.get_by_role("link", name="Nouveau parcours").click()
    page.get_by_label("Certification visée").select_option(label=CERTIFICATION)
    click(page, "Continuer")
    page.get_by_label("Candidat", exact=True).select_option(label=CANDIDATE)
    employer = Employer.objects.get(name=EMPLOYER)
    page.get_by_label("Employeur", exact=True).select_option(label=str(employer))
    page.get_by_label("Accompagnateur ou accompagnatrice").select_option(label=COMPANION)
    click(page, "Créer le parcours")
    page.wait_for_url(re.compile(r"/parcours/\d+/$"))
    pathway = Pathway.objects.get(pk=int(page.url.rstrip("/").rsplit("/", 1)[1]))
    assert pathway.target_blocks.count() == 3  # every block is checked by default
    expect_message(page, f"Le parcours {pathway.reference} a été créé.")

    for kind, path in (
        ("Étude de faisabilité", feasibility),
        ("Diagnostic de compétences (positionnement)", diagnosis),
    ):
        page.get_by_label("Type de pièce").select_option(label=kind)
        page.get_by_label("Fichier").set_input_files(str(path))
        click(page, "Déposer la pièce")
        expect_message(page, f"La pièce « {kind} » a été déposée.")
    assert page.get_by_role("link", name="etude-faisabilite.pdf").is_visible()
    click(page, "Passer en accompagnement")
    expect_message(page, "est passé en phase « Accompagnement »")

    # ---- in support, the project holder records the contract and writes the pedagogical plan inside it
    page.get_by_role("link", name="Enregistrer le contrat").click()
    page.get_by_label("Conclu le").fill("2025-09-01")
    page.get_by_label("Date de début").fill("2025-09-15")
    page.get_by_label("Date de fin").fill("2026-09-14")
    page.get_by_label("Durée hebdomadaire (heures)").fill("35")
    page.get_by_label("Salaire mensuel brut").fill("1900.00")
    page.get_by_label("Nom du tuteur ou de la tutrice").fill("Tuteur de bout en bout")
    click(page, "Enregistrer le contrat")
    expect_message(page, "Le contrat de professionnalisation du parcours")
    blocks = list(pathway.target_blocks.order_by("code"))
    siret = Employer.objects.exclude(siret="").first().siret
    for kind, title, cost, covered in (
        ("training", "Enseignements en organisme", "4000,00", blocks),
        ("design", "Conception et coordination", "500,00", []),
        ("vae_support", "Accompagnement VAE", "1500,00", []),
    ):
        page.get_by_role("link", name="Ajouter une action").click()
        page.get_by_label("Nature de l'action").select_option(kind)
        page.get_by_label("Intitulé").fill(title)
        page.get_by_label(re.compile(r"Organisme\W+Optionnel")).fill("Organisme de formation")
        page.get_by_label(re.compile(r"SIRET de l'organisme")).fill(siret)
        for block in covered:
            # The DSFR label covers its checkbox: the user clicks the label.
            page.locator("#formulaire-action").get_by_text(str(block), exact=True).click()
        page.get_by_label("Heures prévues").fill("35")
        page.get_by_label("Début").fill("2025-09-15")
        page.get_by_label("Fin").fill("2026-06-30")
        page.get_by_label("Coût (€ HT)").fill(cost)
        click(page, "Enregistrer l'action")
        expect_message(page, f"Action « {title} » enregistrée dans le plan.")
    assert page.locator("#table-plan tbody tr").count() == 3
    assert "non couvert" not in page.locator("#chronologie-plan").inner_text()

    # ---- the companion gives a favourable opinion and moves to admissibility
    as_user(page, base, "accompagnateur@demo.vae")
    assert pathway.reference in page.content()
    page.get_by_role("link", name=pathway.reference).click()
    page.locator("#radio-id_job_match").get_by_text("Favorable", exact=True).click()
    page.locator("#radio-id_pedagogical_path").get_by_text("Favorable", exact=True).click()
    page.locator("#id_comment").fill("Poste et certification en adéquation.")
    click(page, "Enregistrer l'avis")
    expect_message(page, "Votre avis d'accompagnement (favorable) est enregistré.")
    click(page, "Passer en recevabilité")
    expect_message(page, "est passé en phase « Recevabilité »")

    # ---- the certifier declares the file admissible
    as_user(page, base, "certificateur@demo.vae")
    page.goto(f"{base}/certification/?q={pathway.reference}")
    page.locator("#table-recevabilites").get_by_role("link", name=pathway.reference).click()
    page.locator("#radio-id_decision").get_by_text("Recevable", exact=True).click()
    click(page, "Enregistrer la décision")
    expect_message(page, "Décision de recevabilité enregistrée : recevable.")

    # ---- the OPCO approves the funding; delivery starts
    as_user(page, base, "porteur@demo.vae")
    open_pathway(page, base, pathway)
    assert "Le dossier de financement n'est pas encore accordé par l'OPCO." in page.content().replace("&#x27;", "'")
    page.locator("#financement").screenshot(path="/tmp/pathway-funding-before.png")

    # ---- the project holder prepares the funding file and sends it to the OPCO
    page.get_by_role("link", name="Préparer le dossier de financement").click()
    page.wait_for_url(re.compile(rf"/parcours/{pathway.pk}/financement/$"))
    page.get_by_label("Frais pédagogiques (€)").fill("4000,00")
    page.get_by_label("Conception et coordination (€)").fill("500,00")
    page.get_by_label("Accompagnement VAE (€)").fill("1500,00")
    click(page, "Transmettre à l'OPCO")
    expect_message(page, "Dossier de l'année 1 transmis à l'OPCO (AKTO).")

    # ---- the OPCO opens the file from the pathway page and approves it on its decision page
    as_user(page, base, "opco@demo.vae")
    open_pathway(page, base, pathway)
    page.locator("#financement").get_by_role("link", name="Instruire le dossier").click()
    page.wait_for_url(re.compile(r"/opco/dossiers/\d+/$"))
    click(page, "Accorder le financement")
    page.wait_for_url(re.compile(r"/opco/$"))
    expect_message(page, f"Financement accordé pour le parcours {pathway.reference} (année 1)")

    # ---- the project holder starts delivery
    as_user(page, base, "porteur@demo.vae")
    open_pathway(page, base, pathway)
    assert "Accordé" in page.locator("#financement").text_content()
    click(page, "Passer en mise en œuvre")
    expect_message(page, "est passé en phase « Mise en œuvre »")

    # ---- the certifier sets the jury date
    as_user(page, base, "certificateur@demo.vae")
    # The jury queue, searched by reference (the certifier's queues show one at a time, 25 a page).
    page.goto(f"{base}/certification/?file=jury&q={pathway.reference}")
    page.locator("#table-jurys").get_by_role("link", name=pathway.reference).click()
    page.get_by_label("Date de la session de jury").fill("2026-09-10")
    click(page, "Fixer la date du jury")
    expect_message(page, "La session de jury est fixée au 10/09/2026.")

    # ---- the companion records progress on each targeted block and moves to evaluation
    as_user(page, base, "accompagnateur@demo.vae")
    open_pathway(page, base, pathway)
    blocks = list(pathway.target_blocks.order_by("code"))
    for block in blocks:
        form = page.locator("#form-progression")
        form.get_by_label("Bloc de compétences").select_option(label=f"{block.code} — {block.title}")
        form.get_by_text("Acquis", exact=True).click()
        form.get_by_label("Date du relevé").fill("2026-06-15")
        form.locator("#id_progression-comment").fill("Gestes maîtrisés en situation de travail.")
        click(page, "Enregistrer le relevé")
        expect_message(page, f"Progression enregistrée pour le bloc {block.code} : acquis.")
    progress = page.locator("#progression")
    for block in blocks:
        assert "15/06/2026" in progress.locator(f"#progression-bloc-{block.pk}").inner_text()
    progress.screenshot(path="/tmp/pathway-progress.png")
    click(page, "Passer en évaluation")
    expect_message(page, "est passé en phase « Évaluation et jury »")

    # ---- the certifier records the jury (its date prefilled) and closes the pathway
    as_user(page, base, "certificateur@demo.vae")
    open_pathway(page, base, pathway)
    form = page.locator("#form-jury")
    assert form.get_by_label("Date du jury").input_value() == "2026-09-10"
    form.get_by_text("Validation totale", exact=True).click()
    for block in blocks:
        form.get_by_text(f"{block.code} — {block.title}", exact=True).click()
    form.get_by_label("Observations du jury").fill("Mise en situation réussie sur les trois blocs.")
    form.screenshot(path="/tmp/pathway-jury-form.png")
    click(page, "Enregistrer le résultat du jury")
    expect_message(page, "Résultat du jury enregistré : validation totale (3 blocs validés sur 3).")
    jury = page.locator("#jury")
    assert "Validation totale" in jury.text_content() and "Non validé" not in jury.text_content()
    jury.screenshot(path="/tmp/pathway-jury-result.png")
    click(page, "Clore le parcours")
    expect_message(page, "est passé en phase « Terminé »")

    assert page.locator("#table-transitions caption").inner_text() == "Changements de phase (5)"
    rows = page.locator("#table-transitions tbody tr")
    assert rows.count() == 5
    assert "Évaluation et jury" in rows.nth(4).inner_text() and "Terminé" in rows.nth(4).inner_text()
    pathway.refresh_from_db()
    assert pathway.phase == "completed"
    page.screenshot(path="/tmp/pathway-completed.png", full_page=True)

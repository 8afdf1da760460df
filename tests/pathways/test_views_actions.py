"""POST actions of the pathway page: transitions, abandon, documents, opinion, admissibility, jury."""

import datetime

import pytest
from django.urls import reverse

from pathways.enums import AdmissibilityDecision, DocumentKind, PathwayPhase
from pathways.models import Admissibility, Document, Pathway, PathwayTransition, SupportOpinion
from tests.accounts.factories import UserFactory
from tests.pathways.factories import (
    PDF_BYTES,
    PathwayFactory,
    ensure_plan,
    pdf_upload,
    record_jury,
    show_to_opco,
    staff_of,
    walk_to,
)


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def text(response):
    return response.content.decode().replace("&#x27;", "'").replace("&quot;", '"')


def url(name, pathway, *args):
    return reverse(f"pathways:{name}", args=[pathway.pk, *args])


# Every POST action with valid data for its role, to check 404 outside one's scope.
ACTIONS = [
    ("transition", "project_holder", {"to": "support"}),
    ("abandon", "project_holder", {"reason": "Démission"}),
    ("document_upload", "project_holder", {"kind": "other"}),
    ("support_opinion", "companion", {"job_match": "true", "pedagogical_path": "true"}),
    ("admissibility", "certifier", {"decision": "admissible"}),
    ("jury_session", "certifier", {"session_date": "2026-06-01"}),
]


@pytest.mark.parametrize(("name", "role", "data"), ACTIONS)
def test_every_action_on_another_organisations_pathway_is_a_404(client, db, name, role, data):
    pathway = walk_to(PathwayFactory(), PathwayPhase.ADMISSIBILITY)
    client.force_login(staff_of(walk_to(PathwayFactory(), PathwayPhase.ADMISSIBILITY))[role])
    before = PathwayTransition.objects.count()
    if name == "document_upload":
        data = {**data, "file": pdf_upload()}

    assert client.post(url(name, pathway), data).status_code == 404
    pathway.refresh_from_db()
    assert pathway.phase == PathwayPhase.ADMISSIBILITY and PathwayTransition.objects.count() == before


@pytest.mark.parametrize(
    ("name", "role", "data"),
    [
        ("transition", "opco", {"to": "delivery"}),
        ("transition", "ministry", {"to": "delivery"}),
        ("abandon", "certifier", {"reason": "Non"}),
        ("document_upload", "opco", {"kind": "other"}),
        ("support_opinion", "project_holder", {"job_match": "true", "pedagogical_path": "true"}),
        ("admissibility", "companion", {"decision": "admissible"}),
        ("jury_session", "project_holder", {"session_date": "2026-06-01"}),
    ],
)
def test_wrong_role_gets_a_403(client, db, name, role, data):
    pathway = walk_to(PathwayFactory(), PathwayPhase.ADMISSIBILITY)
    client.force_login(staff_of(pathway)[role])

    response = client.post(url(name, pathway), data)

    assert response.status_code == 403
    assert "Accès refusé" in text(response)


def test_transition_the_role_may_not_take_is_a_403(client, db):
    # The companion may post transitions, but not this one (the project holder's).
    pathway = walk_to(PathwayFactory(), PathwayPhase.ADMISSIBILITY)
    client.force_login(staff_of(pathway)["companion"])
    assert client.post(url("transition", pathway), {"to": "delivery"}).status_code == 403
    assert PathwayTransition.objects.filter(to_phase="delivery").count() == 0


def test_transitions_are_post_only(client, db):
    pathway = PathwayFactory()
    client.force_login(staff_of(pathway)["project_holder"])
    # A GET (the address revisited) leads back to the pathway page; nothing moves.
    response = client.get(url("transition", pathway))
    assert response.status_code == 302 and response.url == f"/parcours/{pathway.pk}/"
    assert client.put(url("transition", pathway)).status_code == 405
    pathway.refresh_from_db()
    assert pathway.phase == "positioning"


def test_refused_transition_lists_every_unmet_condition(client, db):
    pathway = PathwayFactory(companion=None, target_blocks=[])
    client.force_login(staff_of(PathwayFactory())["project_holder"])  # a user of another project holder
    client.force_login(UserFactory(organisation=pathway.project_holder.organisation))

    response = client.post(url("transition", pathway), {"to": "support", "comment": "On y va"})

    html = text(response)
    assert response.status_code == 400
    assert 'class="fr-alert fr-alert--error' in html and "Conditions non remplies" in html
    for reason in (
        "Les blocs de compétences visés doivent être choisis.",
        "La pièce « Étude de faisabilité » doit être déposée.",
        "La pièce « Diagnostic de compétences (positionnement) » doit être déposée.",
        "Un accompagnateur doit être désigné pour le parcours.",
    ):
        assert html.count(reason) >= 2, reason  # in the alert, and in "what is missing"
    pathway.refresh_from_db()
    assert pathway.phase == PathwayPhase.POSITIONING and not PathwayTransition.objects.exists()


def test_impossible_target_is_refused_with_a_reason(client, db):
    pathway = PathwayFactory()
    client.force_login(staff_of(pathway)["project_holder"])
    html = text(client.post(url("transition", pathway), {"to": "completed"}))
    assert "ne peut pas passer en « Terminé »" in html


def test_successful_transition_redirects_with_a_message_and_logs(client, db):
    pathway = PathwayFactory()
    staff = staff_of(pathway)
    for kind in (DocumentKind.FEASIBILITY_STUDY, DocumentKind.SKILLS_DIAGNOSIS):
        Document.objects.create(
            pathway=pathway,
            kind=kind,
            file="documents/x",
            original_name="x.pdf",
            content_type="application/pdf",
            size=10,
            uploaded_by=staff["project_holder"],
        )
    client.force_login(staff["project_holder"])

    response = client.post(url("transition", pathway), {"to": "support", "comment": "Dossier complet"})

    assert response.status_code == 302 and response.url == url("detail", pathway)
    log = PathwayTransition.objects.get()
    assert (log.from_phase, log.to_phase, log.by, log.comment) == (
        "positioning",
        "support",
        staff["project_holder"],
        "Dossier complet",
    )
    html = text(client.get(response.url))
    assert f"Le parcours {pathway.reference} est passé en phase « Accompagnement »." in html
    assert "fr-alert--success" in html and "Dossier complet" in html


def test_the_move_button_is_disabled_while_conditions_are_unmet(client, db):
    pathway = PathwayFactory()
    client.force_login(staff_of(pathway)["project_holder"])
    html = text(client.get(url("detail", pathway)))
    assert 'disabled aria-describedby="manque-start_support">Passer en accompagnement</button>' in html


# ---- abandon ------------------------------------------------------------------------------------


def test_abandon_needs_a_reason(client, db):
    pathway = PathwayFactory()
    client.force_login(staff_of(pathway)["project_holder"])

    html = text(client.post(url("abandon", pathway), {"reason": "  "}))

    assert "Le motif de l'abandon est obligatoire." in html and "L'abandon n'a pas été enregistré" in html
    assert Pathway.objects.get().phase == PathwayPhase.POSITIONING


def test_abandon_with_a_reason(client, db):
    pathway = walk_to(PathwayFactory(), PathwayPhase.SUPPORT)
    client.force_login(staff_of(pathway)["companion"])

    response = client.post(url("abandon", pathway), {"reason": "Rupture du contrat"})

    assert response.status_code == 302
    pathway.refresh_from_db()
    assert pathway.phase == PathwayPhase.ABANDONED and pathway.abandon_reason == "Rupture du contrat"
    html = text(client.get(response.url))
    assert "Parcours abandonné le" in html and "Rupture du contrat" in html
    assert "Déclarer un abandon" not in html


# ---- documents ------------------------------------------------------------------------------------


def test_document_upload_and_download(client, db):
    pathway = PathwayFactory()
    client.force_login(staff_of(pathway)["project_holder"])

    response = client.post(
        url("document_upload", pathway), {"kind": "feasibility_study", "file": pdf_upload("Étude faisabilité.pdf")}
    )

    assert response.status_code == 302
    document = Document.objects.get()
    assert document.original_name == "Étude faisabilité.pdf" and document.content_type == "application/pdf"
    assert "Étude faisabilité" not in document.file.name
    html = text(client.get(url("detail", pathway)))
    assert "La pièce « Étude de faisabilité » a été déposée." in html
    assert url("document_download", pathway, document.pk) in html

    download = client.get(url("document_download", pathway, document.pk))
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    assert download["Content-Disposition"].startswith("attachment;")
    assert "faisabilit" in download["Content-Disposition"]
    assert b"".join(download.streaming_content) == PDF_BYTES


def test_fake_pdf_is_rejected(client, db):
    pathway = PathwayFactory()
    client.force_login(staff_of(pathway)["project_holder"])

    response = client.post(
        url("document_upload", pathway),
        {"kind": "feasibility_study", "file": pdf_upload("faux.pdf", b"<html>pas un PDF</html>")},
    )

    html = text(response)
    assert response.status_code == 400
    assert "Format non accepté : déposez un PDF, un PNG ou un JPEG." in html
    assert "La pièce n'a pas été déposée" in html
    assert not Document.objects.exists()


def test_upload_without_file_is_explained(client, db):
    pathway = PathwayFactory()
    client.force_login(staff_of(pathway)["project_holder"])
    html = text(client.post(url("document_upload", pathway), {"kind": "other"}))
    assert "Ce champ est obligatoire." in html
    assert not Document.objects.exists()


@pytest.mark.parametrize("role", ["opco", "certifier", "ministry", "companion"])
def test_every_role_that_sees_the_pathway_downloads_its_documents(client, db, role):
    pathway = show_to_opco(walk_to(PathwayFactory(), PathwayPhase.ADMISSIBILITY))
    document = pathway.documents.first()
    client.force_login(staff_of(pathway)[role])
    response = client.get(url("document_download", pathway, document.pk))
    assert response.status_code == 200 and b"".join(response.streaming_content) == PDF_BYTES
    response.close()


def test_download_outside_ones_scope_is_a_404(client, db):
    pathway = walk_to(PathwayFactory(), PathwayPhase.SUPPORT)
    other = walk_to(PathwayFactory(), PathwayPhase.SUPPORT)
    document = pathway.documents.first()
    client.force_login(staff_of(other)["project_holder"])
    assert client.get(url("document_download", pathway, document.pk)).status_code == 404
    # Nor through a pathway one does see.
    assert client.get(url("document_download", other, document.pk)).status_code == 404
    # The certifier does not see a pathway before admissibility.
    client.force_login(staff_of(pathway)["certifier"])
    assert client.get(url("document_download", pathway, document.pk)).status_code == 404


# ---- opinion, admissibility, jury --------------------------------------------------------------


def test_companion_records_the_support_opinion_and_moves_on(client, db):
    pathway = walk_to(PathwayFactory(), PathwayPhase.SUPPORT)
    ensure_plan(pathway)
    client.force_login(staff_of(pathway)["companion"])

    html = text(client.get(url("detail", pathway)))
    assert "Avis d'accompagnement</h2>" in html

    response = client.post(
        url("support_opinion", pathway), {"job_match": "true", "pedagogical_path": "false", "comment": "À revoir"}
    )
    assert response.status_code == 302
    opinion = SupportOpinion.objects.get()
    assert opinion.job_match and not opinion.pedagogical_path
    html = text(client.post(url("transition", pathway), {"to": "admissibility"}))
    assert "L'avis de l'accompagnateur n'est pas favorable sur le parcours pédagogique." in html

    client.post(url("support_opinion", pathway), {"job_match": "true", "pedagogical_path": "true"})
    assert client.post(url("transition", pathway), {"to": "admissibility"}).status_code == 302
    pathway.refresh_from_db()
    assert pathway.phase == PathwayPhase.ADMISSIBILITY


def test_support_opinion_requires_both_answers(client, db):
    pathway = walk_to(PathwayFactory(), PathwayPhase.SUPPORT)
    client.force_login(staff_of(pathway)["companion"])
    response = client.post(url("support_opinion", pathway), {"job_match": "true"})
    assert response.status_code == 400 and "Ce champ est obligatoire." in text(response)
    assert not SupportOpinion.objects.exists()


def test_certifier_records_admissibility_and_jury_date(client, db):
    pathway = walk_to(PathwayFactory(), PathwayPhase.ADMISSIBILITY)
    client.force_login(staff_of(pathway)["certifier"])

    html = text(client.post(url("admissibility", pathway), {"decision": "not_admissible", "comment": ""}))
    assert "Motivez la décision de non-recevabilité." in html
    assert not Admissibility.objects.exists()

    response = client.post(url("admissibility", pathway), {"decision": "admissible"})
    assert response.status_code == 302
    assert Admissibility.objects.get().decision == AdmissibilityDecision.ADMISSIBLE
    assert "Décision de recevabilité enregistrée : recevable." in text(client.get(response.url))

    response = client.post(url("jury_session", pathway), {"session_date": "2026-06-01"})
    assert response.status_code == 302
    pathway.refresh_from_db()
    assert pathway.jury_session_date == datetime.date(2026, 6, 1)


def test_jury_date_before_the_contract_is_refused(client, db):
    pathway = walk_to(PathwayFactory(), PathwayPhase.DELIVERY)
    client.force_login(staff_of(pathway)["certifier"])
    html = text(client.post(url("jury_session", pathway), {"session_date": "2025-01-01"}))
    assert "La session de jury ne peut pas précéder le début du contrat (15/09/2025)." in html
    pathway.refresh_from_db()
    assert pathway.jury_session_date is None


def test_certifier_closes_the_pathway(client, db):
    pathway = walk_to(PathwayFactory(), PathwayPhase.EVALUATION)
    staff = staff_of(pathway)
    client.force_login(staff["certifier"])
    html = text(client.get(url("detail", pathway)))
    assert "Le résultat du jury n'est pas encore enregistré." in html
    record_jury(pathway, staff)
    html = text(client.get(url("detail", pathway)))
    assert "Clore le parcours</button>" in html
    assert client.post(url("transition", pathway), {"to": "completed"}).status_code == 302
    pathway.refresh_from_db()
    assert pathway.phase == PathwayPhase.COMPLETED
    html = text(client.get(url("detail", pathway)))
    assert "Parcours terminé le" in html and "Changements de phase (5)" in html

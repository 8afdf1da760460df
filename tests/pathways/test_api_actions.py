"""The pathway actions of the API: documents, opinions, decisions, jury date, transitions."""

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from pathways.models import Document, Pathway, PathwayTransition
from tests.accounts.factories import UserFactory
from tests.conftest import api_as
from tests.pathways.factories import (
    PDF_BYTES,
    PNG_BYTES,
    PROVIDER_SIRET,
    CandidateFactory,
    CertificationFactory,
    EmployerFactory,
    PathwayFactory,
    ProjectHolderFactory,
    add_contract,
    ensure_plan,
    pdf_upload,
    show_to_opco,
    staff_of,
    walk_to,
)

pytestmark = pytest.mark.django_db

FEASIBILITY_MISSING = "La pièce « Étude de faisabilité » doit être déposée."
DIAGNOSIS_MISSING = "La pièce « Diagnostic de compétences (positionnement) » doit être déposée."
NO_COMPANION = "Un accompagnateur doit être désigné pour le parcours."


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def url(pathway, suffix=""):
    return f"/api/v1/pathways/{pathway.pk}/{suffix}"


def upload(client, pathway, kind="feasibility_study", file=None):
    return client.post(
        url(pathway, "documents/"), {"kind": kind, "file": file or pdf_upload("etude.pdf")}, format="multipart"
    )


def move(client, pathway, to, comment=""):
    return client.post(url(pathway, "transition/"), {"to": to, "comment": comment}, format="json")


@pytest.fixture
def pathway():
    return PathwayFactory()


@pytest.fixture
def staff(pathway):
    return staff_of(pathway)


# ---- the whole pathway, through the API only ----------------------------------------------------------


def test_a_pathway_walks_through_every_phase_through_the_api(django_capture_on_commit_callbacks):
    holder = ProjectHolderFactory()
    certification = CertificationFactory(vae_target=True)
    companion = UserFactory(role="companion", first_name="Camille", last_name="Roux")
    holder_user = UserFactory(organisation=holder.organisation)
    holder_staff = api_as(holder_user)
    companion_api = api_as(companion)
    certifier_api = api_as(UserFactory(organisation=certification.certifiers.get().organisation))

    created = holder_staff.post(
        "/api/v1/pathways/",
        {
            "candidate": CandidateFactory(project_holder=holder).pk,
            "employer": EmployerFactory(project_holder=holder).pk,
            "certification": certification.pk,
            "target_blocks": list(certification.skill_blocks.values_list("pk", flat=True)),
            "companion": companion.pk,
            "contract": {
                "signed_on": "2025-09-01",
                "start_date": "2025-09-15",
                "end_date": "2026-09-14",
                "weekly_hours": "35.00",
                "monthly_gross_salary": "1900.00",
                "tutor_name": "Marie Tuteur",
                "tutor_is_employer": False,
            },
        },
        format="json",
    )
    assert created.status_code == 201, created.content
    pathway = Pathway.objects.get(pk=created.json()["id"])

    # Positioning: the two documents, then the project holder moves it on.
    for kind in ("feasibility_study", "skills_diagnosis"):
        assert upload(holder_staff, pathway, kind).status_code == 201
    assert len(holder_staff.get(url(pathway, "documents/")).json()) == 2
    response = move(holder_staff, pathway, "support", "Dossier complet.")
    assert response.status_code == 200, response.content
    assert response.json()["phase"] == "support"

    # Support: the holder's pedagogical plan (theory covering every target block), the companion's favourable
    # opinion, then the companion moves it on.
    blocks = list(pathway.target_blocks.values_list("pk", flat=True))
    for kind, cost, covered in (("training", "5000.00", blocks), ("vae_support", "2000.00", [])):
        planned = holder_staff.post(
            "/api/v1/plan-actions/",
            {
                "pathway": pathway.pk, "kind": kind, "title": "Enseignements", "provider_name": "Organisme",
                "provider_siret": PROVIDER_SIRET, "skill_blocks": covered, "planned_hours": "140.00",
                "start_date": "2025-09-15", "end_date": "2026-06-30", "cost": cost,
            },
            format="json",
        )  # fmt: skip
        assert planned.status_code == 201, planned.content
    response = companion_api.post(
        url(pathway, "support-opinion/"),
        {"job_match": True, "pedagogical_path": True, "comment": "Poste adapté."},
        format="json",
    )
    assert response.status_code == 200, response.content
    assert response.json()["available_transitions"][0]["possible"] is True
    assert move(companion_api, pathway, "admissibility").json()["phase"] == "admissibility"

    # Admissibility: the certifier's decision; the contract was recorded at creation.
    response = certifier_api.post(url(pathway, "admissibility/"), {"decision": "admissible"}, format="json")
    assert response.status_code == 200, response.content
    refused = move(holder_staff, pathway, "delivery")
    assert refused.status_code == 400
    assert refused.json()["unmet"] == ["Le dossier de financement n'est pas encore accordé par l'OPCO."]
    # The funding file of contract year 1, submitted by the project holder, approved by the OPCO.
    funding = holder_staff.post(
        "/api/v1/funding-files/",
        {"pathway": pathway.pk, "contract_year": 1, "requested_teaching": "5000.00", "requested_support": "2000.00"},
        format="json",
    )
    assert funding.status_code == 201, funding.content
    assert funding.json()["opco"] == "AKTO" and funding.json()["cap_total"] == "9000.00"
    funding_url = f"/api/v1/funding-files/{funding.json()['id']}/"
    assert holder_staff.post(funding_url + "submit/").json()["status"] == "submitted"
    opco_api = api_as(UserFactory(organisation=pathway.employer.opco))
    approved = opco_api.post(
        funding_url + "approve/",
        {"approved_teaching": "4500.00", "approved_design": "0.00", "approved_support": "2000.00"},
        format="json",
    )
    assert approved.status_code == 200, approved.content
    assert approved.json()["approved_total"] == "6500.00"
    assert move(holder_staff, pathway, "delivery").json()["phase"] == "delivery"

    # Delivery: the companion records progress, the certifier sets the jury date, the companion moves it on.
    for block in pathway.target_blocks.all():
        response = companion_api.post(
            "/api/v1/assessments/",
            {"pathway": pathway.pk, "skill_block": block.pk, "level": "acquired", "assessed_at": "2026-06-01"},
            format="json",
        )
        assert response.status_code == 201, response.content
    response = certifier_api.post(url(pathway, "jury-session/"), {"session_date": "2026-09-10"}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["jury_session_date"] == "2026-09-10"
    assert move(companion_api, pathway, "evaluation").json()["phase"] == "evaluation"

    # Evaluation: the certifier records the jury, then closes it; the others are told once it commits.
    response = certifier_api.post(
        "/api/v1/juries/",
        {"pathway": pathway.pk, "session_date": "2026-09-10", "outcome": "full",
         "block_results": [{"skill_block": b.pk, "validated": True} for b in pathway.target_blocks.all()]},
        format="json",
    )  # fmt: skip
    assert response.status_code == 201, response.content
    with django_capture_on_commit_callbacks(execute=True):
        response = move(certifier_api, pathway, "completed", "Jury du 10 septembre.")
    assert response.status_code == 200, response.content
    assert response.json()["phase"] == "completed"
    assert response.json()["available_transitions"] == []
    assert response.json()["can_abandon"] is False

    history = holder_staff.get(url(pathway, "transitions/")).json()
    assert [(row["from_phase"], row["to_phase"]) for row in history] == [
        ("positioning", "support"),
        ("support", "admissibility"),
        ("admissibility", "delivery"),
        ("delivery", "evaluation"),
        ("evaluation", "completed"),
    ]
    assert history[0]["comment"] == "Dossier complet."
    assert history[1]["by"] == {"id": companion.pk, "email": companion.email, "name": "Camille Roux"}
    assert history[4]["comment"] == "Jury du 10 septembre."
    assert all(row["at"] for row in history)
    pathway.refresh_from_db()
    assert pathway.phase == "completed"
    assert PathwayTransition.objects.filter(pathway=pathway).count() == 5
    # One e-mail per person concerned (the acting certifier excepted): the holder's staff, the companion.
    assert {message.subject for message in mail.outbox} == {
        f"[VAE inversée] {pathway.reference} : Évaluation et jury → Terminé"
    }
    assert sorted(message.to[0] for message in mail.outbox) == sorted([companion.email, holder_user.email])


# ---- transitions --------------------------------------------------------------------------------------


def test_a_refused_transition_lists_every_unmet_condition(staff):
    pathway = PathwayFactory(companion=None)
    client = api_as(staff_of(pathway)["project_holder"])

    response = move(client, pathway, "support")

    assert response.status_code == 400
    assert response.json() == {
        "detail": "Le parcours ne peut pas passer en « Accompagnement ».",
        "unmet": [FEASIBILITY_MISSING, DIAGNOSIS_MISSING, NO_COMPANION],
    }
    pathway.refresh_from_db()
    assert pathway.phase == "positioning"
    assert not pathway.transitions.exists()


def test_a_transition_outside_the_graph_is_refused(pathway, staff):
    response = move(api_as(staff["project_holder"]), pathway, "delivery")

    assert response.status_code == 400
    assert response.json() == {
        "detail": "Changement de phase impossible.",
        "unmet": ["Un parcours en phase « Information et positionnement » ne peut pas passer en « Mise en œuvre »."],
    }


@pytest.mark.parametrize(
    "body, errors",
    [
        ({"to": "finished"}, {"to": ["«\u00a0finished\u00a0» n'est pas un choix valide."]}),
        ({"to": "positioning"}, {"to": ["«\u00a0positioning\u00a0» n'est pas un choix valide."]}),
        ({"to": 3}, {"to": ["«\u00a03\u00a0» n'est pas un choix valide."]}),
        ({}, {"to": ["Ce champ est obligatoire."]}),
        ({"to": "support", "comment": ["liste"]}, {"comment": ["Chaîne de caractère invalide."]}),
    ],
)
def test_malformed_transition_requests_are_a_400(pathway, staff, body, errors):
    response = api_as(staff["project_holder"]).post(url(pathway, "transition/"), body, format="json")

    assert response.status_code == 400
    assert response.json() == errors


def test_a_transition_with_no_body_at_all_is_a_400(pathway, staff):
    response = api_as(staff["project_holder"]).post(url(pathway, "transition/"))

    assert response.status_code == 400
    assert response.json() == {"to": ["Ce champ est obligatoire."]}


def test_abandon_needs_a_reason(pathway, staff):
    client = api_as(staff["companion"])

    refused = move(client, pathway, "abandoned", "   ")
    done = move(client, pathway, "abandoned", "Le candidat a démissionné.")

    assert refused.status_code == 400
    assert refused.json()["unmet"] == ["Le motif de l'abandon est obligatoire."]
    assert done.status_code == 200
    assert done.json()["phase"] == "abandoned"
    assert done.json()["abandon_reason"] == "Le candidat a démissionné."
    history = client.get(url(pathway, "transitions/")).json()
    assert history == [
        {
            "from_phase": "positioning",
            "to_phase": "abandoned",
            "by": {
                "id": staff["companion"].pk,
                "email": staff["companion"].email,
                "name": staff["companion"].get_full_name(),
            },
            "at": history[0]["at"],
            "comment": "Le candidat a démissionné.",
        }
    ]


@pytest.mark.parametrize(
    "phase, role, to, detail",
    [
        ("positioning", "companion", "support", "Votre rôle ne permet pas l'action « Passer en accompagnement »."),
        ("support", "project_holder", "admissibility", "Votre rôle ne permet pas l'action « Passer en recevabilité »."),
        ("admissibility", "certifier", "delivery", "Votre rôle ne permet pas l'action « Passer en mise en œuvre »."),
        ("admissibility", "certifier", "abandoned", "Votre rôle ne permet pas l'action « Déclarer un abandon »."),
        ("positioning", "opco", "support", "Votre rôle ne permet pas de changer la phase d'un parcours."),
        ("admissibility", "ministry", "delivery", "Votre rôle ne permet pas de changer la phase d'un parcours."),
    ],
)
def test_a_role_that_may_not_move_gets_a_403(pathway, staff, phase, role, to, detail):
    if phase != "positioning":
        walk_to(pathway, phase, staff)
    show_to_opco(pathway, staff)

    response = move(api_as(staff[role]), pathway, to, "motif")

    assert response.status_code == 403
    assert response.json() == {"detail": detail}
    pathway.refresh_from_db()
    assert pathway.phase == phase


# ---- 404 outside one's scope, on every route --------------------------------------------------------------

ROUTES = [
    ("get", ""),
    ("patch", ""),
    ("get", "documents/"),
    ("post", "documents/"),
    ("get", "documents/{document}/file/"),
    ("post", "support-opinion/"),
    ("post", "admissibility/"),
    ("post", "jury-session/"),
    ("post", "transition/"),
    ("get", "transitions/"),
]


@pytest.mark.parametrize("method, suffix", ROUTES)
@pytest.mark.parametrize("outsider", ["other_project_holder", "other_companion", "certifier_before_admissibility"])
def test_every_route_is_a_404_outside_ones_scope(pathway, staff, method, suffix, outsider):
    document = Document.objects.create(
        pathway=pathway, kind="other", file=pdf_upload(), original_name="a.pdf", content_type="application/pdf",
        size=10, uploaded_by=staff["project_holder"],
    )  # fmt: skip
    user = {
        "other_project_holder": UserFactory(organisation=ProjectHolderFactory().organisation),
        "other_companion": UserFactory(role="companion"),
        "certifier_before_admissibility": staff["certifier"],
    }[outsider]

    response = getattr(api_as(user), method)(url(pathway, suffix.format(document=document.pk)), {}, format="json")

    assert response.status_code == 404
    assert response.json() == {"detail": "Ressource introuvable."}


@pytest.mark.parametrize("method, suffix", ROUTES)
def test_every_route_needs_credentials(pathway, method, suffix):
    response = getattr(APIClient(), method)(url(pathway, suffix.format(document=1)), {}, format="json")

    assert response.status_code == 401


# ---- documents ------------------------------------------------------------------------------------------


def test_upload_answers_the_document(pathway, staff):
    user = staff["project_holder"]

    response = upload(api_as(user), pathway, "feasibility_study", pdf_upload("Étude de faisabilité.pdf"))

    assert response.status_code == 201, response.content
    document = Document.objects.get()
    assert response.json() == {
        "id": document.pk,
        "kind": "feasibility_study",
        "original_name": "Étude de faisabilité.pdf",
        "content_type": "application/pdf",
        "size": len(PDF_BYTES),
        "uploaded_at": response.json()["uploaded_at"],
        "uploaded_by": {"id": user.pk, "email": user.email, "name": user.get_full_name()},
        "withdrawn_at": None,
    }
    # The original name never reaches the disk.
    assert "faisabilit" not in document.file.name


def test_a_png_is_recognised_by_its_content(pathway, staff):
    file = SimpleUploadedFile("scan.jpg", PNG_BYTES, content_type="image/jpeg")

    response = upload(api_as(staff["companion"]), pathway, "skills_diagnosis", file)

    assert response.status_code == 201, response.content
    assert response.json()["content_type"] == "image/png"


def test_a_pdf_that_is_really_text_is_refused(pathway, staff):
    file = SimpleUploadedFile("faux.pdf", b"Ceci n'est pas un PDF.", content_type="application/pdf")

    response = upload(api_as(staff["project_holder"]), pathway, file=file)

    assert response.status_code == 400
    assert response.json() == {"file": ["Format non accepté : déposez un PDF, un PNG ou un JPEG."]}
    assert not Document.objects.exists()


def test_a_file_over_10_mb_is_refused(pathway, staff):
    file = SimpleUploadedFile("gros.pdf", b"%PDF-1.4\n" + b"0" * (10 * 1024 * 1024), content_type="application/pdf")

    response = upload(api_as(staff["project_holder"]), pathway, file=file)

    assert response.status_code == 400
    assert response.json() == {"file": ["Le fichier dépasse 10 Mo (10.0 Mo)."]}
    assert not Document.objects.exists()


@pytest.mark.parametrize(
    "data, field",
    [
        ({"kind": "feasibility_study"}, "file"),
        ({"kind": "feasibility_study", "file": "du texte"}, "file"),
        ({"kind": "selfie", "file": "PDF"}, "kind"),
        ({"file": "PDF"}, "kind"),
    ],
)
def test_malformed_uploads_are_a_400(pathway, staff, data, field):
    if data.get("file") == "PDF":
        data["file"] = pdf_upload()

    response = api_as(staff["project_holder"]).post(url(pathway, "documents/"), data, format="multipart")

    assert response.status_code == 400
    assert field in response.json()
    assert not Document.objects.exists()


def test_an_empty_file_is_refused(pathway, staff):
    response = upload(api_as(staff["project_holder"]), pathway, file=SimpleUploadedFile("vide.pdf", b""))

    assert response.status_code == 400
    assert "file" in response.json()


def test_documents_are_sent_as_multipart_only(pathway, staff):
    response = api_as(staff["project_holder"]).post(
        url(pathway, "documents/"), {"kind": "other", "file": "JVBERi0="}, format="json"
    )

    assert response.status_code == 415


@pytest.mark.parametrize("role", ["opco", "ministry"])
def test_readers_may_not_upload(pathway, staff, role):
    show_to_opco(pathway, staff)
    response = upload(api_as(staff[role]), pathway)

    assert response.status_code == 403
    assert response.json() == {
        "detail": "Seuls le porteur de projet, l'accompagnateur et le candidat déposent des pièces."
    }


def test_no_upload_once_the_pathway_is_closed(pathway, staff):
    move(api_as(staff["project_holder"]), pathway, "abandoned", "Déménagement.")

    response = upload(api_as(staff["project_holder"]), pathway)

    assert response.status_code == 400
    assert response.json() == {"file": ["Le parcours est clos : aucune pièce ne peut plus être déposée."]}


def test_documents_are_listed_and_downloaded_by_whoever_sees_the_pathway(pathway, staff):
    upload(api_as(staff["project_holder"]), pathway, "feasibility_study", pdf_upload("étude.pdf"))
    document = Document.objects.get()
    show_to_opco(pathway, staff)

    listing = api_as(staff["opco"]).get(url(pathway, "documents/"))
    download = api_as(staff["opco"]).get(url(pathway, f"documents/{document.pk}/file/"))

    assert [item["original_name"] for item in listing.json()] == ["étude.pdf"]
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    assert download["Content-Disposition"].startswith("attachment;")
    assert "tude.pdf" in download["Content-Disposition"]
    assert b"".join(download.streaming_content) == PDF_BYTES
    download.close()


def test_a_document_of_another_pathway_is_a_404(pathway, staff):
    other = PathwayFactory(project_holder=pathway.project_holder)
    upload(api_as(staff["project_holder"]), other)
    document = Document.objects.get()

    response = api_as(staff["project_holder"]).get(url(pathway, f"documents/{document.pk}/file/"))

    assert response.status_code == 404


def test_a_file_missing_on_disk_is_a_404(pathway, staff, media):
    upload(api_as(staff["project_holder"]), pathway)
    document = Document.objects.get()
    (media / document.file.name).unlink()

    response = api_as(staff["project_holder"]).get(url(pathway, f"documents/{document.pk}/file/"))

    assert response.status_code == 404
    assert response.json() == {"detail": "Le fichier de cette pièce est introuvable sur le serveur."}


# ---- support opinion, admissibility, jury date ------------------------------------------------------------


def test_an_unfavourable_opinion_blocks_admissibility(pathway, staff):
    walk_to(pathway, "support", staff)
    ensure_plan(pathway, staff)
    client = api_as(staff["companion"])

    recorded = client.post(
        url(pathway, "support-opinion/"), {"job_match": True, "pedagogical_path": False}, format="json"
    )
    refused = move(client, pathway, "admissibility")

    assert recorded.status_code == 200
    assert refused.status_code == 400
    assert refused.json()["unmet"] == ["L'avis de l'accompagnateur n'est pas favorable sur le parcours pédagogique."]
    assert pathway.support_opinion.comment == ""


def test_support_opinion_in_the_wrong_phase_is_a_400(pathway, staff):
    response = api_as(staff["companion"]).post(
        url(pathway, "support-opinion/"), {"job_match": True, "pedagogical_path": True}, format="json"
    )

    assert response.status_code == 400
    assert response.json() == {
        "non_field_errors": [
            "L'avis d'accompagnement n'est possible qu'en phase : accompagnement "
            "(phase actuelle : information et positionnement)."
        ]
    }


@pytest.mark.parametrize(
    "body, field",
    [({"job_match": "peut-être", "pedagogical_path": True}, "job_match"), ({"job_match": True}, "pedagogical_path")],
)
def test_malformed_support_opinion_is_a_400(pathway, staff, body, field):
    walk_to(pathway, "support", staff)

    response = api_as(staff["companion"]).post(url(pathway, "support-opinion/"), body, format="json")

    assert response.status_code == 400
    assert list(response.json()) == [field]


@pytest.mark.parametrize(
    "route, role",
    [
        ("support-opinion/", "project_holder"),
        ("support-opinion/", "certifier"),
        ("admissibility/", "companion"),
        ("admissibility/", "project_holder"),
        ("jury-session/", "project_holder"),
        ("jury-session/", "opco"),
        ("admissibility/", "ministry"),
    ],
)
def test_decisions_belong_to_one_role(pathway, staff, route, role):
    walk_to(pathway, "admissibility", staff)
    show_to_opco(pathway, staff)

    response = api_as(staff[role]).post(url(pathway, route), {"decision": "admissible"}, format="json")

    assert response.status_code == 403
    assert response.json()["detail"].startswith("Seul")


def test_not_admissible_needs_a_comment(pathway, staff):
    walk_to(pathway, "admissibility", staff)
    client = api_as(staff["certifier"])

    refused = client.post(url(pathway, "admissibility/"), {"decision": "not_admissible"}, format="json")
    malformed = client.post(url(pathway, "admissibility/"), {"decision": "peut-être"}, format="json")
    recorded = client.post(
        url(pathway, "admissibility/"), {"decision": "not_admissible", "comment": "Blocs incohérents."}, format="json"
    )

    assert refused.status_code == 400
    assert refused.json() == {"comment": ["Motivez la décision de non-recevabilité."]}
    assert malformed.status_code == 400
    assert list(malformed.json()) == ["decision"]
    assert recorded.status_code == 200
    pathway.refresh_from_db()
    assert pathway.admissibility.decision == "not_admissible"
    assert (
        "Le certificateur a déclaré le dossier non recevable." in recorded.json()["available_transitions"][0]["unmet"]
    )


@pytest.mark.parametrize("value", ["demain", "2026-02-30", "", None, 20260901])
def test_a_garbage_jury_date_is_a_400(pathway, staff, value):
    walk_to(pathway, "admissibility", staff)

    response = api_as(staff["certifier"]).post(url(pathway, "jury-session/"), {"session_date": value}, format="json")

    assert response.status_code == 400
    assert list(response.json()) == ["session_date"]


def test_the_jury_cannot_precede_the_contract(pathway, staff):
    add_contract(pathway)
    walk_to(pathway, "admissibility", staff)

    response = api_as(staff["certifier"]).post(
        url(pathway, "jury-session/"), {"session_date": "2025-09-01"}, format="json"
    )

    assert response.status_code == 400
    assert response.json() == {
        "session_date": ["La session de jury ne peut pas précéder le début du contrat (15/09/2025)."]
    }
    pathway.refresh_from_db()
    assert pathway.jury_session_date is None


def test_transitions_history_is_in_time_order_with_who_and_why(pathway, staff):
    walk_to(pathway, "admissibility", staff)

    history = api_as(staff["ministry"]).get(url(pathway, "transitions/")).json()

    assert [(row["from_phase"], row["to_phase"], row["by"]["id"]) for row in history] == [
        ("positioning", "support", staff["project_holder"].pk),
        ("support", "admissibility", staff["companion"].pk),
    ]

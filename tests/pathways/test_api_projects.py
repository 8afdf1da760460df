"""The projects resource of the API (product.md section 16), walked as a REST client would, to the letter."""

import datetime

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from pathways.models import Pathway, Project
from tests.accounts.factories import UserFactory, luhn_siret
from tests.conftest import api_as
from tests.pathways.factories import (
    PDF_BYTES,
    CandidateFactory,
    CertificationFactory,
    EmployerFactory,
    ProjectHolderFactory,
    pdf_upload,
)
from vae_inversee.notifications.models import Notification

pytestmark = pytest.mark.django_db

PROJECTS = "/api/v1/projects/"


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def holder():
    # A laureate without any project yet: its ceiling is what the Ministry grants below.
    return ProjectHolderFactory(pathway_ceiling=0)


@pytest.fixture
def holder_user(holder):
    return UserFactory(organisation=holder.organisation)


@pytest.fixture
def ministry():
    return UserFactory(role="ministry")


def draft_payload(certification, employer_siret, **overrides):
    payload = {
        "title": "VAE inversée dans l'aide à domicile en Hauts-de-France",
        "summary": "Des parcours d'aide à domicile avec trois employeurs du territoire.",
        "regions": ["32"],
        "sectors": "Aide à domicile",
        "certifications": [certification.pk],
        "partners": [
            {"name": "Association Aide 59", "siret": employer_siret, "role": "employer"},
            {"name": "Compagnons VAE", "siret": luhn_siret(901), "role": "companion"},
        ],
        "requested_pathways": 5,
    }
    payload.update(overrides)
    return payload


def open_pathway(client, holder, certification, **extra):
    payload = {
        "candidate": CandidateFactory(project_holder=holder).pk,
        "employer": EmployerFactory(project_holder=holder).pk,
        "certification": certification.pk,
        "target_blocks": [],
        **extra,
    }
    return client.post("/api/v1/pathways/", payload, format="json")


def test_the_whole_application_walk_of_section_16(
    media, holder, holder_user, ministry, django_capture_on_commit_callbacks
):
    certification = CertificationFactory(vae_target=True)
    # A known employer of the partner's SIRET: its IDCC (1516) gives its OPCO (AKTO), told of the acceptance.
    partner_employer = EmployerFactory(siret=luhn_siret(900))
    opco_staff = UserFactory(organisation=partner_employer.opco)
    as_holder, as_ministry = api_as(holder_user), api_as(ministry)

    # Draft.
    response = as_holder.post(PROJECTS, draft_payload(certification, partner_employer.siret), format="json")
    assert response.status_code == 201, response.content
    project = response.json()
    assert project["status"] == "draft"
    assert project["reference"] == f"PRJ-{timezone.localdate():%Y}-{project['id']:04d}"
    assert project["project_holder"] == holder.pk
    assert project["granted_pathways"] is None and project["decision_deadline"] is None
    assert project["pathways_opened"] == 0
    assert [p["role"] for p in project["partners"]] == ["employer", "companion"]
    url = f"{PROJECTS}{project['id']}/"
    # The Ministry does not see a draft.
    assert as_ministry.get(url).status_code == 404

    # Submit without the fiche projet: every unmet condition, in French.
    response = as_holder.post(f"{url}submit/")
    assert response.status_code == 400
    assert response.json() == {
        "detail": "Action « Déposer le projet » impossible.",
        "unmet": ["La fiche projet signée doit être déposée."],
    }
    response = as_holder.post(
        f"{url}documents/", {"kind": "project_sheet", "file": pdf_upload("fiche.pdf")}, format="multipart"
    )
    assert response.status_code == 201, response.content
    assert response.json()["kind"] == "project_sheet"
    response = as_holder.post(f"{url}submit/")
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "submitted" and response.json()["submitted_at"]

    # The Ministry asks for complements; the holder completes and submits again.
    assert as_holder.post(f"{url}request-complements/", {"reason": "x"}, format="json").status_code == 403
    response = as_ministry.post(f"{url}request-complements/", {"reason": ""}, format="json")
    assert response.status_code == 400 and response.json() == {"reason": ["Le motif est obligatoire."]}
    response = as_ministry.post(
        f"{url}request-complements/", {"reason": "Joignez les lettres d'engagement des employeurs."}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["status"] == "complements_requested"
    assert response.json()["decision_reason"] == "Joignez les lettres d'engagement des employeurs."
    response = as_holder.post(
        f"{url}documents/", {"kind": "other", "file": pdf_upload("lettres.pdf")}, format="multipart"
    )
    assert response.status_code == 201
    assert as_holder.patch(url, {"requested_pathways": 4}, format="json").json()["requested_pathways"] == 4
    assert as_holder.post(f"{url}submit/").json()["status"] == "submitted"

    # Complete: the two-month clock starts.
    with time_machine.travel(datetime.datetime(2026, 3, 10, 9, 0, tzinfo=datetime.UTC), tick=False):
        response = as_ministry.post(f"{url}mark-complete/", {}, format="json")
    assert response.status_code == 200
    assert response.json()["status"] == "complete"
    assert response.json()["decision_deadline"] == "2026-05-10"
    # The holder may no longer edit it.
    assert as_holder.patch(url, {"title": "Autre"}, format="json").status_code == 409

    # Accept with fewer pathways than requested; more than requested is refused.
    with time_machine.travel(datetime.datetime(2026, 4, 2, 9, 0, tzinfo=datetime.UTC), tick=False):
        response = as_ministry.post(f"{url}accept/", {"granted_pathways": 9, "comment": ""}, format="json")
        assert response.status_code == 400
        assert response.json() == {
            "granted_pathways": ["Le nombre de parcours accordés est compris entre 1 et le nombre demandé (4)."]
        }
        with django_capture_on_commit_callbacks(execute=True):
            response = as_ministry.post(
                f"{url}accept/", {"granted_pathways": 2, "comment": "Deux parcours pour commencer."}, format="json"
            )
    assert response.status_code == 200, response.content
    accepted = response.json()
    assert accepted["status"] == "accepted" and accepted["granted_pathways"] == 2
    assert accepted["decided_at"].startswith("2026-04-02")
    assert as_ministry.post(f"{url}reject/", {"reason": "Trop tard"}, format="json").status_code == 409

    # Told: the holder and the OPCO of the partner employer.
    subjects = set(Notification.objects.filter(recipient=holder_user).values_list("subject", flat=True))
    assert f"{accepted['reference']} : projet accepté" in subjects
    assert Notification.objects.filter(recipient=opco_staff, subject__endswith="projet accepté").exists()
    assert any(opco_staff.email in message.to for message in mail.outbox)

    # Exactly two pathways open (the project may be omitted: the only one with room); the third is refused.
    as_holder = api_as(holder_user)
    assert open_pathway(as_holder, holder, certification).status_code == 201
    second = open_pathway(as_holder, holder, certification, project=accepted["id"])
    assert second.status_code == 201 and second.json()["project"] == accepted["id"]
    third = open_pathway(as_holder, holder, certification)
    assert third.status_code == 400
    assert third.json() == {
        "project": [
            f"Le plafond du projet {accepted['reference']} est atteint : 2 parcours ouverts sur 2 accordés "
            "(abandons compris)."
        ]
    }
    assert as_holder.get(url).json()["pathways_opened"] == 2
    assert as_holder.get("/api/v1/project-holders/").json()["results"][0]["pathway_ceiling"] == 2

    # The log, as a timeline.
    moves = [(log["from_status"], log["to_status"]) for log in as_holder.get(f"{url}transitions/").json()]
    assert moves == [
        ("draft", "submitted"),
        ("submitted", "complements_requested"),
        ("complements_requested", "submitted"),
        ("submitted", "complete"),
        ("complete", "accepted"),
    ]


def test_a_second_project_is_deemed_rejected_after_its_deadline(media, holder, holder_user, ministry):
    from pathways.tasks import project_deadlines_daily

    certification = CertificationFactory(vae_target=True)
    as_holder, as_ministry = api_as(holder_user), api_as(ministry)
    project = as_holder.post(PROJECTS, draft_payload(certification, luhn_siret(902)), format="json").json()
    url = f"{PROJECTS}{project['id']}/"
    as_holder.post(f"{url}documents/", {"kind": "project_sheet", "file": pdf_upload()}, format="multipart")
    assert as_holder.post(f"{url}submit/").status_code == 200
    with time_machine.travel(datetime.datetime(2026, 1, 31, 9, 0, tzinfo=datetime.UTC), tick=False):
        assert as_ministry.post(f"{url}mark-complete/", {}, format="json").status_code == 200
    assert as_ministry.get(url).json()["decision_deadline"] == "2026-03-31"

    # On the deadline itself nothing happens; the day after, silence is a refusal.
    assert project_deadlines_daily.apply(kwargs={"today": "2026-03-31"}).get()["deemed_rejected"] == 0
    assert project_deadlines_daily.apply(kwargs={"today": "2026-04-01"}).get()["deemed_rejected"] == 1
    deemed = as_holder.get(url).json()
    assert deemed["status"] == "deemed_rejected"
    assert deemed["granted_pathways"] is None
    assert "le silence gardé par l'administration vaut refus" in deemed["decision_reason"]
    assert Notification.objects.filter(
        recipient=holder_user, subject=f"{deemed['reference']} : projet refusé implicitement (silence de deux mois)"
    ).exists()
    # No decision is possible afterwards.
    with time_machine.travel(datetime.datetime(2026, 4, 2, 9, 0, tzinfo=datetime.UTC), tick=False):
        response = as_ministry.post(f"{url}accept/", {"granted_pathways": 1}, format="json")
    assert response.status_code == 409
    assert response.json() == {
        "detail": "Le délai de décision a expiré le 31/03/2026 : le silence gardé vaut refus, aucune décision "
        "n'est plus possible sur ce projet."
    }
    # Run again: nothing more.
    assert project_deadlines_daily.apply(kwargs={"today": "2026-04-02"}).get()["deemed_rejected"] == 0
    assert as_holder.get(f"{url}transitions/").json()[-1]["by"] is None
    # No pathway opens without an accepted project.
    response = open_pathway(as_holder, holder, certification)
    assert response.status_code == 400
    assert response.json() == {
        "project": ["Votre structure n'a aucun projet accepté : aucun parcours ne peut être ouvert."]
    }
    assert not Pathway.objects.exists()


def test_a_decision_after_the_deadline_is_refused_even_before_the_task_runs(media, holder, holder_user, ministry):
    project = Project.objects.create(
        project_holder=holder, title="Projet", regions=["53"], requested_pathways=3, status="complete",
        complete_at=datetime.datetime(2026, 1, 5, 9, 0, tzinfo=datetime.UTC), reference="PRJ-2026-9001",
    )  # fmt: skip
    with time_machine.travel(datetime.datetime(2026, 3, 6, 9, 0, tzinfo=datetime.UTC), tick=False):
        response = api_as(ministry).post(f"{PROJECTS}{project.pk}/accept/", {"granted_pathways": 1}, format="json")
    assert response.status_code == 400
    assert response.json()["unmet"] == [
        "Le délai de décision a expiré le 05/03/2026 : le silence gardé vaut refus et aucune décision n'est plus "
        "possible."
    ]


def test_bad_input_is_a_french_field_map(holder_user):
    certification = CertificationFactory(vae_target=True)
    payload = draft_payload(
        certification,
        "12345678901234",
        regions=["99", "32"],
        requested_pathways=0,
        partners=[{"name": "", "siret": "12345678901234", "role": "employer"}],
    )
    response = api_as(holder_user).post(PROJECTS, payload, format="json")
    assert response.status_code == 400
    errors = response.json()
    assert set(errors) == {"regions", "requested_pathways", "partners"}
    assert "99" in str(errors["regions"])


def test_scope_roles_and_documents(media, holder, holder_user, ministry):
    other = UserFactory(role="project_holder")
    certification = CertificationFactory(vae_target=True)
    project = api_as(holder_user).post(PROJECTS, draft_payload(certification, luhn_siret(903)), format="json").json()
    url = f"{PROJECTS}{project['id']}/"
    assert api_as(other).get(url).status_code == 404
    for role in ("companion", "opco", "certifier"):
        user = UserFactory(role=role)
        assert api_as(user).get(PROJECTS).json()["count"] == 0
        assert api_as(user).post(PROJECTS, {}, format="json").status_code == 403
    assert api_as(ministry).post(PROJECTS, {}, format="json").status_code == 403
    fake = api_as(holder_user).post(
        f"{url}documents/",
        {"kind": "project_sheet", "file": pdf_upload("faux.pdf", content=b"%PDF-1.4 pas un pdf")},
        format="multipart",
    )
    assert fake.status_code == 400 and "file" in fake.json()
    assert len(PDF_BYTES) > 0

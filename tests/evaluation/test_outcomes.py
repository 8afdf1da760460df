"""Outcomes (product.md sections 8 and 16): the person's situation once the pathway has ended, at exit and
six months later — the service, the database's own check, the six-month reminder on a frozen date, the API
to the letter and the pathway page."""

import datetime

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from evaluation import services
from evaluation.models import PathwayOutcome
from evaluation.reminders import collect
from evaluation.tasks import send_daily_reminders
from pathways import services as pathway_services
from tests.accounts.factories import UserFactory
from tests.conftest import api_as
from tests.pathways.factories import PathwayFactory, staff_of
from vae_inversee.notifications.models import Notification

# The pathway is abandoned on this day; its six-month situation falls due on 2026-09-10.
ENDED = timezone.make_aware(datetime.datetime(2026, 3, 10, 10, 0))
DUE = datetime.date(2026, 9, 10)


def frozen(day):
    """Noon on `day` (a date), time frozen."""
    return time_machine.travel(timezone.make_aware(datetime.datetime.combine(day, datetime.time(12, 0))), tick=False)


@pytest.fixture
def ended(db):
    """An abandoned pathway (ended on ENDED), its staff."""
    with time_machine.travel(ENDED, tick=False):
        pathway = PathwayFactory()
        staff = staff_of(pathway)
        pathway = pathway_services.pathway_transition(
            acting_user=staff["project_holder"], pathway=pathway, to="abandoned", comment="Rupture du contrat"
        )
    return pathway, staff


def record(pathway, user, **data):
    return services.outcome_record(acting_user=user, pathway=pathway, **data)


# ---- the service -----------------------------------------------------------------------------------


def test_the_project_holder_records_the_situation_at_exit(ended):
    pathway, staff = ended
    outcome = record(pathway, staff["project_holder"], at="exit", situation="other_employer", contract_type="cdd")
    assert (outcome.at, outcome.situation, outcome.contract_type) == ("exit", "other_employer", "cdd")
    assert outcome.recorded_by == staff["project_holder"] and outcome.recorded_at is not None
    assert outcome.employed


@pytest.mark.parametrize(
    "situation, contract_type, message",
    [
        ("same_employer", "", "Indiquez le type de contrat de la personne en emploi : cdi, cdd, interim ou other."),
        (
            "other_employer",
            "stage",
            "Indiquez le type de contrat de la personne en emploi : cdi, cdd, interim ou other.",
        ),
        ("job_seeker", "cdi", "Le type de contrat ne s'indique que pour une personne en emploi."),
        ("unknown", "other", "Le type de contrat ne s'indique que pour une personne en emploi."),
    ],
)
def test_the_contract_type_is_required_when_employed_and_forbidden_otherwise(ended, situation, contract_type, message):
    pathway, staff = ended
    with pytest.raises(ValidationError) as error:
        record(pathway, staff["project_holder"], at="exit", situation=situation, contract_type=contract_type)
    assert error.value.message_dict == {"contract_type": [message]}
    assert not PathwayOutcome.objects.exists()


def test_unknown_values_are_refused_all_at_once(ended):
    pathway, staff = ended
    with pytest.raises(ValidationError) as error:
        record(pathway, staff["project_holder"], at="later", situation="retired")
    assert set(error.value.message_dict) == {"at", "situation"}


def test_one_record_per_moment(ended):
    pathway, staff = ended
    record(pathway, staff["project_holder"], at="exit", situation="job_seeker")
    with pytest.raises(ValidationError) as error:
        record(pathway, staff["project_holder"], at="exit", situation="training")
    assert error.value.message_dict == {"at": ["La situation « à la sortie » est déjà enregistrée pour ce parcours."]}


def test_the_six_month_situation_waits_for_six_months_after_the_end(ended):
    pathway, staff = ended
    with frozen(DUE - datetime.timedelta(days=1)), pytest.raises(ValidationError) as error:
        record(pathway, staff["project_holder"], at="six_months", situation="same_employer", contract_type="cdi")
    assert error.value.message_dict == {
        "at": [
            "La situation à six mois s'enregistre à partir du 10/09/2026 (six mois après la fin du parcours, "
            "le 10/03/2026)."
        ]
    }
    with frozen(DUE):
        outcome = record(
            pathway, staff["project_holder"], at="six_months", situation="same_employer", contract_type="cdi"
        )
    assert outcome.at == "six_months"


def test_only_the_project_holder_and_only_once_the_pathway_has_ended(ended):
    pathway, staff = ended
    for role in ("companion", "opco", "certifier", "ministry"):
        with pytest.raises(PermissionDenied):
            record(pathway, staff[role], at="exit", situation="job_seeker")
    running = PathwayFactory(project_holder=pathway.project_holder)
    with pytest.raises(ValidationError) as error:
        record(running, staff["project_holder"], at="exit", situation="job_seeker")
    assert error.value.message_dict == {
        "at": ["La situation de la personne s'enregistre une fois le parcours terminé ou abandonné."]
    }
    # Another project holder's pathway: out of scope.
    with pytest.raises(PermissionDenied):
        record(pathway, UserFactory(role="project_holder"), at="exit", situation="job_seeker")


@pytest.mark.parametrize(
    "situation, contract_type",
    [("same_employer", ""), ("other_employer", ""), ("job_seeker", "cdi"), ("training", "cdd"), ("other", "x")],
)
def test_the_database_refuses_an_incoherent_contract_type(ended, situation, contract_type):
    pathway, staff = ended
    with pytest.raises(IntegrityError), transaction.atomic():
        PathwayOutcome.objects.create(
            pathway=pathway,
            at="exit",
            situation=situation,
            contract_type=contract_type,
            recorded_by=staff["project_holder"],
        )


def test_the_database_keeps_one_record_per_moment(ended):
    pathway, staff = ended
    PathwayOutcome.objects.create(pathway=pathway, at="exit", situation="unknown", recorded_by=staff["project_holder"])
    with pytest.raises(IntegrityError), transaction.atomic():
        PathwayOutcome.objects.create(
            pathway=pathway, at="exit", situation="other", recorded_by=staff["project_holder"]
        )


def test_full_clean_gives_the_constraint_message_in_french(ended):
    pathway, staff = ended
    outcome = PathwayOutcome(pathway=pathway, at="exit", situation="job_seeker", contract_type="cdi",
                             recorded_by=staff["project_holder"])  # fmt: skip
    with pytest.raises(ValidationError) as error:
        outcome.full_clean()
    assert (
        "Le type de contrat est obligatoire pour une personne en emploi, et sans objet sinon." in error.value.messages
    )


# ---- the six-month reminder, on a frozen date ---------------------------------------------------------

LINE = "Six mois après la fin du parcours {reference} ({candidate}), indiquez la situation de la personne"


def reminder_lines(day, user):
    with frozen(day):
        return [line for line in collect(day).get(user.pk, []) if line.startswith("Six mois après")]


def test_the_reminder_asks_the_project_holder_on_the_day_then_weekly(ended):
    pathway, staff = ended
    expected = LINE.format(reference=pathway.reference, candidate=pathway.candidate)
    assert reminder_lines(DUE - datetime.timedelta(days=1), staff["project_holder"]) == []
    assert [line[: len(expected)] for line in reminder_lines(DUE, staff["project_holder"])] == [expected]
    assert reminder_lines(DUE + datetime.timedelta(days=3), staff["project_holder"]) == []
    assert len(reminder_lines(DUE + datetime.timedelta(days=7), staff["project_holder"])) == 1
    assert len(reminder_lines(DUE + datetime.timedelta(weeks=8), staff["project_holder"])) == 1
    assert reminder_lines(DUE + datetime.timedelta(weeks=9), staff["project_holder"]) == []
    # Only the project holder's staff are asked (not the companion, the OPCO...).
    for role in ("companion", "opco", "certifier", "ministry"):
        assert reminder_lines(DUE, staff[role]) == []


def test_no_reminder_once_the_six_month_situation_is_recorded(ended):
    pathway, staff = ended
    with frozen(DUE):
        record(pathway, staff["project_holder"], at="six_months", situation="training")
    assert reminder_lines(DUE + datetime.timedelta(days=7), staff["project_holder"]) == []


def test_the_daily_task_sends_the_reminder_in_the_digest(ended, mailoutbox, django_capture_on_commit_callbacks):
    pathway, staff = ended
    with frozen(DUE), django_capture_on_commit_callbacks(execute=True):
        send_daily_reminders.apply()
    digest = Notification.objects.get(recipient=staff["project_holder"], category="reminder")
    assert pathway.reference in digest.body and "Six mois après la fin du parcours" in digest.body


# ---- the API, to the letter of section 16 ------------------------------------------------------------


def outcomes_url(pathway):
    return f"/api/v1/pathways/{pathway.pk}/outcomes/"


def test_api_post_then_get_the_outcomes(ended):
    pathway, staff = ended
    api = api_as(staff["project_holder"])
    response = api.post(
        outcomes_url(pathway), {"at": "exit", "situation": "same_employer", "contract_type": "cdi"}, format="json"
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert {key: body[key] for key in ("pathway", "at", "situation", "contract_type", "recorded_by")} == {
        "pathway": pathway.pk,
        "at": "exit",
        "situation": "same_employer",
        "contract_type": "cdi",
        "recorded_by": staff["project_holder"].pk,
    }
    with frozen(DUE):
        response = api.post(outcomes_url(pathway), {"at": "six_months", "situation": "job_seeker"}, format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["contract_type"] == ""
    for role in ("project_holder", "companion", "opco", "ministry"):
        listed = api_as(staff[role]).get(outcomes_url(pathway))
        if role == "opco":
            assert listed.status_code == 404  # no funding file sent to the OPCO: not in its scope
            continue
        assert listed.status_code == 200
        assert [(row["at"], row["situation"]) for row in listed.json()] == [
            ("exit", "same_employer"),
            ("six_months", "job_seeker"),
        ]


def test_api_errors_are_french_field_maps(ended):
    pathway, staff = ended
    api = api_as(staff["project_holder"])
    response = api.post(outcomes_url(pathway), {"at": "exit", "situation": "other_employer"}, format="json")
    assert response.status_code == 400
    assert response.json() == {
        "contract_type": ["Indiquez le type de contrat de la personne en emploi : cdi, cdd, interim ou other."]
    }
    response = api.post(outcomes_url(pathway), {"at": "plus_tard", "situation": "retraite"}, format="json")
    assert response.status_code == 400 and set(response.json()) == {"at", "situation"}
    api.post(outcomes_url(pathway), {"at": "exit", "situation": "unknown"}, format="json")
    response = api.post(outcomes_url(pathway), {"at": "exit", "situation": "training"}, format="json")
    assert response.status_code == 400
    assert response.json() == {"at": ["La situation « à la sortie » est déjà enregistrée pour ce parcours."]}
    with frozen(DUE - datetime.timedelta(days=1)):
        response = api.post(outcomes_url(pathway), {"at": "six_months", "situation": "training"}, format="json")
    assert response.status_code == 400 and "six mois après la fin du parcours" in response.json()["at"][0]


def test_api_roles_and_scope(ended):
    pathway, staff = ended
    response = api_as(staff["companion"]).post(
        outcomes_url(pathway), {"at": "exit", "situation": "unknown"}, format="json"
    )
    assert response.status_code == 403
    assert response.json()["detail"] == (
        "Seul le porteur de projet enregistre la situation de la personne à l'issue du parcours."
    )
    stranger = UserFactory(role="project_holder")
    assert (
        api_as(stranger).post(outcomes_url(pathway), {"at": "exit", "situation": "unknown"}, format="json").status_code
        == 404
    )
    assert api_as(stranger).get(outcomes_url(pathway)).status_code == 404
    assert api_as(staff["project_holder"]).get("/api/v1/pathways/999999999/outcomes/").status_code == 404


# ---- the pathway page ----------------------------------------------------------------------------------


def test_the_pathway_page_offers_the_form_to_the_holder_and_shows_the_outcomes(client, ended):
    pathway, staff = ended
    page = reverse("pathways:detail", args=[pathway.pk])
    client.force_login(staff["project_holder"])
    html = client.get(page).content.decode()
    assert 'id="formulaire-situation"' in html and "Situation de la personne à l'issue du parcours" in html
    response = client.post(
        reverse("evaluation:outcome_record", args=[pathway.pk]),
        {"situation-at": "exit", "situation-situation": "other_employer", "situation-contract_type": "interim"},
    )
    assert response.status_code == 302 and response["Location"].endswith("#situation")
    outcome = PathwayOutcome.objects.get(pathway=pathway)
    assert (outcome.situation, outcome.contract_type) == ("other_employer", "interim")
    # Exit recorded, six months not yet due: no form left; the table shows the record to whoever sees the pathway.
    with frozen(DUE - datetime.timedelta(days=1)):
        html = client.get(page).content.decode()
    assert 'id="formulaire-situation"' not in html
    client.force_login(staff["ministry"])
    html = client.get(page).content.decode()
    assert "En emploi chez un autre employeur" in html and "Intérim" in html
    assert 'id="formulaire-situation"' not in html


def test_the_portal_form_shows_the_errors(client, ended):
    pathway, staff = ended
    client.force_login(staff["project_holder"])
    response = client.post(
        reverse("evaluation:outcome_record", args=[pathway.pk]),
        {"situation-at": "exit", "situation-situation": "job_seeker", "situation-contract_type": "cdi"},
    )
    assert response.status_code == 400
    assert "Le type de contrat ne s&#x27;indique que pour une personne en emploi." in response.content.decode()
    assert not PathwayOutcome.objects.exists()

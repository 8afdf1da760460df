"""`POST jury-sessions/` and `POST jury-sessions/results/`: the session page's two steps through the API."""

import pytest

from evaluation.models import Jury
from pathways.models import Pathway
from tests.conftest import api_as
from tests.evaluation.test_jury_sessions import SESSION, session_of_three


@pytest.fixture
def session(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return session_of_three()


def result(pathway, outcome="full", acquired=None):
    blocks = list(pathway.target_blocks.order_by("code"))
    acquired = len(blocks) if acquired is None else acquired
    return {
        "pathway": pathway.pk,
        "outcome": outcome,
        "block_results": [{"skill_block": b.pk, "validated": i < acquired} for i, b in enumerate(blocks)],
        "comment": "Jury du matin",
    }


def test_a_session_of_three_through_the_api(session):
    evaluated, delivery, staff = session
    certification = evaluated[0].certification
    api = api_as(staff["certifier"])
    everyone = sorted(p.pk for p in [*evaluated, delivery])
    response = api.post(
        "/api/v1/jury-sessions/",
        {"certification": certification.pk, "session_date": SESSION.isoformat(), "pathways": everyone},
        format="json",
    )
    assert response.status_code == 200, response.content
    assert response.json() == {"certification": certification.pk, "session_date": "2026-10-01", "pathways": everyone}
    assert Pathway.objects.filter(jury_session_date=SESSION).count() == 3

    url = "/api/v1/jury-sessions/results/"
    body = {"certification": certification.pk, "session_date": "2026-10-01"}
    blocks = list(evaluated[1].target_blocks.order_by("code"))
    response = api.post(
        url,
        {**body, "results": [result(evaluated[0]), result(evaluated[1], acquired=2), result(delivery)]},
        format="json",
    )
    assert response.status_code == 400
    assert response.json() == {
        str(evaluated[1].pk): {
            "outcome": ["Validation totale : tous les blocs visés doivent être validés."],
            "block_results": {
                str(blocks[2].pk): [
                    "Validation totale : ce bloc doit être acquis (ou choisissez la validation partielle)."
                ]
            },
        },
        str(delivery.pk): {"non_field_errors": ["Le résultat du jury s'enregistre en phase d'évaluation."]},
    }
    assert not Jury.objects.exists()

    response = api.post(
        url, {**body, "results": [result(evaluated[0]), result(evaluated[1], "partial", 2)]}, format="json"
    )
    assert response.status_code == 201, response.content
    juries = response.json()["juries"]
    assert [(jury["pathway"], jury["outcome"], jury["blocks_validated"]) for jury in juries] == [
        (evaluated[0].pk, "full", 3),
        (evaluated[1].pk, "partial", 2),
    ]


def test_refusals_of_the_session_api(session):
    evaluated, delivery, staff = session
    certification = evaluated[0].certification
    body = {"certification": certification.pk, "session_date": "2026-10-01", "pathways": [evaluated[0].pk]}
    assert api_as(staff["companion"]).post("/api/v1/jury-sessions/", body, format="json").status_code == 403
    assert api_as(staff["certifier"]).get("/api/v1/jury-sessions/").status_code == 405
    stranger = session_of_three()[2]
    response = api_as(stranger["certifier"]).post("/api/v1/jury-sessions/", body, format="json")
    assert response.status_code == 400
    assert response.json() == {
        str(evaluated[0].pk): {"non_field_errors": ["Parcours introuvable, ou hors de votre périmètre."]}
    }
    response = api_as(staff["certifier"]).post(
        "/api/v1/jury-sessions/results/",
        {"certification": certification.pk, "session_date": "2026-10-01", "results": []},
        format="json",
    )
    assert response.status_code == 400 and "results" in response.json()

import csv
import io

import openpyxl
import pytest
from rest_framework.test import APIClient

from tests.accounts.factories import UserFactory
from tests.conftest import api_as
from tests.pathways.factories import PathwayFactory, staff_of, walk_to


@pytest.fixture
def in_evaluation(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    pathway = PathwayFactory()
    staff = staff_of(pathway)
    return walk_to(pathway, "evaluation", staff), staff


def test_the_companion_records_progress(db):
    pathway = PathwayFactory()
    staff = staff_of(pathway)
    block = pathway.target_blocks.first()
    response = api_as(staff["companion"]).post(
        "/api/v1/assessments/",
        {
            "pathway": pathway.pk,
            "skill_block": block.pk,
            "level": "in_progress",
            "comment": "Diagnostic",
            "assessed_at": "2025-06-02",
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    assert {k: response.json()[k] for k in ("skill_block", "level", "phase", "recorded_by")} == {
        "skill_block": block.pk, "level": "in_progress", "phase": "positioning", "recorded_by": staff["companion"].pk,
    }  # fmt: skip
    listed = api_as(staff["project_holder"]).get("/api/v1/assessments/", {"pathway": pathway.pk}).json()
    assert listed["count"] == 1
    assert api_as(UserFactory(role="companion")).get("/api/v1/assessments/").json()["count"] == 0


@pytest.mark.parametrize(
    ("payload", "field"),
    [({"level": "expert"}, "level"), ({"assessed_at": "hier"}, "assessed_at"), ({"pathway": 99999}, "pathway")],
)
def test_bad_progress_input_is_a_400(db, payload, field):
    pathway = PathwayFactory()
    staff = staff_of(pathway)
    body = {
        "pathway": pathway.pk,
        "skill_block": pathway.target_blocks.first().pk,
        "level": "acquired",
        "assessed_at": "2025-06-02",
    }
    response = api_as(staff["companion"]).post("/api/v1/assessments/", body | payload, format="json")
    assert response.status_code == 400 and field in response.json()


def test_the_certifier_records_a_partial_jury(in_evaluation):
    pathway, staff = in_evaluation
    blocks = list(pathway.target_blocks.order_by("code"))
    payload = {
        "pathway": pathway.pk,
        "session_date": str(pathway.jury_session_date),
        "outcome": "partial",
        "block_results": [{"skill_block": b.pk, "validated": i == 0} for i, b in enumerate(blocks)],
    }
    assert api_as(staff["companion"]).post("/api/v1/juries/", payload, format="json").status_code == 403
    incoherent = api_as(staff["certifier"]).post("/api/v1/juries/", payload | {"outcome": "full"}, format="json")
    assert incoherent.status_code == 400
    assert incoherent.json() == {"outcome": ["Validation totale : tous les blocs visés doivent être validés."]}
    response = api_as(staff["certifier"]).post("/api/v1/juries/", payload, format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["outcome"], body["blocks_targeted"], body["blocks_validated"], body["attempt"]) == ("partial", 3, 1, 1)
    assert sorted(row["validated"] for row in body["block_results"]) == [False, False, True]
    again = api_as(staff["certifier"]).post("/api/v1/juries/", payload, format="json")
    assert again.status_code == 409
    moved = api_as(staff["certifier"]).post(
        f"/api/v1/pathways/{pathway.pk}/transition/", {"to": "completed"}, format="json"
    )
    assert moved.json()["phase"] == "completed"


def test_indicators_in_json_csv_and_xlsx_agree(in_evaluation):
    pathway, staff = in_evaluation
    client = api_as(staff["ministry"])
    data = client.get("/api/v1/indicators/").json()
    assert data["total_pathways"] == 1
    assert {row["phase"]: row["count"] for row in data["by_phase"]}["evaluation"] == 1
    assert data["funding"]["by_category"][0] == {
        "category": "teaching",
        "label": "Frais pédagogiques",
        "requested": "4000.00",
        "approved": "4000.00",
        "paid": "0.00",
    }

    response = client.get("/api/v1/indicators/", {"format": "csv"})
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert rows[0] == ["Rubrique", "Libellé", "Valeur", "Complément"]
    assert ["Parcours par phase", "Évaluation et jury", "1", ""] in rows
    assert ["Financement accordé (€)", "Frais pédagogiques", "4000,00", ""] in rows

    response = client.get("/api/v1/indicators/", {"format": "xlsx"})
    workbook = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    sheet = workbook["Indicateurs"]
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert values[0] == ["Rubrique", "Libellé", "Valeur", "Complément"]
    assert ["Parcours par phase", "Évaluation et jury", 1, None] in values
    assert len(values) == len(rows)


def test_indicators_bad_format_and_auth(db):
    assert APIClient().get("/api/v1/indicators/").status_code == 401
    response = api_as(UserFactory(role="ministry")).get("/api/v1/indicators/", {"format": "pdf"})
    assert response.status_code == 400 and response.json() == {"format": ["Format inconnu : json, csv ou xlsx."]}


@pytest.mark.parametrize("pathways", [1, 4])
def test_the_assessments_list_query_count_does_not_grow(db, django_assert_num_queries, pathways):
    from evaluation import services

    for _ in range(pathways):
        pathway = PathwayFactory()
        staff = staff_of(pathway)
        for block in pathway.target_blocks.all():
            services.assessment_record(
                acting_user=staff["companion"],
                pathway=pathway,
                skill_block=block,
                level="not_started",
                assessed_at="2025-06-01",
            )
    client = api_as(UserFactory(role="ministry"))
    # 1 count, 1 of the page's pks, 1 page of assessments (ids only for the related objects)
    with django_assert_num_queries(3):
        response = client.get("/api/v1/assessments/", {"page_size": 50})
    assert response.json()["count"] == 3 * pathways

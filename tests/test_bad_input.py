"""Bad input gets a French 4xx naming the field, never a 500 (issue 10 item 3, product.md section 15)."""

import datetime

import pytest
from rest_framework.test import APIClient

from pathways.enums import PathwayPhase
from tests.conftest import api_as
from tests.pathways.factories import PathwayFactory, staff_of, walk_to

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("authenticated", [True, False])
def test_five_thousand_nested_brackets_are_a_french_400(authenticated):
    pathway = PathwayFactory()
    client = api_as(staff_of(pathway)["project_holder"]) if authenticated else APIClient()
    for url in ("/api/v1/pathways/", "/api/v1/auth/token/", f"/api/v1/pathways/{pathway.pk}/transition/"):
        response = client.post(url, "[" * 5000, content_type="application/json")
        assert response.status_code in (400, 401, 403), (url, response.status_code)
        if response.status_code == 400:
            assert response.json() == {"detail": "Le corps de la requête est imbriqué trop profondément pour être lu."}


def test_malformed_json_answers_in_french():
    pathway = PathwayFactory()
    response = api_as(staff_of(pathway)["project_holder"]).post(
        "/api/v1/candidates/", '{"first_name": "Ana",', content_type="application/json"
    )
    assert response.status_code == 400
    assert "n'est pas un JSON valide" in str(response.json())


def test_an_assessment_without_a_skill_block_is_a_field_error(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    pathway = PathwayFactory()
    response = api_as(staff_of(pathway)["companion"]).post(
        "/api/v1/assessments/",
        {"pathway": pathway.pk, "level": "in_progress", "assessed_at": "2025-10-01"},
        format="json",
    )
    assert response.status_code == 400
    assert response.json() == {"skill_block": ["Choisissez l'un des blocs de compétences visés par le parcours."]}


@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01"])
def test_contract_dates_out_of_the_calendar_are_field_errors(day):
    pathway = PathwayFactory()
    contract = {
        "signed_on": "2025-09-01", "start_date": day, "end_date": "2026-09-14", "weekly_hours": "35",
        "monthly_gross_salary": "1900.00", "tutor_name": "Marie Tuteur", "tutor_is_employer": False,
    }  # fmt: skip
    response = api_as(staff_of(pathway)["project_holder"]).patch(
        f"/api/v1/pathways/{pathway.pk}/", {"contract": contract}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["contract"]["start_date"] == [
        "La date doit être comprise entre le 01/01/1900 et le 31/12/2100."
    ]


@pytest.mark.parametrize(
    ("birth_date", "accepted"),
    [("0001-01-01", False), ("9999-12-31", False), (None, False), ("1940-06-01", False), ("2010-01-01", True)],
)
def test_a_candidate_is_15_to_80_when_registered(birth_date, accepted):
    holder = staff_of(PathwayFactory())["project_holder"]
    if birth_date is None:
        # Six years old.
        birth_date = (datetime.date.today() - datetime.timedelta(days=6 * 366)).isoformat()
    payload = {"first_name": "Ana", "last_name": "Lopes", "birth_date": birth_date, "highest_qualification": "none"}
    response = api_as(holder).post("/api/v1/candidates/", payload, format="json")
    assert response.status_code == (201 if accepted else 400), response.json()
    if not accepted:
        assert "birth_date" in response.json()


def test_a_jury_session_in_year_9999_is_a_field_error(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    pathway = walk_to(PathwayFactory(), PathwayPhase.ADMISSIBILITY)
    response = api_as(staff_of(pathway)["certifier"]).post(
        f"/api/v1/pathways/{pathway.pk}/jury-session/", {"session_date": "9999-01-01"}, format="json"
    )
    assert response.status_code == 400
    assert "session_date" in response.json()


# ---- exports neutralise spreadsheet formulas (issue 10 item 5) ------------------------------------------


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_exports_neutralise_formulas(client, start, settings, tmp_path):
    import io

    from openpyxl import load_workbook

    from pathways.models import Candidate

    pathway = PathwayFactory()
    Candidate.objects.filter(pk=pathway.candidate_id).update(last_name=f'{start}HYPERLINK("http://x","clic")')
    client.force_login(staff_of(pathway)["ministry"])

    csv_text = b"".join(client.get("/indicateurs/parcours.csv").streaming_content).decode("utf-8-sig")
    workbook = load_workbook(io.BytesIO(b"".join(client.get("/indicateurs/parcours.xlsx").streaming_content)))

    assert f"'{start}HYPERLINK" in csv_text
    cells = [cell for row in workbook.active.iter_rows() for cell in row if "HYPERLINK" in str(cell.value)]
    assert [cell.data_type for cell in cells] == ["s"]
    assert str(cells[0].value).startswith("'")  # (XLSX turns a carriage return into a line feed)


# ---- uploads are opened, not only sniffed (issue 10 item 10) ----------------------------------------------


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("faux.pdf", b"%PDF-1.4 ceci est du texte brut.", "n'est pas un vrai PDF"),
        ("polyglotte.pdf", b"%PDF-1.4\n<html><script>alert(1)</script></html>\n%%EOF", "n'est pas un vrai PDF"),
        ("tronque.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, "n'est pas un vrai PNG"),
        ("faux.jpg", b"\xff\xd8\xff\xe0" + b"JFIF" + b"\x00" * 40, "n'est pas un vrai JPEG"),
    ],
)
def test_a_file_that_does_not_open_is_refused(name, content, message):
    from django.core.files.uploadedfile import SimpleUploadedFile

    pathway = PathwayFactory()
    response = api_as(staff_of(pathway)["project_holder"]).post(
        f"/api/v1/pathways/{pathway.pk}/documents/",
        {"kind": "other", "file": SimpleUploadedFile(name, content)},
        format="multipart",
    )
    assert response.status_code == 400
    assert message in response.json()["file"][0]


def test_real_pdfs_and_images_are_accepted(settings, tmp_path):
    from tests.pathways.factories import PDF_BYTES, PNG_BYTES, pdf_upload

    settings.MEDIA_ROOT = tmp_path
    pathway = PathwayFactory()
    client = api_as(staff_of(pathway)["project_holder"])
    for upload in (pdf_upload("vrai.pdf", PDF_BYTES), pdf_upload("image.png", PNG_BYTES)):
        response = client.post(
            f"/api/v1/pathways/{pathway.pk}/documents/", {"kind": "other", "file": upload}, format="multipart"
        )
        assert response.status_code == 201, response.json()

import pytest
from rest_framework.test import APIClient

from funding import services
from funding.models import FundingFile
from tests.accounts.factories import UserFactory
from tests.conftest import api_as
from tests.funding.factories import funded_pathway, submitted_file
from vae_inversee.accounts.models import Organisation

URL = "/api/v1/funding-files/"


@pytest.fixture
def setup(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return funded_pathway()


def test_the_project_holder_creates_and_submits_a_file(setup):
    pathway, staff = setup
    holder = api_as(staff["project_holder"])
    response = holder.post(
        URL, {"pathway": pathway.pk, "requested_teaching": "6000.00", "requested_design": "1000"}, format="json"
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert {k: body[k] for k in ("pathway", "contract_year", "opco", "status", "requested_total", "cap_total")} == {
        "pathway": pathway.pk, "contract_year": 1, "opco": "AKTO", "status": "draft",
        "requested_total": "7000.00", "cap_total": "9000.00",
    }  # fmt: skip
    assert body["approved_total"] is None and body["decided_at"] is None
    submitted = holder.post(f"{URL}{body['id']}/submit/")
    assert submitted.status_code == 200 and submitted.json()["status"] == "submitted"


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"requested_teaching": "6000.01"}, "requested_teaching"),
        ({"requested_design": "1000.01"}, "requested_design"),
        ({"requested_support": "2000.01"}, "requested_support"),
        ({"requested_teaching": "-5"}, "requested_teaching"),
        ({"requested_teaching": "beaucoup"}, "requested_teaching"),
        ({"contract_year": 4}, "contract_year"),
        ({"contract_year": 2}, "contract_year"),
    ],
)
def test_bad_amounts_are_a_400_with_a_field_map(setup, payload, field):
    pathway, staff = setup
    response = api_as(staff["project_holder"]).post(URL, {"pathway": pathway.pk, **payload}, format="json")
    assert response.status_code == 400
    assert field in response.json(), response.json()


def test_status_and_approved_amounts_are_read_only(setup):
    pathway, staff = setup
    funding_file = submitted_file(pathway, staff)
    services.funding_file_request_changes(acting_user=staff["opco"], funding_file=funding_file, reason="Devis")
    response = api_as(staff["project_holder"]).patch(
        f"{URL}{funding_file.pk}/",
        {"status": "approved", "approved_teaching": "6000.00", "requested_teaching": "5000.00"},
        format="json",
    )
    assert response.status_code == 200
    assert (response.json()["status"], response.json()["approved_teaching"]) == ("changes_requested", None)
    assert response.json()["requested_teaching"] == "5000.00"


def test_the_opco_approves_lower_then_a_second_decision_is_a_409(setup, django_capture_on_commit_callbacks):
    pathway, staff = setup
    funding_file = submitted_file(pathway, staff)
    opco = api_as(staff["opco"])
    with django_capture_on_commit_callbacks(execute=True):
        response = opco.post(
            f"{URL}{funding_file.pk}/approve/",
            {"approved_teaching": "5500.00", "approved_design": "1000.00", "approved_support": "2000.00"},
            format="json",
        )
    assert response.status_code == 200, response.content
    assert (response.json()["status"], response.json()["approved_total"]) == ("approved", "8500.00")
    assert response.json()["decided_by"] == staff["opco"].pk
    # The PDF is rendered in the background once the decision is committed.
    assert opco.get(f"{URL}{funding_file.pk}/").json()["agreement_available"] is True
    again = opco.post(f"{URL}{funding_file.pk}/reject/", {"reason": "Erreur"}, format="json")
    assert again.status_code == 409
    assert again.json()["detail"].startswith("Impossible de refuser le dossier : le dossier est désormais « Accordé »")
    pdf = api_as(staff["ministry"]).get(f"{URL}{funding_file.pk}/agreement/")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert b"".join(pdf.streaming_content).startswith(b"%PDF")


def test_approving_more_than_requested_is_a_400(setup):
    pathway, staff = setup
    funding_file = submitted_file(pathway, staff, requested_teaching="1000.00")
    response = api_as(staff["opco"]).post(
        f"{URL}{funding_file.pk}/approve/",
        {"approved_teaching": "1000.01", "approved_design": "0", "approved_support": "0"},
        format="json",
    )
    assert response.status_code == 400
    assert list(response.json()) == ["approved_teaching"]


def test_reject_and_request_changes_need_a_reason(setup):
    pathway, staff = setup
    funding_file = submitted_file(pathway, staff)
    opco = api_as(staff["opco"])
    assert opco.post(f"{URL}{funding_file.pk}/reject/", {}, format="json").json() == {
        "reason": ["Ce champ est obligatoire."]
    }
    response = opco.post(f"{URL}{funding_file.pk}/request-changes/", {"reason": "Joindre le devis"}, format="json")
    assert response.json()["status"] == "changes_requested"
    assert response.json()["decision_reason"] == "Joindre le devis"


# The certifier sees a pathway (hence its files) only from admissibility on: 404 before.
@pytest.mark.parametrize(
    ("role", "code"), [("companion", 403), ("certifier", 404), ("ministry", 403), ("project_holder", 403)]
)
def test_only_the_opco_decides(setup, role, code):
    pathway, staff = setup
    funding_file = submitted_file(pathway, staff)
    response = api_as(staff[role]).post(f"{URL}{funding_file.pk}/reject/", {"reason": "Non"}, format="json")
    assert response.status_code == code
    if code == 403:
        assert response.json()["detail"] == "Seul l'OPCO destinataire statue sur un dossier de financement."


# A draft is not shown to the OPCO yet (404); the certifier sees nothing before admissibility (404).
@pytest.mark.parametrize(("role", "code"), [("opco", 404), ("companion", 403), ("certifier", 404), ("ministry", 403)])
def test_only_the_project_holder_submits(setup, role, code):
    pathway, staff = setup
    funding_file = services.funding_file_create(acting_user=staff["project_holder"], pathway=pathway)
    assert api_as(staff[role]).post(f"{URL}{funding_file.pk}/submit/").status_code == code


def test_an_opco_never_sees_another_opcos_files(setup):
    pathway, staff = setup
    funding_file = submitted_file(pathway, staff)
    atlas = api_as(UserFactory(organisation=Organisation.objects.get(code="ATLAS")))
    assert atlas.get(URL).json()["count"] == 0
    for path in ["", "agreement/"]:
        assert atlas.get(f"{URL}{funding_file.pk}/{path}").status_code == 404
    assert atlas.post(f"{URL}{funding_file.pk}/approve/", {}, format="json").status_code == 404
    other_holder = api_as(UserFactory(role="project_holder"))
    assert other_holder.get(f"{URL}{funding_file.pk}/").status_code == 404
    assert other_holder.post(URL, {"pathway": pathway.pk}, format="json").status_code == 400


def test_agreement_before_a_decision_is_a_404_with_a_reason(setup):
    pathway, staff = setup
    funding_file = submitted_file(pathway, staff)
    response = api_as(staff["opco"]).get(f"{URL}{funding_file.pk}/agreement/")
    assert response.status_code == 404
    assert response.json()["detail"].startswith("L'accord de prise en charge n'est pas encore disponible")


def test_an_agreement_missing_on_disk_is_a_404_not_a_500(setup):
    pathway, staff = setup
    funding_file = submitted_file(pathway, staff)
    FundingFile.objects.filter(pk=funding_file.pk).update(
        status="rejected", decision_reason="Hors barème", agreement="agreements/disparu.pdf"
    )
    response = api_as(staff["opco"]).get(f"{URL}{funding_file.pk}/agreement/")
    assert response.status_code == 404
    assert response.json()["detail"] == "Le fichier de l'accord de prise en charge est introuvable."


def test_without_credentials_401(db):
    assert APIClient().get(URL).status_code == 401


def test_list_filters_and_query_count(db, django_assert_num_queries):
    opco_user = None
    for index in range(6):
        pathway, staff = funded_pathway()
        opco_user = staff["opco"]
        funding_file = submitted_file(pathway, staff)
        if index % 2:
            services.funding_file_request_changes(acting_user=staff["opco"], funding_file=funding_file, reason="Devis")
    client = api_as(opco_user)
    assert client.get(URL, {"status": "submitted"}).json()["count"] == 3
    assert client.get(URL, {"opco": "AKTO"}).json()["count"] == 6
    assert client.get(URL, {"status": "nope"}).status_code == 400
    for page_size in (2, 6):
        # 1 count (the second time kept: same data version, same SQL), 1 of the page's pks, 1 page of files
        # with their OPCO, pathway and contract, 1 of their plans (no query per file).
        with django_assert_num_queries(4 if page_size == 2 else 3):
            response = client.get(URL, {"page_size": page_size})
        assert len(response.json()["results"]) == page_size
    # The status filter (several values) neither de-duplicates nor changes the page's queries (issue 16:
    # django-filter's default DISTINCT sorted every matching file with all its joined columns).
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        answer = client.get(URL, {"status": ["submitted", "changes_requested"], "page_size": 4}).json()
    assert answer["count"] == 6 and len({row["id"] for row in answer["results"]}) == 4
    assert len(queries) == 4 and not any("DISTINCT" in query["sql"] for query in queries)

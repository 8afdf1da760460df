import pytest
from rest_framework.test import APIClient

from certifications.enums import VAE_ACCESS_ROUTE
from tests.certifications.factories import CertificationFactory, CertifierFactory, SkillBlockFactory
from tests.conftest import api_as
from vae_inversee.accounts import services

LIST_URL = "/api/v1/certifications/"


@pytest.fixture
def api(user):
    return api_as(user)


def codes(response):
    assert response.status_code == 200, response.content
    return [item["code"] for item in response.json()["results"]]


@pytest.fixture
def catalogue(db):
    """An eligible level-3 CAP, an active one closed to VAE, an inactive one open by experience, an RS."""
    return {
        "cap": CertificationFactory(
            code="RNCP38001", title="CAP Boulanger", level=3, access_routes=[VAE_ACCESS_ROUTE], blocks=3
        ),
        "closed": CertificationFactory(
            code="RNCP38002", title="BTS Management", level=5, access_routes=["En contrat d’apprentissage"]
        ),
        "inactive": CertificationFactory(
            code="RNCP38003",
            title="Titre professionnel Boulanger",
            level=3,
            active=False,
            access_routes=[VAE_ACCESS_ROUTE],
        ),
        "rs": CertificationFactory(code="RS6117", title="CQP Tourier", level=None, access_routes=[VAE_ACCESS_ROUTE]),
    }


def test_list_requires_credentials(db):
    response = APIClient().get(LIST_URL)

    assert response.status_code == 401
    assert "detail" in response.json()


def test_any_authenticated_user_reads_the_catalogue_with_a_token(user, catalogue):
    client = APIClient()
    _, key = services.api_token_issue(acting_user=user)
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")

    response = client.get(LIST_URL)

    assert response.status_code == 200
    assert response.json()["count"] == 4


def test_list_item_has_exactly_the_contract_fields(api):
    certifier = CertifierFactory(siret="78466840200018", name="CONFEDE. NATIONALE BOULANGERS PATISSIERS")
    certification = CertificationFactory(
        code="RNCP38001", title="CAP Boulanger", level=3, certifiers=[certifier], access_routes=[VAE_ACCESS_ROUTE]
    )
    kept = SkillBlockFactory(certification=certification, code="RNCP38001BC01", title="Fabrication")
    SkillBlockFactory(certification=certification, code="RNCP38001BC02", title="Ancien bloc", active=False)

    response = api.get(LIST_URL)

    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"count", "next", "previous", "results"}
    assert body["results"] == [
        {
            "id": certification.id,
            "code": "RNCP38001",
            "title": "CAP Boulanger",
            "level": 3,
            "active": True,
            "vae_eligible": True,
            "certifiers": [{"id": certifier.id, "siret": "78466840200018", "name": certifier.name}],
            # Blocks withdrawn from the fiche are not offered.
            "skill_blocks": [{"id": kept.id, "code": "RNCP38001BC01", "title": "Fabrication"}],
        }
    ]


def test_detail(api, catalogue):
    inactive = catalogue["inactive"]

    response = api.get(f"{LIST_URL}{inactive.id}/")

    assert response.status_code == 200
    assert response.json()["code"] == "RNCP38003"
    assert response.json()["active"] is False
    assert response.json()["vae_eligible"] is False


def test_unknown_detail_is_a_json_404(api, db):
    response = api.get(f"{LIST_URL}999999/")

    assert response.status_code == 404
    assert response.json() == {"detail": "Ressource introuvable."}


def test_catalogue_is_read_only(api, catalogue):
    response = api.post(LIST_URL, {"code": "RNCP1", "title": "x"}, format="json")

    assert response.status_code == 405


@pytest.mark.parametrize(
    "query, expected",
    [
        ("", ["RNCP38001", "RNCP38002", "RNCP38003", "RS6117"]),
        ("?q=rncp38002", ["RNCP38002"]),
        ("?q=boulanger", ["RNCP38001", "RNCP38003"]),
        ("?q=RNCP38001BC02", ["RNCP38001"]),
        ("?active=true", ["RNCP38001", "RNCP38002", "RS6117"]),
        ("?active=false", ["RNCP38003"]),
        ("?vae_eligible=true", ["RNCP38001", "RS6117"]),
        ("?vae_eligible=false", ["RNCP38002", "RNCP38003"]),
        ("?level=3", ["RNCP38001", "RNCP38003"]),
        ("?level=none", ["RS6117"]),
        ("?q=boulanger&vae_eligible=true&level=3", ["RNCP38001"]),
        ("?q=introuvable", []),
    ],
)
def test_filters(api, catalogue, query, expected):
    assert codes(api.get(LIST_URL + query)) == expected


@pytest.mark.parametrize(
    "query, field",
    [
        ("?active=peut-etre", "active"),
        ("?active=1", "active"),
        ("?vae_eligible=oui", "vae_eligible"),
        ("?level=9", "level"),
        ("?level=abc", "level"),
        ("?q=" + "x" * 201, "q"),
    ],
)
def test_bad_filter_values_answer_400_with_a_field_map(api, catalogue, query, field):
    response = api.get(LIST_URL + query)

    assert response.status_code == 400
    body = response.json()
    assert list(body) == [field]
    assert isinstance(body[field], list) and body[field]


def test_bad_filter_message_is_french(api, catalogue):
    response = api.get(LIST_URL + "?active=peut-etre")

    assert response.json() == {"active": ["« peut-etre » n'est pas une valeur valide : utilisez true ou false."]}


def test_page_size_is_respected(api, db):
    for _ in range(5):
        CertificationFactory()

    body = api.get(LIST_URL + "?page_size=2").json()
    assert body["count"] == 5
    assert len(body["results"]) == 2
    assert "page=2" in body["next"]

    body = api.get(LIST_URL + "?page_size=2&page=3").json()
    assert len(body["results"]) == 1
    assert body["next"] is None


@pytest.mark.parametrize("page_size", [2, 20])
def test_query_count_does_not_grow_with_page_size(api, db, django_assert_num_queries, page_size):
    for _ in range(20):
        CertificationFactory(certifiers=2, blocks=3, access_routes=[VAE_ACCESS_ROUTE])

    # 1. COUNT of the filtered certifications (pagination)
    # 2. the page of certifications, with the eligibility EXISTS subquery
    # 3. prefetch of their certifiers
    # 4. prefetch of their active skill blocks
    # 5. 6. the user's membership and candidate record (a candidate is refused the API: IsMember)
    # (force_authenticate: no token or session query)
    with django_assert_num_queries(6):
        response = api.get(f"{LIST_URL}?page_size={page_size}&vae_eligible=true")

    assert len(response.json()["results"]) == page_size
    assert all(len(item["skill_blocks"]) == 3 and len(item["certifiers"]) == 2 for item in response.json()["results"])

import pytest
from rest_framework.test import APIClient

from tests.accounts.factories import UserFactory


@pytest.fixture
def api():
    return APIClient()


def test_token_is_issued_for_email_and_password(api, db):
    UserFactory(role="opco", email="claire@exemple.fr")
    response = api.post("/api/v1/auth/token/", {"email": "claire@exemple.fr", "password": "mot-de-passe-solide-2026"})
    assert response.status_code == 200
    assert set(response.json()) == {"token", "expires_at"}
    token = response.json()["token"]
    api.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    me = api.get("/api/v1/me/").json()
    assert me["email"] == "claire@exemple.fr" and me["role"] == "opco"
    assert me["organisation"]["kind"] == "opco"
    # Each login issues a new token (only digests are kept: a token cannot be given back); both work.
    again = api.post("/api/v1/auth/token/", {"email": "claire@exemple.fr", "password": "mot-de-passe-solide-2026"})
    assert again.json()["token"] != token
    assert api.get("/api/v1/me/").status_code == 200


def test_bad_credentials_are_a_400_with_a_french_field_map(api, db):
    UserFactory(role="opco", email="claire@exemple.fr")
    response = api.post("/api/v1/auth/token/", {"email": "claire@exemple.fr", "password": "faux"}, format="json")
    assert response.status_code == 400
    assert response.json() == {"non_field_errors": ["Adresse électronique ou mot de passe incorrect."]}


def test_missing_fields_are_named(api, db):
    response = api.post("/api/v1/auth/token/", {"email": "pas-une-adresse"}, format="json")
    assert response.status_code == 400
    body = response.json()
    assert set(body) == {"email", "password"}
    assert body["password"] == ["Ce champ est obligatoire."]


def test_malformed_json_is_a_400_not_a_500(api, db):
    response = api.post("/api/v1/auth/token/", "{pas du json", content_type="application/json")
    assert response.status_code == 400
    assert "detail" in response.json()


def test_without_credentials_the_api_answers_401_in_json(api, db):
    response = api.get("/api/v1/me/")
    assert response.status_code == 401
    assert response["Content-Type"] == "application/json"
    assert response.json()["detail"] == "Informations d'authentification non fournies."


def test_a_bad_token_is_a_401(api, db):
    api.credentials(HTTP_AUTHORIZATION="Token 0000")
    assert api.get("/api/v1/me/").status_code == 401


def test_unknown_api_route_is_a_404_in_json(api, db):
    api.force_authenticate(UserFactory(role="opco"))
    response = api.get("/api/v1/pas-de-ressource/")
    assert response.status_code == 404
    assert response.json() == {"detail": "Ressource introuvable."}


def test_schema_and_docs_are_served(client, db):
    schema = client.get("/api/schema/")
    assert schema.status_code == 200
    assert b"/api/v1/auth/token/" in schema.content
    assert client.get("/api/docs/").status_code == 200

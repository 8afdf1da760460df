"""API tokens expire, are listed and revoked by their owner, and die with the password or the account (product.md 14)."""

import datetime

import pytest
import yaml
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from rest_framework.test import APIClient

from tests.accounts.conftest import PASSWORD
from tests.accounts.factories import UserFactory
from tests.conftest import api_as
from vae_inversee.accounts import services
from vae_inversee.accounts.models import ApiToken, User

pytestmark = pytest.mark.django_db

TOKEN_URL = "/api/v1/auth/token/"
TOKENS_URL = "/api/v1/auth/tokens/"


def log_in(email="claire@exemple.fr", password=PASSWORD, **extra):
    return APIClient().post(TOKEN_URL, {"email": email, "password": password, **extra}, format="json")


def client_with(token: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client


@pytest.fixture
def claire():
    return UserFactory(role="opco", email="claire@exemple.fr")


def test_a_token_expires_after_the_configured_number_of_days(claire, settings):
    settings.API_TOKEN_TTL_DAYS = 7
    before = timezone.now()

    body = log_in().json()

    expires_at = parse_datetime(body["expires_at"])
    assert before + datetime.timedelta(days=7) <= expires_at <= timezone.now() + datetime.timedelta(days=7)
    assert ApiToken.objects.get(user=claire).expiry == expires_at


def test_the_default_lifetime_is_thirty_days(claire):
    expires_at = parse_datetime(log_in().json()["expires_at"])

    assert expires_at - timezone.now() > datetime.timedelta(days=29, hours=23)
    assert expires_at - timezone.now() <= datetime.timedelta(days=30)


def test_only_the_digest_of_a_token_is_stored(claire):
    token = log_in().json()["token"]

    stored = ApiToken.objects.get(user=claire)
    assert token not in (stored.digest, stored.token_key) and token.startswith(stored.token_key)


def test_an_expired_token_is_refused_and_deleted(claire):
    token = log_in().json()["token"]
    ApiToken.objects.filter(user=claire).update(expiry=timezone.now() - datetime.timedelta(seconds=1))

    response = client_with(token).get("/api/v1/me/")

    assert response.status_code == 401
    assert response.json() == {"detail": "Jeton d'API invalide ou expiré."}
    assert response["WWW-Authenticate"] == "Token"
    assert not ApiToken.objects.filter(user=claire).exists()


@pytest.mark.parametrize("header", ["Token", "Token a b", "Token 0000", "Token \xe9\xe9\xe9"])
def test_a_malformed_or_unknown_token_is_a_french_401(claire, header):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=header)

    response = client.get("/api/v1/me/")

    assert response.status_code == 401
    assert response.json()["detail"] in {
        "Jeton d'API invalide ou expiré.",
        "En-tête d'authentification invalide : attendu « Authorization: Token <jeton> ».",
    }


def test_the_user_lists_their_tokens_with_the_current_one_flagged(claire):
    first = log_in(name="Logiciel de gestion").json()["token"]
    second = log_in().json()["token"]
    UserFactory(role="opco", email="autre@exemple.fr")
    log_in("autre@exemple.fr")

    body = client_with(first).get(TOKENS_URL).json()

    assert body["count"] == 2
    rows = body["results"]
    assert set(rows[0]) == {"id", "name", "prefix", "created", "expires_at", "last_used", "current"}
    assert [row["current"] for row in rows] == [False, True]  # newest first: the second, then the first
    assert rows[1]["name"] == "Logiciel de gestion" and first.startswith(rows[1]["prefix"])
    assert rows[1]["last_used"] is not None and rows[0]["last_used"] is None
    assert second.startswith(rows[0]["prefix"])


def test_the_portal_session_lists_the_tokens_without_a_current_one(claire, client):
    log_in()
    client.force_login(claire)

    response = client.get(TOKENS_URL)

    assert response.status_code == 200
    assert [row["current"] for row in response.json()["results"]] == [False]


def test_a_user_revokes_one_of_their_tokens(claire):
    kept, revoked = log_in().json()["token"], log_in().json()["token"]
    revoked_id = next(row["id"] for row in client_with(kept).get(TOKENS_URL).json()["results"] if not row["current"])

    response = client_with(kept).delete(f"{TOKENS_URL}{revoked_id}/")

    assert response.status_code == 204
    assert client_with(revoked).get("/api/v1/me/").status_code == 401
    assert client_with(kept).get("/api/v1/me/").status_code == 200


def test_another_users_token_is_not_found(claire):
    mine = log_in().json()["token"]
    UserFactory(role="opco", email="autre@exemple.fr")
    theirs = log_in("autre@exemple.fr").json()["token"]
    their_id = ApiToken.objects.get(user__email="autre@exemple.fr").pk

    response = client_with(mine).delete(f"{TOKENS_URL}{their_id}/")

    assert response.status_code == 404
    assert response.json() == {"detail": "Ressource introuvable."}
    assert client_with(theirs).get("/api/v1/me/").status_code == 200


def test_logout_revokes_the_token_used_and_only_it(claire):
    used, other = log_in().json()["token"], log_in().json()["token"]

    response = client_with(used).post("/api/v1/auth/logout/")

    assert response.status_code == 204
    assert client_with(used).get("/api/v1/me/").status_code == 401
    assert client_with(other).get("/api/v1/me/").status_code == 200


def test_logout_needs_a_token(claire, client):
    client.force_login(claire)
    assert client.post("/api/v1/auth/logout/").status_code == 401
    assert APIClient().post("/api/v1/auth/logout/").status_code == 401


def test_the_token_views_need_credentials(db):
    assert APIClient().get(TOKENS_URL).status_code == 401
    assert APIClient().delete(f"{TOKENS_URL}1/").status_code == 401


# ---- the password and the account ----------------------------------------------------------------------


def test_set_password_then_save_revokes_every_token(claire):
    tokens = [log_in().json()["token"], log_in().json()["token"]]

    claire.set_password("un-autre-mot-de-passe-2026")
    claire.save()

    assert [client_with(token).get("/api/v1/me/").status_code for token in tokens] == [401, 401]
    assert not ApiToken.objects.filter(user=claire).exists()


def test_a_raw_password_update_cannot_bypass_the_revocation(claire):
    """No signal runs for QuerySet.update(): the token still knows which password it was issued under."""
    token = log_in().json()["token"]
    claire.set_password("un-autre-mot-de-passe-2026")
    User.objects.filter(pk=claire.pk).update(password=claire.password)

    response = client_with(token).get("/api/v1/me/")

    assert response.status_code == 401
    assert "le mot de passe du compte a changé" in response.json()["detail"]
    assert not ApiToken.objects.filter(user=claire).exists()


def test_the_admins_password_form_revokes_every_token(claire, admin_client):
    token = log_in().json()["token"]
    url = reverse("admin:auth_user_password_change", args=[claire.pk])

    response = admin_client.post(
        url, {"password1": "un-autre-mot-de-passe-2026", "password2": "un-autre-mot-de-passe-2026"}
    )

    assert response.status_code == 302
    assert client_with(token).get("/api/v1/me/").status_code == 401
    assert log_in(password="un-autre-mot-de-passe-2026").status_code == 200


def test_a_new_password_gives_working_tokens_again(claire):
    claire.set_password("un-autre-mot-de-passe-2026")
    claire.save()

    token = log_in(password="un-autre-mot-de-passe-2026").json()["token"]

    assert client_with(token).get("/api/v1/me/").status_code == 200


def test_saving_the_user_without_touching_the_password_keeps_the_tokens(claire):
    token = log_in().json()["token"]

    claire.first_name = "Claire"
    claire.save()

    assert client_with(token).get("/api/v1/me/").status_code == 200


def test_deactivation_refuses_and_deletes_every_token(claire):
    token = log_in().json()["token"]

    claire.is_active = False
    claire.save()

    assert client_with(token).get("/api/v1/me/").status_code == 401
    assert not ApiToken.objects.filter(user=claire).exists()


def test_a_raw_deactivation_is_refused_too_and_reactivation_gives_nothing_back(claire):
    token = log_in().json()["token"]
    User.objects.filter(pk=claire.pk).update(is_active=False)

    assert client_with(token).get("/api/v1/me/").status_code == 401

    User.objects.filter(pk=claire.pk).update(is_active=True)
    assert client_with(token).get("/api/v1/me/").status_code == 401


def test_a_deactivated_user_gets_no_token(claire):
    claire.is_active = False
    claire.save()

    response = log_in()

    assert response.status_code == 400
    assert response.json() == {"non_field_errors": ["Adresse électronique ou mot de passe incorrect."]}


def test_the_service_refuses_an_overlong_name(claire):
    with pytest.raises(ValidationError) as error:
        services.api_token_issue(acting_user=claire, name="x" * 101)
    assert error.value.message_dict == {"name": ["Le libellé compte 100 caractères au plus."]}


def test_an_overlong_name_is_a_field_error_at_the_api(claire):
    response = log_in(name="x" * 101)

    assert response.status_code == 400
    assert list(response.json()) == ["name"]


def test_last_used_is_written_at_most_once_a_minute(claire):
    token = log_in().json()["token"]
    client = client_with(token)
    client.get("/api/v1/me/")
    stamp = ApiToken.objects.get(user=claire).last_used

    client.get("/api/v1/me/")

    assert ApiToken.objects.get(user=claire).last_used == stamp


# ---- the current user ------------------------------------------------------------------------------------


def test_me_works_with_the_portal_session(claire, client):
    """It answered 500: `type(request.user)` is the session's lazy object, which has no manager."""
    client.force_login(claire)

    response = client.get("/api/v1/me/")

    assert response.status_code == 200
    assert response.json()["email"] == "claire@exemple.fr"


def test_me_works_with_a_forced_authentication(claire):
    assert api_as(claire).get("/api/v1/me/").json()["role"] == "opco"


def test_every_status_of_the_token_endpoints_is_in_the_schema(client):
    schema = yaml.safe_load(client.get("/api/schema/").content)["paths"]

    assert {"200", "400", "429"} <= set(schema["/api/v1/auth/token/"]["post"]["responses"])
    assert {"204", "401"} <= set(schema["/api/v1/auth/logout/"]["post"]["responses"])
    assert {"200", "401"} <= set(schema["/api/v1/auth/tokens/"]["get"]["responses"])
    assert {"204", "401", "404"} <= set(schema["/api/v1/auth/tokens/{id}/"]["delete"]["responses"])
    assert {"200", "401"} <= set(schema["/api/v1/me/"]["get"]["responses"])


def test_checking_a_token_costs_the_same_whatever_the_number_of_tokens(claire):
    client = client_with(log_in().json()["token"])
    client.get("/api/v1/me/")  # last_used written once

    with CaptureQueriesContext(connection) as one_token:
        client.get("/api/v1/me/")
    for _ in range(30):
        services.api_token_issue(acting_user=claire)
    with CaptureQueriesContext(connection) as many_tokens:
        client.get("/api/v1/me/")

    assert len(many_tokens) == len(one_token)


def test_a_new_token_sweeps_away_the_users_expired_ones(claire):
    old, _ = services.api_token_issue(acting_user=claire)
    ApiToken.objects.filter(pk=old.pk).update(expiry=timezone.now() - datetime.timedelta(days=1))

    services.api_token_issue(acting_user=claire)

    assert not ApiToken.objects.filter(pk=old.pk).exists()


def test_the_admin_lists_tokens_and_revokes_one_but_never_issues_any(claire, admin_client):
    token, value = services.api_token_issue(acting_user=claire, name="Logiciel de gestion")

    listing = admin_client.get(reverse("admin:accounts_apitoken_changelist"))
    detail = admin_client.get(reverse("admin:accounts_apitoken_change", args=[token.pk]))
    adding = admin_client.get(reverse("admin:accounts_apitoken_add"))
    deleted = admin_client.post(reverse("admin:accounts_apitoken_delete", args=[token.pk]), {"post": "yes"})

    assert listing.status_code == 200 and "Logiciel de gestion" in listing.content.decode()
    assert detail.status_code == 200 and value not in detail.content.decode()
    assert adding.status_code == 403
    assert deleted.status_code == 302
    assert client_with(value).get("/api/v1/me/").status_code == 401

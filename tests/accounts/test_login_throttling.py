"""Logins (portal, admin, token) are throttled per account and per client address behind the proxy (product.md 15)."""

import datetime
import logging

import pytest
from axes.helpers import get_client_ip_address
from axes.models import AccessAttempt
from django.test import RequestFactory
from django.urls import reverse
from rest_framework.test import APIClient

from tests.accounts.conftest import PASSWORD
from tests.accounts.factories import UserFactory
from vae_inversee.api.accounts import LoginAddressThrottle

pytestmark = pytest.mark.django_db

TOKEN_URL = "/api/v1/auth/token/"
DEAD_REDIS = {"default": {"BACKEND": "vae_inversee.lib.redis_cache.RedisCache", "LOCATION": "redis://127.0.0.1:1/0"}}


def token_attempt(email, password="faux", **meta):
    return APIClient().post(TOKEN_URL, {"email": email, "password": password}, format="json", **meta)


def portal_attempt(client, email, password="faux", url=None, **meta):
    return client.post(url or reverse("accounts:login"), {"username": email, "password": password}, **meta)


@pytest.fixture
def claire():
    return UserFactory(role="opco", email="claire@exemple.fr")


@pytest.fixture
def production_rates(settings):
    """settings.py's defaults (the test settings raise them out of the suite's way)."""
    settings.API_LOGIN_RATE_PER_ACCOUNT = "10/hour"
    settings.API_LOGIN_RATE_PER_ADDRESS = "30/min"


# ---- the API's token endpoint ----------------------------------------------------------------------------


def test_sixty_wrong_passwords_with_forged_forwarded_for_addresses_are_stopped(claire, production_rates):
    """Regression: DRF trusted a client-supplied X-Forwarded-For, and 60 guesses out of 60 went through."""
    statuses = [
        token_attempt("claire@exemple.fr", HTTP_X_FORWARDED_FOR=f"198.51.100.{n}").status_code for n in range(60)
    ]

    assert statuses.count(400) == 10  # the account's failures per hour, whatever the forged addresses
    assert statuses[10:] == [429] * 50


def test_one_address_trying_many_accounts_is_stopped_whatever_it_forwards(production_rates):
    statuses = [
        token_attempt(f"personne{n}@exemple.fr", HTTP_X_FORWARDED_FOR=f"198.51.100.{n}").status_code for n in range(60)
    ]

    assert statuses[:30] == [400] * 30
    assert statuses[30:] == [429] * 30


def test_the_429_says_in_french_how_long_to_wait(claire, settings):
    settings.API_LOGIN_RATE_PER_ACCOUNT = "2/min"
    token_attempt("claire@exemple.fr")
    token_attempt("claire@exemple.fr")

    response = token_attempt("claire@exemple.fr", password=PASSWORD)

    assert response.status_code == 429
    seconds = int(response["Retry-After"])
    assert 0 < seconds <= 60
    assert response.json() == {"detail": f"Trop de tentatives de connexion, réessayez dans {seconds} secondes."}


def test_an_account_is_throttled_from_every_address_and_the_others_are_not(claire, settings):
    settings.API_LOGIN_RATE_PER_ACCOUNT = "3/hour"
    UserFactory(role="opco", email="autre@exemple.fr")
    failures = [token_attempt("claire@exemple.fr", REMOTE_ADDR=f"203.0.113.{n}").status_code for n in range(3)]

    assert failures == [400, 400, 400]
    assert token_attempt("claire@exemple.fr", password=PASSWORD, REMOTE_ADDR="203.0.113.99").status_code == 429
    assert token_attempt("autre@exemple.fr", password=PASSWORD).status_code == 200


def test_the_account_is_the_email_trimmed_and_case_folded(claire, settings):
    settings.API_LOGIN_RATE_PER_ACCOUNT = "2/hour"
    token_attempt("Claire@Exemple.FR")
    token_attempt("CLAIRE@exemple.fr")

    assert token_attempt("claire@exemple.fr", password=PASSWORD).status_code == 429


def test_successful_logins_do_not_use_up_the_accounts_allowance(claire, settings):
    settings.API_LOGIN_RATE_PER_ACCOUNT = "3/hour"

    statuses = [token_attempt("claire@exemple.fr", password=PASSWORD).status_code for _ in range(10)]

    assert statuses == [200] * 10


def test_behind_one_proxy_each_real_client_is_counted_apart(claire, settings, behind_proxies):
    """The proxy appends the address it saw: the last of X-Forwarded-For; whatever is before it is the client's."""
    behind_proxies(1)
    settings.API_LOGIN_RATE_PER_ADDRESS = "3/min"
    proxy = {"REMOTE_ADDR": "10.0.0.1"}

    first_client = [
        token_attempt(f"p{n}@exemple.fr", HTTP_X_FORWARDED_FOR=f"198.51.100.{n}, 203.0.113.7", **proxy).status_code
        for n in range(4)
    ]
    second_client = token_attempt("claire@exemple.fr", password=PASSWORD, HTTP_X_FORWARDED_FOR="203.0.113.8", **proxy)

    assert first_client == [400, 400, 400, 429]
    assert second_client.status_code == 200


def test_when_the_cache_is_down_the_token_endpoint_still_answers(claire, settings, caplog):
    settings.CACHES = DEAD_REDIS
    settings.API_LOGIN_RATE_PER_ACCOUNT = "1/hour"

    with caplog.at_level(logging.WARNING, logger="vae_inversee.api.accounts"):
        wrong = token_attempt("claire@exemple.fr")
        right = token_attempt("claire@exemple.fr", password=PASSWORD)

    assert wrong.status_code == 400 and right.status_code == 200
    assert "token" in right.json()
    assert any("le cache est indisponible" in record.getMessage() for record in caplog.records)


# ---- the portal and the admin (django-axes) ----------------------------------------------------------------


def test_an_account_is_locked_out_after_five_failures_from_anywhere(client, claire):
    statuses = [portal_attempt(client, "claire@exemple.fr", REMOTE_ADDR=f"203.0.113.{n}").status_code for n in range(5)]
    locked = portal_attempt(client, "claire@exemple.fr", PASSWORD, REMOTE_ADDR="203.0.113.99")

    assert statuses == [200, 200, 200, 200, 429]
    assert locked.status_code == 429
    html = locked.content.decode().replace("&#x27;", "'")
    assert "Trop de tentatives de connexion" in html and "Réessayez dans 15 minutes." in html
    assert "_auth_user_id" not in client.session


def test_the_lockout_counts_the_email_whatever_its_case(client, claire):
    for email in ["Claire@exemple.fr", "CLAIRE@EXEMPLE.FR", " claire@exemple.fr", "claire@Exemple.fr"]:
        portal_attempt(client, email)

    assert portal_attempt(client, "claire@exemple.fr").status_code == 429


def test_an_address_is_locked_out_after_five_failures_on_any_accounts(client, claire):
    statuses = [portal_attempt(client, f"p{n}@exemple.fr", REMOTE_ADDR="203.0.113.5").status_code for n in range(5)]

    assert statuses[-1] == 429
    assert portal_attempt(client, "claire@exemple.fr", PASSWORD, REMOTE_ADDR="203.0.113.5").status_code == 429
    assert portal_attempt(client, "claire@exemple.fr", PASSWORD, REMOTE_ADDR="203.0.113.6").status_code == 302


def test_behind_a_proxy_forged_addresses_do_not_escape_the_lockout(client, claire, behind_proxies):
    behind_proxies(1)
    for n in range(5):
        portal_attempt(
            client, f"p{n}@exemple.fr", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR=f"198.51.100.{n}, 203.0.113.7"
        )

    same_client = portal_attempt(
        client, "claire@exemple.fr", PASSWORD, REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.7"
    )
    other_client = portal_attempt(
        client, "claire@exemple.fr", PASSWORD, REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.8"
    )

    assert same_client.status_code == 429
    assert other_client.status_code == 302
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"203.0.113.7"}


def test_the_lockout_ends_after_the_cool_off(client, claire):
    for _ in range(5):
        portal_attempt(client, "claire@exemple.fr")
    AccessAttempt.objects.update(attempt_time=AccessAttempt.objects.get().attempt_time - datetime.timedelta(minutes=16))

    assert portal_attempt(client, "claire@exemple.fr", PASSWORD).status_code == 302


def test_the_admin_login_is_locked_out_too(client):
    UserFactory(email="admin@exemple.fr", is_staff=True, is_superuser=True)
    url = reverse("admin:login")
    statuses = [portal_attempt(client, "admin@exemple.fr", url=url).status_code for _ in range(5)]

    assert statuses == [200, 200, 200, 200, 429]
    assert portal_attempt(client, "admin@exemple.fr", PASSWORD, url=url).status_code == 429


def test_the_token_endpoint_is_left_to_its_own_throttles(claire):
    """Axes ignores the API (its throttles count there): API failures neither lock the portal nor are recorded."""
    for _ in range(6):
        token_attempt("claire@exemple.fr")

    assert not AccessAttempt.objects.exists()
    assert token_attempt("claire@exemple.fr", password=PASSWORD).status_code == 200


def test_the_portal_login_works_when_the_cache_is_down(client, claire, settings):
    settings.CACHES = DEAD_REDIS

    assert portal_attempt(client, "claire@exemple.fr").status_code == 200
    assert portal_attempt(client, "claire@exemple.fr", PASSWORD).status_code == 302


def test_the_test_client_login_still_works(client, claire):
    """authenticate() without a request (no client to count) goes to the next backend instead of raising."""
    assert client.login(username="claire@exemple.fr", password=PASSWORD)


# ---- one client address for both doors --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("proxies", "meta", "address"),
    [
        (0, {"REMOTE_ADDR": "203.0.113.9", "HTTP_X_FORWARDED_FOR": "198.51.100.1"}, "203.0.113.9"),
        (1, {"REMOTE_ADDR": "10.0.0.1", "HTTP_X_FORWARDED_FOR": "203.0.113.7"}, "203.0.113.7"),
        (1, {"REMOTE_ADDR": "10.0.0.1", "HTTP_X_FORWARDED_FOR": "198.51.100.1, 203.0.113.7"}, "203.0.113.7"),
        (1, {"REMOTE_ADDR": "10.0.0.1", "HTTP_X_FORWARDED_FOR": "192.168.1.20"}, "192.168.1.20"),
        (1, {"REMOTE_ADDR": "10.0.0.1"}, "10.0.0.1"),
        (2, {"REMOTE_ADDR": "10.0.0.1", "HTTP_X_FORWARDED_FOR": "198.51.100.1, 203.0.113.7, 10.0.0.2"}, "203.0.113.7"),
    ],
)
def test_axes_and_the_api_see_the_same_client_address(behind_proxies, proxies, meta, address):
    behind_proxies(proxies)
    request = RequestFactory().post("/connexion/", **meta)

    assert get_client_ip_address(request) == address
    assert LoginAddressThrottle().get_ident(request) == address

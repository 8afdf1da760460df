"""The portal page « Mes jetons d'API » (/compte/jetons/): list, create (shown once), revoke."""

import re

import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from tests.accounts.factories import UserFactory
from vae_inversee.accounts import services
from vae_inversee.accounts.models import ApiToken

pytestmark = pytest.mark.django_db

PAGE = "/compte/jetons/"


@pytest.fixture
def claire(client):
    user = UserFactory(role="project_holder", email="claire@exemple.fr")
    client.force_login(user)
    return user


def html_of(response) -> str:
    return response.content.decode().replace("&#x27;", "'")


def works(token: str) -> bool:
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return api.get("/api/v1/me/").status_code == 200


def test_the_header_links_to_the_page(client, claire):
    html = html_of(client.get(reverse("accounts:home"), follow=True))

    assert f'href="{PAGE}"' in html and "Mes jetons d'API" in html


def test_the_page_lists_the_users_valid_tokens_only(client, claire):
    services.api_token_issue(acting_user=claire, name="Logiciel de gestion")
    services.api_token_issue(acting_user=UserFactory(role="opco"), name="Jeton d'un autre")

    response = client.get(PAGE)

    html = html_of(response)
    assert response.status_code == 200
    assert "<h1>Mes jetons d'API</h1>" in html
    assert "Logiciel de gestion" in html and "Jeton d'un autre" not in html
    assert "1 jeton d'API" in html and "Révoquer" in html
    assert "valable 30 jours" in html


def test_an_empty_list_says_so(client, claire):
    assert "Aucun jeton d'API en cours de validité." in html_of(client.get(PAGE))


def test_a_new_token_is_shown_once_and_works(client, claire):
    response = client.post(PAGE, {"name": "Logiciel de gestion"})

    html = html_of(response)
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    value = re.search(r'id="nouveau-jeton" type="text" value="([0-9a-f]{64})"', html).group(1)
    assert "Copiez-le maintenant : il ne sera plus jamais affiché." in html
    assert works(value)
    assert ApiToken.objects.get(user=claire).name == "Logiciel de gestion"
    assert value not in html_of(client.get(PAGE))


def test_an_overlong_name_is_a_form_error(client, claire):
    response = client.post(PAGE, {"name": "x" * 101})

    assert response.status_code == 200
    assert "Le formulaire contient des erreurs" in html_of(response)
    assert not ApiToken.objects.exists()


def test_revoke_stops_the_token(client, claire):
    token, value = services.api_token_issue(acting_user=claire, name="Ancien logiciel")

    response = client.post(reverse("accounts:api_token_revoke", args=[token.pk]), follow=True)

    assert response.redirect_chain[-1][0] == PAGE
    assert "Le jeton « Ancien logiciel » est révoqué : il ne fonctionne plus." in html_of(response)
    assert not works(value)


def test_another_users_token_cannot_be_revoked_here(client, claire):
    token, value = services.api_token_issue(acting_user=UserFactory(role="opco"))

    response = client.post(reverse("accounts:api_token_revoke", args=[token.pk]))

    assert response.status_code == 404
    assert works(value)


def test_revoking_needs_a_post(client, claire):
    token, _ = services.api_token_issue(acting_user=claire)

    response = client.get(reverse("accounts:api_token_revoke", args=[token.pk]))
    assert response.status_code == 302 and response.url == reverse("accounts:api_tokens")
    assert client.put(reverse("accounts:api_token_revoke", args=[token.pk])).status_code == 405
    assert type(token).objects.filter(pk=token.pk).exists()


def test_the_page_needs_a_login(db):
    response = Client().get(PAGE)

    assert response.status_code == 302 and response.url.startswith(reverse("accounts:login"))

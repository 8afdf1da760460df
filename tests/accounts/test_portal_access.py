import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from tests.accounts.factories import OrganisationFactory, UserFactory
from vae_inversee.accounts.models import Membership

HOMES = {
    "project_holder": ("/porteur/", "Mes parcours", "Aucun parcours pour l'instant."),
    "companion": ("/accompagnement/", "Parcours accompagnés", "Aucun parcours à accompagner pour l'instant."),
    "opco": ("/opco/", "Dossiers à instruire", "Aucun dossier de financement à instruire pour l'instant."),
    "certifier": ("/certification/", "Recevabilités et jurys", "Aucune demande de recevabilité pour l'instant."),
    "ministry": ("/pilotage/", "Pilotage national", "Aucun parcours enregistré pour l'instant."),
}


def test_login_page_is_in_french(client, db):
    response = client.get(reverse("accounts:login"))
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="fr"' in html
    assert "Adresse électronique" in html and "Mot de passe" in html
    assert 'for="id_username"' in html  # every input has its label


def test_anonymous_visitor_is_sent_to_login(client, db):
    response = client.get("/porteur/")
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


@pytest.mark.parametrize("role", HOMES)
def test_each_role_logs_in_and_lands_on_its_home(client, db, role):
    user = UserFactory(role=role, email=f"{role}@exemple.fr")
    response = client.post(
        reverse("accounts:login"), {"username": f"{role.upper()}@exemple.fr", "password": "mot-de-passe-solide-2026"}
    )
    assert response.status_code == 302
    response = client.get(response.url, follow=True)
    path, heading, empty_message = HOMES[role]
    assert response.redirect_chain[-1][0] == path
    html = response.content.decode().replace("&#x27;", "'")
    assert f"<h1>{heading}" in html
    assert empty_message in html
    assert user.organisation.name in html


def test_wrong_password_gives_a_french_error(client, db):
    UserFactory(role="opco", email="claire@exemple.fr")
    response = client.post(reverse("accounts:login"), {"username": "claire@exemple.fr", "password": "faux"})
    assert response.status_code == 200
    assert "Adresse électronique ou mot de passe incorrect." in response.content.decode()


@pytest.mark.parametrize("role", HOMES)
def test_other_roles_homes_are_forbidden(client, db, role):
    client.force_login(UserFactory(role=role))
    for other_role, (path, _, _) in HOMES.items():
        response = client.get(path)
        assert response.status_code == (200 if other_role == role else 403), (role, path)
    assert "Accès refusé" in client.get(HOMES["ministry" if role != "ministry" else "opco"][0]).content.decode()


def test_user_without_organisation_is_told_so(client, db):
    client.force_login(UserFactory())
    response = client.get("/")
    assert response.status_code == 403
    assert "n'est rattaché à aucune organisation" in response.content.decode().replace("&#x27;", "'")


def test_logout_is_a_post_and_returns_to_login(client, db):
    client.force_login(UserFactory(role="companion"))
    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 302 and response.url == reverse("accounts:login")
    assert client.get("/accompagnement/").status_code == 302


def test_navigation_follows_the_role(client, db):
    client.force_login(UserFactory(role="opco"))
    html = client.get("/opco/").content.decode()
    assert 'href="/opco/" aria-current="page">Dossiers à instruire' in html
    assert "Mes parcours" not in html


def test_membership_role_must_match_organisation_kind(db):
    user = UserFactory()
    membership = Membership(user=user, organisation=OrganisationFactory(kind="companion"), role="opco")
    with pytest.raises(ValidationError) as error:
        membership.full_clean()
    assert "ne correspond pas au type de l'organisation" in error.value.message_dict["role"][0]


def test_ministry_home_counts_organisations(client, db):
    OrganisationFactory(kind="project_holder")
    OrganisationFactory(kind="project_holder")
    client.force_login(UserFactory(role="ministry"))
    response = client.get("/pilotage/")
    assert response.context["organisations"]["project_holder"] == 2
    assert response.context["organisations"]["opco"] == 11


def test_admin_lists_every_model(client, db):
    admin = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(admin)
    for url in [
        "/admin/accounts/user/",
        "/admin/accounts/organisation/",
        "/admin/accounts/membership/",
        "/admin/accounts/idccopco/",
        "/admin/accounts/collectiveagreement/",
        "/admin/pathways/employer/",
        "/admin/pathways/candidate/",
    ]:
        assert client.get(url).status_code == 200, url

"""Each demo login reaches its own home page in a real browser (Debian Chromium)."""

import re

import pytest

from tests.demo_snapshot import seeded_demo
from vae_inversee.demo.seed import DEMO_PASSWORD

DEMO_HOMES = [
    ("porteur@demo.vae", "/porteur/", "Mes parcours", "GEIQ Propreté Île-de-France"),
    ("accompagnateur@demo.vae", "/accompagnement/", "Parcours accompagnés", "Cap Parcours VAE"),
    ("opco@demo.vae", "/opco/", "Dossiers à instruire", "AKTO"),
    (
        "certificateur@demo.vae",
        "/certification/",
        "Recevabilités et jurys",
        "Ministère du Travail — titres professionnels",
    ),
    ("ministere@demo.vae", "/pilotage/", "Pilotage national", "Ministère du Travail — DGEFP"),
    # The candidate (no organisation): their own page, with the holder that follows them.
    ("candidat@demo.vae", "/mon-parcours/", "Mon parcours", "GEIQ Propreté Île-de-France"),
]


@pytest.fixture
def demo(transactional_db):
    seeded_demo()


def log_in(page, base_url, email):
    page.goto(f"{base_url}/connexion/")
    page.get_by_label("Adresse électronique").fill(email)
    page.get_by_label("Mot de passe").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Se connecter").click()


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_each_demo_role_reaches_its_home_page(page, live_server, demo):
    for email, path, heading, organisation in DEMO_HOMES:
        log_in(page, live_server.url, email)
        page.wait_for_url(re.compile(re.escape(path) + "$"))
        assert page.get_by_role("heading", level=1).inner_text().startswith(heading)
        assert organisation in page.content()
        # The DSFR stylesheet really loaded (the header is laid out, not raw HTML).
        assert page.locator(".fr-header").evaluate("e => getComputedStyle(e).display") != "inline"
        page.get_by_role("button", name="Se déconnecter").click()
        page.wait_for_url(re.compile(r"/connexion/$"))


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_admin_login_reaches_the_django_admin(page, live_server, demo):
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("#id_username", "admin@demo.vae")
    page.fill("#id_password", DEMO_PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url(re.compile(r"/admin/$"))
    assert "Organisations" in page.content()


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_wrong_password_is_explained(page, live_server, demo):
    page.goto(f"{live_server.url}/connexion/")
    page.get_by_label("Adresse électronique").fill("porteur@demo.vae")
    page.get_by_label("Mot de passe").fill("mauvais")
    page.get_by_role("button", name="Se connecter").click()
    assert page.get_by_text("Adresse électronique ou mot de passe incorrect.").is_visible()

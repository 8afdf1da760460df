"""Header and script defects a new user met (issue 15): the State logo clipped by long names, a
JavaScript error on every page."""

import pytest

from tests.accounts.factories import OrganisationFactory, UserFactory
from tests.e2e.test_demo_logins import log_in
from vae_inversee.demo.seed import DEMO_PASSWORD

LONG_ORGANISATION = (
    "Groupement d'employeurs pour l'insertion et la qualification Propreté et services associés Île-de-France"
)


def logo_and_tools(page):
    return page.evaluate(
        """() => ({
            logo: document.querySelector('.fr-header__logo .fr-logo').getBoundingClientRect().width,
            tools: Math.max(...[...document.querySelectorAll('.fr-header__tools-links li')]
                .map(li => li.getBoundingClientRect().right)),
        })"""
    )


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_the_state_logo_shows_whole_beside_long_names(page, live_server):
    user = UserFactory(
        email="long@exemple.fr",
        first_name="Marie-Christine-Élisabeth",
        last_name="de La Tour-Montgolfier-Dubreuil",
        organisation=OrganisationFactory(name=LONG_ORGANISATION),
    )
    user.set_password(DEMO_PASSWORD)
    user.save()
    page.goto(f"{live_server.url}/connexion/")
    whole = logo_and_tools(page)["logo"]
    log_in(page, live_server.url, user.email)
    page.wait_for_load_state()
    page.goto(f"{live_server.url}/notifications/")
    header = logo_and_tools(page)
    assert header["logo"] == pytest.approx(whole, abs=1), "the Marianne block shrank"
    assert header["tools"] <= 1280, "the header's links run off the page"
    # The full name stays readable (title) though cut on screen.
    assert LONG_ORGANISATION in page.locator("#utilisateur-connecte").get_attribute("title")


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_no_javascript_error_signed_out_or_in(page, live_server):
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    user = UserFactory(email="script@exemple.fr", role="opco")
    user.set_password(DEMO_PASSWORD)
    user.save()
    page.goto(f"{live_server.url}/connexion/")
    page.wait_for_load_state("networkidle")
    log_in(page, live_server.url, user.email)
    page.wait_for_load_state("networkidle")
    page.goto(f"{live_server.url}/notifications/")
    page.wait_for_load_state("networkidle")
    assert errors == []

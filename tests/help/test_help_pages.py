"""The help pages: public, one per role, the rules read from the code (phases, caps, contract limits),
every contextual help link pointing at an anchor that exists, the contact address everywhere."""

import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone

from funding.models import FundingPolicy
from pathways import contracts, workflow
from pathways.enums import PathwayPhase
from tests.accounts.factories import UserFactory
from tests.pathways.factories import PathwayFactory, candidate_account, staff_of
from vae_inversee.accounts.enums import MEMBER_ROLES, Role
from vae_inversee.lib.money import format_euros
from vae_inversee.www.errors import server_error
from vae_inversee.www.help.content import HELP_URL_NAMES, ROLE_PAGES, phase_anchor

ROOT = Path(__file__).resolve().parent.parent.parent
PAGES = ["help:index", *(f"help:{name}" for name, _, _, _ in ROLE_PAGES)]
HELP_LINK = re.compile(r'\{%\s*include\s+"includes/help_link.html"\s+with\s+anchor=("[^"]*"[^ ]*)')


def ids_of(html: str) -> set[str]:
    return set(re.findall(r'\bid="([^"]+)"', html))


@pytest.mark.django_db
@pytest.mark.parametrize("url_name", PAGES)
def test_each_help_page_is_public_and_states_the_rules_from_the_code(client, url_name):
    response = client.get(reverse(url_name))
    assert response.status_code == 200
    html = response.content.decode()
    # The phases and their moves come from the workflow's table.
    for phase in workflow.STEPS:
        assert PathwayPhase(phase).label in html
    policy = FundingPolicy.objects.in_force_on(timezone.localdate())
    if url_name in ("help:index", "help:project_holder", "help:opco", "help:ministry"):
        assert format_euros(policy.cap_total) in html
        for name in ("cap_teaching", "cap_design", "cap_support"):
            assert format_euros(getattr(policy, name)) in html
    assert "contact@vae-inversee.example" in html


@pytest.mark.django_db
def test_the_index_lists_every_move_with_its_roles_and_conditions(client):
    html = client.get(reverse("help:index")).content.decode()
    for phase in PathwayPhase.values:
        assert f'id="{phase_anchor(phase)}"' in html
    for transition in workflow.TRANSITIONS:
        assert transition.label in html
        for role in transition.roles:
            assert Role(role).label in html
    # A guard's own message, without one pathway's details.
    assert "Un accompagnateur doit être désigné pour le parcours." in html
    assert "Le dossier de financement n&#x27;est pas encore accordé par l&#x27;OPCO." in html
    assert "Le plan pédagogique ne couvre pas tous les blocs visés." in html
    assert "§" not in html and "01/01/1900" not in html
    assert f"au plus {contracts.MAX_MONTHS} mois" in html and f"au moins {contracts.MIN_AGE} ans" in html


@pytest.mark.django_db
def test_a_policy_change_shows_on_the_help_page(client):
    FundingPolicy.objects.update(cap_total="9500.00")
    assert format_euros(Decimal("9500")) in client.get(reverse("help:index")).content.decode()


@pytest.mark.django_db
def test_a_role_page_lists_the_moves_of_that_role_only(client):
    def own_moves(url_name):
        html = client.get(reverse(url_name)).content.decode()
        return html.split('id="vos-actions"', 1)[1].split("<h2", 1)[0]

    section = own_moves("help:certifier")
    assert "Clore le parcours" in section and "Passer en accompagnement" not in section
    section = own_moves("help:project_holder")
    assert "Passer en accompagnement" in section and "Renouveler le contrat" in section
    assert "Clore le parcours" not in section
    assert "Vous ne faites pas passer un parcours" in own_moves("help:candidate")


@pytest.mark.django_db
@pytest.mark.parametrize("role", sorted(MEMBER_ROLES))
def test_the_header_help_link_points_to_the_role_page(client, role):
    user = UserFactory(role=role)
    client.force_login(user)
    html = client.get(reverse("help:index")).content.decode()
    assert f'href="{reverse(HELP_URL_NAMES[role])}" id="help-link"' in html


@pytest.mark.django_db
def test_a_candidate_help_link_points_to_the_candidate_page(client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    pathway = PathwayFactory()
    client.force_login(candidate_account(pathway, staff_of(pathway)))
    html = client.get(reverse("help:index")).content.decode()
    assert f'href="{reverse(HELP_URL_NAMES[Role.CANDIDATE])}" id="help-link"' in html


@pytest.mark.django_db
def test_a_visitor_help_link_points_to_the_index(client):
    html = client.get(reverse("accounts:login")).content.decode()
    assert f'href="{reverse("help:index")}" id="help-link"' in html
    assert "mailto:contact@vae-inversee.example" in html


def test_every_contextual_help_link_points_to_an_existing_anchor(client, db):
    ids = ids_of(client.get(reverse("help:index")).content.decode())
    found = []
    for path in (ROOT / "templates").rglob("*.html"):
        for anchor in HELP_LINK.findall(path.read_text()):
            found.append((path.name, anchor))
            if anchor.startswith('"phase-"'):
                # The pathway page's link names its phase: every phase has its section.
                missing = [phase for phase in PathwayPhase.values if phase_anchor(phase) not in ids]
                assert not missing, (path, missing)
            else:
                assert anchor.strip('"') in ids, (path, anchor)
    pages = {name for name, _ in found}
    assert {"pathway.html", "file_detail.html", "project_detail.html", "_plan.html", "_jury.html"} <= pages
    assert {"pathway_payments.html", "payment_request_detail.html"} <= pages


@pytest.mark.django_db
def test_the_pathway_page_links_to_its_phase_help(client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    pathway = PathwayFactory()
    staff = staff_of(pathway)
    client.force_login(staff["project_holder"])
    html = client.get(reverse("pathways:detail", args=[pathway.pk])).content.decode()
    href = f"{reverse('help:index')}#{phase_anchor(pathway.phase)}"
    assert f'href="{href}"' in html
    assert "Aide : Information et positionnement" in html


@pytest.mark.django_db
def test_the_contact_address_is_a_setting_shown_on_errors(client, settings):
    settings.CONTACT_EMAIL = "aide@exemple.gouv.fr"
    assert "aide@exemple.gouv.fr" in client.get("/page-qui-n-existe-pas/").content.decode()
    assert "aide@exemple.gouv.fr" in client.get(reverse("help:opco")).content.decode()


def test_the_server_error_page_gives_the_contact(rf, settings):
    settings.CONTACT_EMAIL = "aide@exemple.gouv.fr"
    response = server_error(rf.get("/"))
    assert response.status_code == 500 and b"aide@exemple.gouv.fr" in response.content

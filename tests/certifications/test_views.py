import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from certifications.enums import VAE_ACCESS_ROUTE
from tests.certifications.factories import CertificationFactory, CertifierFactory, SkillBlockFactory
from vae_inversee.www.lists import PAGE_SIZE as CATALOGUE_PAGE_SIZE

LIST_URL = reverse("certifications:list")


@pytest.fixture
def portal(client, user):
    client.force_login(user)
    return client


def rows(response):
    return response.context["page"].object_list


def test_anonymous_is_sent_to_login(client, db):
    certification = CertificationFactory()

    for url in (LIST_URL, reverse("certifications:detail", args=[certification.pk])):
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith(reverse("accounts:login"))


def test_empty_catalogue(portal):
    response = portal.get(LIST_URL)

    assert response.status_code == 200
    assert "Aucune certification importée pour l'instant." in response.content.decode()


def test_list_shows_the_catalogue_table(portal):
    certifier = CertifierFactory(name="CONFEDE. NATIONALE BOULANGERS PATISSIERS")
    eligible = CertificationFactory(
        code="RNCP38001", title="CAP Boulanger", level=3, certifiers=[certifier], access_routes=[VAE_ACCESS_ROUTE]
    )
    SkillBlockFactory(certification=eligible, code="RNCP38001BC01")
    SkillBlockFactory(certification=eligible, code="RNCP38001BC02")
    SkillBlockFactory(certification=eligible, code="RNCP38001BC03", active=False)
    CertificationFactory(code="RNCP509", title="Agent vérificateur", active=False, access_routes=[VAE_ACCESS_ROUTE])

    response = portal.get(LIST_URL)

    html = response.content.decode()
    assert response.status_code == 200
    assert "<caption>" in html and "2 certifications" in html
    assert f'href="{reverse("certifications:detail", args=[eligible.pk])}"' in html
    assert "CAP Boulanger" in html and "CONFEDE. NATIONALE BOULANGERS PATISSIERS" in html
    assert "<td>2</td>" in html  # active blocks only
    assert html.count(">Ouverte à la VAE</p>") == 1
    assert ">Active</p>" in html and ">Inactive</p>" in html
    # The filter form works without JavaScript: a GET form with labelled fields.
    assert '<form method="get"' in html
    for field in ("id_q", "id_level", "id_active", "id_vae_eligible"):
        assert f'for="{field}"' in html and f'id="{field}"' in html


@pytest.mark.parametrize(
    "params, expected",
    [
        ({"q": "boulanger"}, ["RNCP38001", "RNCP38003"]),
        ({"q": "RNCP38002"}, ["RNCP38002"]),
        ({"vae_eligible": "on"}, ["RNCP38001"]),
        ({"level": "3"}, ["RNCP38001", "RNCP38003"]),
        ({"level": "none"}, ["RS6117"]),
        ({"active": "false"}, ["RNCP38003"]),
        ({"active": "true", "level": "3"}, ["RNCP38001"]),
        ({"q": "boulanger", "vae_eligible": "on"}, ["RNCP38001"]),
    ],
)
def test_list_filters(portal, params, expected):
    CertificationFactory(code="RNCP38001", title="CAP Boulanger", level=3, access_routes=[VAE_ACCESS_ROUTE])
    CertificationFactory(code="RNCP38002", title="BTS Management", level=5)
    CertificationFactory(
        code="RNCP38003", title="TP Boulanger", level=3, active=False, access_routes=[VAE_ACCESS_ROUTE]
    )
    CertificationFactory(code="RS6117", title="CQP Tourier", level=None)

    response = portal.get(LIST_URL, params)

    assert [certification.code for certification in rows(response)] == expected


def test_no_match_shows_an_empty_state_with_a_reset_link(portal):
    CertificationFactory(title="CAP Boulanger")

    response = portal.get(LIST_URL, {"q": "astronaute"})

    html = response.content.decode()
    assert "Aucune certification ne correspond à ces filtres." in html
    assert "Réinitialiser les filtres" in html
    assert "<table" not in html


def test_bad_filter_value_is_shown_not_a_crash(portal):
    CertificationFactory()

    response = portal.get(LIST_URL, {"level": "42"})

    assert response.status_code == 200
    assert "fr-select-group--error" in response.content.decode()


def test_pagination_keeps_the_filters(portal):
    for _ in range(CATALOGUE_PAGE_SIZE + 5):
        CertificationFactory(title="Titre professionnel de boulanger")
    CertificationFactory(title="Autre chose")

    first = portal.get(LIST_URL, {"q": "boulanger"})
    second = portal.get(LIST_URL, {"q": "boulanger", "page": 2})

    assert len(rows(first)) == CATALOGUE_PAGE_SIZE
    assert len(rows(second)) == 5
    html = first.content.decode()
    assert 'href="?q=boulanger&amp;page=2"' in html
    assert "page 1 sur 2" in html
    assert 'aria-current="page"' in html


def test_list_query_count_does_not_grow_with_the_page(portal):
    def queries_for_page():
        cache.clear()  # nothing kept (the header's unread count, issue 16): the same state for both pages
        with CaptureQueriesContext(connection) as context:
            assert portal.get(LIST_URL).status_code == 200
        return len(context.captured_queries)

    CertificationFactory(certifiers=2, blocks=3)
    one_row = queries_for_page()
    for _ in range(CATALOGUE_PAGE_SIZE):
        CertificationFactory(certifiers=2, blocks=3, access_routes=[VAE_ACCESS_ROUTE])
    full_page = queries_for_page()

    # Session, the user with their membership (accounts.backends), the candidate record (a user of no organisation: is it a candidate, kept
    # to « Mon parcours »?), then: COUNT, the page (with the eligibility EXISTS), the certifiers prefetch, the
    # active skill blocks prefetch, the header's unread notifications and the user's last read (the key the
    # header's unread messages count is kept under, issue 16).
    assert one_row == full_page == 9


def test_detail_lists_blocks_certifiers_and_access_routes(portal):
    certifier = CertifierFactory(siret="11004301500012", name="MINISTERE DE L'EDUCATION NATIONALE")
    certification = CertificationFactory(
        code="RNCP509",
        title="Agent vérificateur d'appareils extincteurs",
        level=3,
        active=False,
        certifiers=[certifier],
        access_routes=[VAE_ACCESS_ROUTE, "En contrat de professionnalisation"],
    )
    SkillBlockFactory(certification=certification, code="RNCP509BC01", title="UP1 : Vérification d'une installation")
    SkillBlockFactory(certification=certification, code="RNCP509BC02", title="Ancien bloc", active=False)

    response = portal.get(reverse("certifications:detail", args=[certification.pk]))

    html = response.content.decode()
    assert response.status_code == 200
    assert "<h1>Agent vérificateur d&#x27;appareils extincteurs</h1>" in html
    assert "RNCP509BC01" in html and "UP1 : Vérification d&#x27;une installation" in html
    assert "Retiré de la fiche" in html
    assert "MINISTERE DE L&#x27;EDUCATION NATIONALE" in html and "11004301500012" in html
    assert "Par expérience" in html and "En contrat de professionnalisation" in html
    assert "Niveau 3 (CAP, BEP)" in html
    assert ">Inactive</p>" in html
    assert "ne peut pas être visée par un parcours de VAE inversée : elle n'est plus active." in html
    assert "https://www.francecompetences.fr/recherche/rncp/509/" in html


def test_detail_of_an_eligible_rs_fiche(portal):
    certification = CertificationFactory(code="RS6117", register="RS", level=None, access_routes=[VAE_ACCESS_ROUTE])

    html = portal.get(reverse("certifications:detail", args=[certification.pk])).content.decode()

    assert "Cette certification peut être visée par un parcours de VAE inversée" in html
    assert ">Ouverte à la VAE</p>" in html
    assert "Sans niveau" in html
    assert "ne sont pas découpées en blocs de compétences" in html
    assert "https://www.francecompetences.fr/recherche/rs/6117/" in html


def test_unknown_detail_is_404(portal):
    assert portal.get(reverse("certifications:detail", args=[999999])).status_code == 404

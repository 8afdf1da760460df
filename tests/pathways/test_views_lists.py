"""The role queues: the project holder's and the companion's pathway lists, the certifier's queues."""

import pytest
from django.urls import reverse

from pathways.enums import PathwayPhase
from tests.accounts.factories import UserFactory
from tests.pathways.factories import CertificationFactory, EmployerFactory, PathwayFactory, staff_of, walk_to


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def holder_pathways(db):
    first = PathwayFactory()
    holder = first.project_holder
    others = PathwayFactory.create_batch(2, project_holder=holder, companion=first.companion)
    return holder, [first, *others]


def test_project_holder_home_lists_its_pathways_only(client, holder_pathways):
    holder, pathways = holder_pathways
    foreign = PathwayFactory()
    client.force_login(UserFactory(organisation=holder.organisation))

    response = client.get(reverse("pathways:project_holder_home"))

    assert response.status_code == 200
    html = response.content.decode()
    for pathway in pathways:
        assert pathway.reference in html
        assert reverse("pathways:detail", args=[pathway.pk]) in html
    assert foreign.reference not in html
    assert "<caption>" in html and "3 parcours" in html
    for label in ("Nouveau parcours", "Candidats", "Employeurs"):
        assert label in html
    # Counts per phase, as links filtering the list.
    assert "Information et positionnement (3)" in html
    assert "Accompagnement (0)" in html
    assert "?phase=support" in html


def test_filters_narrow_the_list_and_the_counts_follow_them(client, holder_pathways):
    holder, pathways = holder_pathways
    walked = walk_to(pathways[0], PathwayPhase.SUPPORT)
    other_employer = EmployerFactory(project_holder=holder, name="Boulangerie Martin")
    special = PathwayFactory(
        project_holder=holder, employer=other_employer, certification=CertificationFactory(vae_target=True)
    )
    client.force_login(UserFactory(organisation=holder.organisation))
    url = reverse("pathways:project_holder_home")

    html = client.get(url, {"phase": "support"}).content.decode()
    assert walked.reference in html and pathways[1].reference not in html
    assert "correspondant aux filtres" in html

    html = client.get(url, {"employer": other_employer.pk}).content.decode()
    assert special.reference in html and walked.reference not in html
    assert "Information et positionnement (1)" in html

    html = client.get(url, {"certification": special.certification_id}).content.decode()
    assert special.reference in html and pathways[1].reference not in html

    html = client.get(url, {"q": pathways[1].candidate.last_name}).content.decode()
    assert pathways[1].reference in html and special.reference not in html

    html = client.get(url, {"q": "introuvable"}).content.decode()
    assert "Aucun parcours ne correspond à ces filtres." in html


def test_list_is_paginated_by_25(client, db):
    first = PathwayFactory()
    PathwayFactory.create_batch(25, project_holder=first.project_holder, certification=first.certification)
    client.force_login(UserFactory(organisation=first.project_holder.organisation))

    html = client.get(reverse("pathways:project_holder_home")).content.decode()
    assert "page 1 sur 2" in html and 'aria-label="Pagination des parcours"' in html
    assert html.count('<td data-label="Référence"><a href="/parcours/') == 25
    html = client.get(reverse("pathways:project_holder_home"), {"page": 2}).content.decode()
    assert html.count('<td data-label="Référence"><a href="/parcours/') == 1


@pytest.mark.parametrize("count", [5, 30])
def test_list_query_count_does_not_grow_with_the_pathways(client, db, django_assert_num_queries, count):
    first = PathwayFactory()
    holder = first.project_holder
    for _ in range(count - 1):
        PathwayFactory(project_holder=holder, certification=first.certification, companion=first.companion)
    client.force_login(UserFactory(organisation=holder.organisation))
    # * session
    # * the user, with their membership (the role) and organisation (accounts.backends)
    # * phase counts (one aggregate query; the page's count is the chosen tag's, not counted again)
    # * unread notifications (header)
    # * unread messages (header) and the user's last read (the key it is kept under, issue 16)
    # * certifications of the filter
    # * employers of the filter
    # * page pks, then page rows (candidate, employer and OPCO, certification, companion joined)
    # * the user's saved filter sets for this list
    with django_assert_num_queries(11):
        response = client.get(reverse("pathways:project_holder_home"))
    assert response.status_code == 200


def test_companion_home_lists_its_organisation_pathways(client, db):
    pathway = PathwayFactory()
    colleague = UserFactory(organisation=pathway.companion.membership.organisation)
    foreign = PathwayFactory()
    client.force_login(colleague)

    response = client.get(reverse("pathways:companion_home"))

    assert response.status_code == 200
    html = response.content.decode()
    assert pathway.reference in html and foreign.reference not in html
    assert "Nouveau parcours" not in html


def test_empty_homes_say_so(client, project_holder_user, companion_user):
    client.force_login(project_holder_user)
    assert "Aucun parcours pour l'instant." in client.get("/porteur/").content.decode().replace("&#x27;", "'")
    client.force_login(companion_user)
    html = client.get("/accompagnement/").content.decode().replace("&#x27;", "'")
    assert "Aucun parcours à accompagner pour l'instant." in html


@pytest.mark.parametrize(
    ("role", "path"), [("opco", "/porteur/"), ("certifier", "/accompagnement/"), ("companion", "/porteur/")]
)
def test_queues_are_forbidden_to_other_roles(client, db, role, path):
    client.force_login(UserFactory(role=role))
    assert client.get(path).status_code == 403


def test_certifier_home_shows_its_admissibility_and_jury_queues(client, db):
    waiting = walk_to(PathwayFactory(), PathwayPhase.ADMISSIBILITY)
    certifier_org = waiting.certification.certifiers.first().organisation
    staff = staff_of(waiting)
    certification = waiting.certification
    running = walk_to(PathwayFactory(certification=certification), PathwayPhase.DELIVERY)
    judged = walk_to(PathwayFactory(certification=certification), PathwayPhase.EVALUATION)
    early = PathwayFactory(certification=certification)  # positioning: not the certifier's yet
    foreign = walk_to(PathwayFactory(), PathwayPhase.ADMISSIBILITY)
    client.force_login(UserFactory(organisation=certifier_org))

    response = client.get(reverse("evaluation:certifier_home"))

    assert response.status_code == 200
    assert [p.pk for p in response.context["page"].object_list] == [waiting.pk]
    assert response.context["queue_counts"] == {"recevabilite": 1, "jury": 2}
    html = response.content.decode()
    assert "À examiner" in html and "Jurys à enregistrer (2)" in html
    assert early.reference not in html and foreign.reference not in html

    response = client.get(reverse("evaluation:certifier_home"), {"file": "jury"})

    assert [p.pk for p in response.context["page"].object_list] == [judged.pk, running.pk]
    html = response.content.decode()
    assert "Session de jury" in html
    assert early.reference not in html and foreign.reference not in html
    assert staff["certifier"].organisation == certifier_org

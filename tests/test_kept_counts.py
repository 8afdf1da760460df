"""The lists' counts, kept per data version and user (evaluation.indicator_version.kept_count, issue 16):
exact, since any write of the watched data makes them unreachable; never another user's or another filter's;
renewed by the bulk writes that Django's model signals do not see (the RNCP import, the anonymisation)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from certifications.importer import SAMPLE_EXPORT, import_rncp_export
from evaluation import indicator_version
from tests.accounts.factories import UserFactory
from tests.conftest import api_as
from tests.pathways.factories import PathwayFactory

pytestmark = pytest.mark.django_db
LIST_URL = "/api/v1/pathways/"


def _counts(queries):
    return [query["sql"] for query in queries if query["sql"].startswith('SELECT COUNT(*) AS "__count" FROM "pathways')]


def test_the_api_count_is_kept_until_a_write_then_follows_it(ministry_user):
    PathwayFactory()
    client = api_as(ministry_user)
    with CaptureQueriesContext(connection) as first:
        assert client.get(LIST_URL).json()["count"] == 1
    with CaptureQueriesContext(connection) as again:
        assert client.get(LIST_URL, {"page_size": 5}).json()["count"] == 1
    assert len(_counts(first)) == 1 and _counts(again) == []
    PathwayFactory()  # a write: a new data version
    with CaptureQueriesContext(connection) as after:
        answer = client.get(LIST_URL, {"page_size": 1}).json()
    assert answer["count"] == 2 and answer["next"] and len(_counts(after)) == 1
    # Another filter is another count; another user another one too.
    assert client.get(LIST_URL, {"phase": "delivery"}).json()["count"] == 0
    holder_user = UserFactory(organisation=PathwayFactory().project_holder.organisation)
    assert api_as(holder_user).get(LIST_URL).json()["count"] == 1
    assert client.get(LIST_URL).json()["count"] == 3


def test_the_portal_count_is_kept_and_a_search_is_its_own_count(client, ministry_user):
    first = PathwayFactory(candidate__last_name="Lefèvre")
    PathwayFactory(candidate__last_name="Martin")
    client.force_login(ministry_user)
    url = reverse("evaluation:steering_pathways")
    assert client.get(url).context["page"].paginator.count == 2
    assert client.get(url, {"q": "lefevre"}).context["page"].paginator.count == 1
    with CaptureQueriesContext(connection) as again:
        page = client.get(url, {"q": "lefevre"}).context["page"]
    assert page.paginator.count == 1 and [p.pk for p in page.object_list] == [first.pk] and _counts(again) == []
    type(first.candidate).objects.filter(pk=first.candidate_id).update(last_name="Ngo")
    indicator_version.bump()  # an update() of a service sends no signal: it bumps itself (as the anonymisation)
    assert client.get(url, {"q": "lefevre"}).context["page"].paginator.count == 0


def test_the_rncp_import_renews_the_data_version():
    before = indicator_version.version()
    import_rncp_export(SAMPLE_EXPORT)
    assert indicator_version.version() != before


def _phase_counts(sql):
    return sql.startswith('SELECT "pathways_pathway"."phase"') and "GROUP BY" in sql


def test_the_phase_tags_are_kept_and_follow_a_write(client):
    first = PathwayFactory()
    holder = first.project_holder
    client.force_login(UserFactory(organisation=holder.organisation))
    url = reverse("pathways:project_holder_home")
    with CaptureQueriesContext(connection) as first_read:
        assert client.get(url).context["total"] == 1
    assert any(_phase_counts(q["sql"]) for q in first_read)
    with CaptureQueriesContext(connection) as again:
        response = client.get(url)
    assert response.context["total"] == 1 and not any(_phase_counts(q["sql"]) for q in again)
    PathwayFactory(project_holder=holder)
    response = client.get(url)
    assert response.context["total"] == 2 and response.context["page"].paginator.count == 2
    assert sum(row["count"] for row in response.context["phase_counts"]) == 2


def test_a_list_already_read_is_counted_as_it_is(ministry_user):
    assert indicator_version.kept_count(ministry_user, [1, 2, 3]) == 3
    assert indicator_version.kept_count(ministry_user, type(PathwayFactory()).objects.none()) == 0

"""Pages (vae_inversee.lib.pagination): the page's pks chosen first, then joined; the same rows in the same
order as a plain OFFSET, the same count/next/previous; two queries for a joined list's rows, one otherwise."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from pathways.models import Pathway
from tests.accounts.factories import UserFactory
from tests.conftest import api_as
from tests.pathways.factories import PathwayFactory, ProjectHolderFactory
from vae_inversee.lib import pagination

pytestmark = pytest.mark.django_db


@pytest.fixture
def holder_staff(monkeypatch):
    monkeypatch.setattr(pagination, "DEFERRED_FROM", 4)
    holder = ProjectHolderFactory()
    for _ in range(11):
        PathwayFactory(project_holder=holder)
    # Ties on the first sort key: the pk decides, in the subquery as in the page.
    Pathway.objects.filter(project_holder=holder).update(updated_at=Pathway.objects.first().updated_at)
    return UserFactory(organisation=holder.organisation)


@pytest.mark.parametrize("page", [1, 2, 3, 4])
def test_the_api_pages_are_those_of_a_plain_offset(holder_staff, page):
    expected = list(
        Pathway.objects.visible_to(holder_staff).order_by("-created_at", "-id").values_list("pk", flat=True)
    )
    answer = api_as(holder_staff).get(f"/api/v1/pathways/?page={page}&page_size=3").json()
    assert [row["id"] for row in answer["results"]] == expected[(page - 1) * 3 : page * 3]
    assert answer["count"] == 11
    assert (answer["next"] is None) == (page == 4) and (answer["previous"] is None) == (page == 1)


def test_the_paginator_pages_equal_slices(holder_staff):
    queryset = Pathway.objects.visible_to(holder_staff).select_related("candidate").order_by("-updated_at", "-id")
    expected = list(queryset.values_list("pk", flat=True))
    paginator = pagination.Paginator(queryset, 3)
    assert paginator.count == 11
    for number in paginator.page_range:
        with CaptureQueriesContext(connection) as queries:
            rows = [pathway.pk for pathway in paginator.page(number).object_list]
        assert rows == expected[(number - 1) * 3 : number * 3]
        # Its pks, then its rows with their candidate.
        assert len(queries) == 2


def test_a_deep_page_of_a_list_without_joins_is_still_one_query(holder_staff):
    queryset = Pathway.objects.visible_to(holder_staff).order_by("-updated_at", "-id")
    expected = list(queryset.values_list("pk", flat=True))
    paginator = pagination.Paginator(queryset, 3)
    for number in paginator.page_range:
        with CaptureQueriesContext(connection) as queries:
            rows = [pathway.pk for pathway in paginator.page(number).object_list]
        assert rows == expected[(number - 1) * 3 : number * 3]
        assert len(queries) == 1
        # From DEFERRED_FROM (4 here) rows on, the pks are chosen by a subquery.
        assert (" IN (SELECT " in queries[0]["sql"]) == (number > 2)


def _collapse_limit():
    with connection.connection.cursor() as cursor:
        cursor.execute("SHOW join_collapse_limit")
        return cursor.fetchone()[0]


def test_a_page_joining_many_tables_reads_its_pks_first_then_its_rows_joined_as_written(holder_staff):
    queryset = (
        Pathway.objects.visible_to(holder_staff)
        .select_related("candidate", "employer__opco", "certification", "companion")
        .prefetch_related("target_blocks")
        .order_by("-updated_at", "-id")
    )
    expected = list(queryset.values_list("pk", flat=True))
    paginator = pagination.Paginator(queryset, 3)
    assert paginator.count == 11
    seen = []

    def watch(execute, sql, params, many, context):
        if connection.vendor == "postgresql":
            seen.append((sql.split(" FROM ")[0][-40:], _collapse_limit()))
        return execute(sql, params, many, context)

    for number in paginator.page_range:
        seen.clear()
        with CaptureQueriesContext(connection) as queries, connection.execute_wrapper(watch):
            page = paginator.page(number).object_list
        assert [pathway.pk for pathway in page] == expected[(number - 1) * 3 : number * 3]
        # Related rows joined, prefetches done: nothing more is read.
        with CaptureQueriesContext(connection) as later:
            [
                (p.candidate.last_name, p.employer.opco.code, p.certification.code, list(p.target_blocks.all()))
                for p in page
            ]
        assert len(later) == 0
        # The pks, the joined rows, the prefetched blocks.
        assert len(queries) == 3, [q["sql"] for q in queries]
        # The rows by their pks alone: the scope's filter was the pks query's.
        assert "project_holder_id" in queries[0]["sql"].split(" WHERE ")[1]
        assert "project_holder_id" not in queries[1]["sql"].split(" WHERE ")[1]
        if connection.vendor == "postgresql":
            # Only the joined rows are read with the joins as written; the setting does not outlive them.
            assert [limit for _sql, limit in seen] == ["8", "1", "8"]
            assert _collapse_limit() == "8"


def test_a_page_joining_one_table_is_read_without_the_setting(holder_staff):
    """Below AS_WRITTEN_FROM related tables the join order is left to PostgreSQL (no transaction, no SET)."""
    queryset = Pathway.objects.visible_to(holder_staff).select_related("candidate").order_by("-updated_at", "-id")
    assert pagination._related_tables(queryset.query.select_related) == 1
    assert (
        pagination._related_tables(Pathway.objects.select_related("employer__opco", "candidate").query.select_related)
        == 3
    )
    seen = []

    def watch(execute, sql, params, many, context):
        if connection.vendor == "postgresql":
            seen.append(_collapse_limit())
        return execute(sql, params, many, context)

    with connection.execute_wrapper(watch):
        page = pagination.Paginator(queryset, 3).page(1)
    assert len(page.object_list) == 3
    if connection.vendor == "postgresql":
        assert seen == ["8", "8", "8"]  # the count, the pks, the rows


def test_a_pathways_page_is_read_joined_as_written_and_outside_the_scope_is_a_404(client, holder_staff):
    """The pathway page joins 15 tables (8 ms of planning for 0.7 ms of execution at 100 000 pathways):
    `get_joined` reads it, and its log, with the joins as written; nothing outlives the read."""
    pathway = Pathway.objects.filter(project_holder__organisation=holder_staff.membership.organisation).first()
    seen = []

    def watch(execute, sql, params, many, context):
        if (
            connection.vendor == "postgresql"
            and 'FROM "pathways_pathway"' in sql
            and '"pathways_pathway"."id" =' in sql
        ):
            seen.append(_collapse_limit())
        return execute(sql, params, many, context)

    client.force_login(holder_staff)
    with connection.execute_wrapper(watch):
        response = client.get(f"/parcours/{pathway.pk}/")
    assert response.status_code == 200 and response.context["pathway"] == pathway
    if connection.vendor == "postgresql":
        assert seen[0] == "1" and _collapse_limit() == "8"
    assert client.get(f"/parcours/{PathwayFactory().pk}/").status_code == 404  # another holder's

"""The paginator of every list, portal and API: a page that joins its related rows reads its pks first.

`OFFSET n` over a list that joins its related rows (select_related, annotations) builds the n skipped rows
with all their joins before throwing them away: 114 ms for page 2 000 of the API at 100 000 pathways
(docs/perf-explain.md); and PostgreSQL's search for the best order of eight joined tables costs 27–35 ms of
planning on every page, for rows it then finds in 1 ms; a search joins every match (13 000 « Martin » for
the Ministry) before keeping 20. So a list that joins its related rows (select_related) is read in two
queries: the page's pks on the list's own filters and order (the ordering index, no join it does not
need), then those rows by their pks (joined as written from AS_WRITTEN_FROM related tables on). Other
lists: from DEFERRED_FROM rows on, the page's pks are chosen by a subquery (`pk IN (SELECT id … ORDER BY … LIMIT … OFFSET …)`), still one query.
Either way the same rows in the same order, and the same count. One object's page with many related rows
(`get_joined`) is read joined as written too.
"""

from contextlib import contextmanager, nullcontext

from django.core.paginator import Paginator as DjangoPaginator
from django.db import connections, transaction
from django.db.models import QuerySet, prefetch_related_objects
from django.db.models.sql.where import WhereNode

DEFERRED_FROM = 200
# From this many related tables, the page's rows are joined as written: PostgreSQL planned 1 related table
# in 0.3 ms, 5 in 2 ms, 7–8 in 27–35 ms (100 000 pathways); below, the setting's own round trips cost more.
AS_WRITTEN_FROM = 4


class Paginator(DjangoPaginator):
    def __init__(self, object_list, per_page, *args, count=None, **kwargs):
        """`count`: the rows' number when the caller has just counted them (a list's tags), not counted again."""
        super().__init__(object_list, per_page, *args, **kwargs)
        if count is not None:
            self.count = count  # Django's `count` is a cached property: this is its value

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        queryset = self.object_list
        if not self._deferrable(queryset):
            return super().page(number)
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        if queryset.query.select_related:
            return self._get_page(self._joined_page(queryset, bottom, top), number, self)
        if bottom < DEFERRED_FROM:
            return super().page(number)
        page_pks = queryset.values("pk")[bottom:top]
        return self._get_page(queryset.filter(pk__in=page_pks), number, self)

    @staticmethod
    def _joined_page(queryset, bottom, top) -> list:
        """A list that joins its related rows: the page's pks first, on the list's own filters and order (no
        join but those they need), then those rows only, joined in the order the query writes them (see
        `joins_as_written`), prefetches after. The same rows in the same order as one query would give."""
        pks = list(queryset.values_list("pk", flat=True)[bottom:top])
        # The rows by their pks alone: the list's filters (a search's subqueries, the scope) chose them already.
        rows = queryset.order_by()
        rows.query.where = WhereNode()
        rows = rows.filter(pk__in=pks)
        lookups, rows._prefetch_related_lookups = rows._prefetch_related_lookups, ()
        with _as_written_if_many(queryset):
            by_pk = {row.pk: row for row in rows}
        page = [by_pk[pk] for pk in pks if pk in by_pk]
        if lookups:
            prefetch_related_objects(page, *lookups)
        return page

    @staticmethod
    def _deferrable(queryset) -> bool:
        # A DISTINCT list (the certifier's scope) could not order its pks alone; MySQL refuses LIMIT in IN.
        return (
            isinstance(queryset, QuerySet)
            and queryset.ordered
            and not queryset.query.distinct
            and not queryset.query.is_sliced
            and connections[queryset.db].features.allow_sliced_subqueries_with_in
        )


def get_joined(queryset, **lookup):
    """`queryset.get(**lookup)`, its related rows joined in the written order when there are many of them (see
    `joins_as_written`): a pathway's page joins 15 tables, planned in 8.5 ms for 0.7 ms of execution at
    100 000 pathways, in ~1 ms as written (the pathway by its pk first, then each row by its own)."""
    with _as_written_if_many(queryset):
        try:
            return queryset.get(**lookup)
        except queryset.model.DoesNotExist as error:
            # Raised outside the setting's block: leaving it by an exception would doom an outer transaction.
            missing = error
    raise missing


def _as_written_if_many(queryset):
    """`joins_as_written` from AS_WRITTEN_FROM related tables on; below, nothing (PostgreSQL plans them fast)."""
    if _related_tables(queryset.query.select_related) >= AS_WRITTEN_FROM:
        return joins_as_written(queryset.db)
    return nullcontext()


def _related_tables(select_related) -> int:
    """How many related tables `select_related` joins (`True`, every non-null one: counted as many)."""
    if select_related is True:
        return AS_WRITTEN_FROM
    return sum(1 + _related_tables(nested) for nested in (select_related or {}).values())


@contextmanager
def joins_as_written(alias):
    """PostgreSQL joins the tables in the order the query writes them (`join_collapse_limit = 1`): for a
    page's rows chosen by their pks, the main table by its primary key then each related row by its own.
    Searching every join order costs more than the query: 27–35 ms of planning for the OPCO queue's and the
    Ministry's eight-table pages at 100 000 pathways, 1.5 ms as written (issue 16). The setting is local to
    a transaction of its own, set and restored through the driver's cursor (a setting, not a query)."""
    connection = connections[alias]
    if connection.vendor != "postgresql":
        yield
        return
    # No savepoint inside an outer transaction: nothing to roll back for a read, and an error there ends the
    # outer transaction with the setting anyway.
    with transaction.atomic(using=alias, savepoint=False):
        connection.ensure_connection()
        with connection.connection.cursor() as cursor:
            cursor.execute("SET LOCAL join_collapse_limit = 1")
        yield
        # Inside an outer transaction (a write view, a test) SET LOCAL would outlive this block.
        with connection.connection.cursor() as cursor:
            cursor.execute("SET LOCAL join_collapse_limit = DEFAULT")

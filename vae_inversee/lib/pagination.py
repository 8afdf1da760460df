"""The paginator of every list, portal and API: deep pages in one query that sorts only the page's rows.

`OFFSET n` over a list that joins its related rows (select_related, annotations) builds the n skipped rows
with all their joins before throwing them away: 114 ms for page 2 000 of the API at 100 000 pathways
(docs/perf-explain.md). From DEFERRED_FROM rows on, the page's primary keys are chosen first by a subquery
that reads the ordering index alone (`pk IN (SELECT id … ORDER BY … LIMIT … OFFSET …)`), and only those rows
are joined: the same rows in the same order, the same count, still one query.
"""

from django.core.paginator import Paginator as DjangoPaginator
from django.db import connections
from django.db.models import QuerySet

DEFERRED_FROM = 200


class Paginator(DjangoPaginator):
    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        queryset = self.object_list
        if bottom < DEFERRED_FROM or not self._deferrable(queryset):
            return super().page(number)
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        page_pks = queryset.values("pk")[bottom:top]
        return self._get_page(queryset.filter(pk__in=page_pks), number, self)

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

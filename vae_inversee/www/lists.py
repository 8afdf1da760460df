"""The portal's lists (product.md section 13, « Lists »): one toolkit for every list page.

A list declares its columns once (`Column`: key, French label, ORM ordering, typed export value) in a
`ListSpec`; `ListSpec.respond()` then

- sorts by `?tri=<colonne>` / `?tri=-<colonne>` (unknown keys are ignored, the pk breaks ties),
- searches `?q=` across accents and case over the spec's fields (vae_inversee.lib.search) or with the
  model's own `QuerySet.search` (`QUERYSET_SEARCH`),
- answers `?format=csv` / `?format=xlsx` with exactly the filtered and sorted rows (every page) and the
  shown columns, typed (dates, euros) — the same URL, so the same access rules,
- paginates, and gives the template the column headers (links, `aria-sort`), the export links and the
  user's saved filter sets for this list.

Filters, sort and page all live in the URL; every link keeps the other parameters.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import F
from django.shortcuts import render
from django.utils import timezone

from evaluation.indicator_version import kept_count
from vae_inversee.accounts import selectors as account_selectors
from vae_inversee.lib.pagination import Paginator
from vae_inversee.lib.search import folded_search
from vae_inversee.lib.spreadsheets import csv_response, xlsx_response

PAGE_SIZE = 25
SORT_PARAM = "tri"
SEARCH_MAX_LENGTH = 100
# `ListSpec(search=QUERYSET_SEARCH)`: the model's own `QuerySet.search(text)` (the pathway's folded search
# text, pathways.models) rather than an OR of LIKEs over the spec's fields.
QUERYSET_SEARCH = "queryset"
EXPORT_FORMATS = ("csv", "xlsx")
EXPORT_CHUNK = 500

# The URL names of the lists whose filters may be saved (filled by the specs below and in the views).
SAVED_FILTER_LISTS: set[str] = set()


def paginate(request, queryset, page_size=PAGE_SIZE, count=None) -> dict:
    """The context a list template's pagination partial expects: `page` and `page_range`. `count`: the
    rows' number when the page already counted them (its filter tags), else counted once per data version
    (`kept_count`)."""
    if count is None:
        count = kept_count(request.user, queryset)
    page = Paginator(queryset, page_size, count=count).get_page(request.GET.get("page"))
    return {"page": page, "page_range": page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1)}


def tag_count(rows, total, key, current) -> int:
    """The rows a list shows when its tags (counts per `key`, every other filter applied) are computed: the
    current tag's count, or the total when none is chosen (so the paginator does not count them again)."""
    if not current:
        return total
    return next((row["count"] for row in rows if row[key] == current), 0)


def filtered(request) -> bool:
    """Whether the list is filtered (any query parameter but the page, the sort and an export's format)."""
    return any(value for name, value in request.GET.items() if name not in ("page", SORT_PARAM, "format"))


def local_date(value):
    """A stored moment as the local day (XLSX cells hold no time zone)."""
    if value is None:
        return None
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).date()
    return value


def local_moment(value):
    """A stored moment in local time, without its time zone (an XLSX cell)."""
    if value is None:
        return None
    return timezone.localtime(value).replace(tzinfo=None, microsecond=0)


@dataclass(frozen=True)
class Column:
    """One column of a list: `order` the ORM field(s) it sorts by (None: not sortable), `value` its export
    cell (a date, a Decimal for euros, an int or text)."""

    key: str
    label: str
    order: tuple | str | None
    value: Callable[[Any], Any]

    def orderings(self, descending: bool) -> list:
        fields = tuple(self.order) if isinstance(self.order, tuple | list) else (self.order,)
        expressions = [F(field) if isinstance(field, str) else field for field in fields]
        if descending:
            return [expression.desc(nulls_last=True) for expression in expressions]
        return [expression.asc(nulls_first=True) for expression in expressions]


class ListSpec:
    """A list's columns, search fields and export names; `respond()` renders it (or exports it)."""

    def __init__(self, *, columns, lists, search=(), filename, title, empty="—"):
        self.columns = list(columns)
        self.by_key = {column.key: column for column in self.columns}
        self.search = search if search == QUERYSET_SEARCH else tuple(search)
        self.filename = filename
        self.title = title
        self.empty = empty
        SAVED_FILTER_LISTS.update(lists)

    # ---- the query --------------------------------------------------------------------------------------

    def sort_key(self, request) -> str:
        """The valid `?tri=` value ("" when absent or unknown)."""
        raw = (request.GET.get(SORT_PARAM) or "").strip()
        column = self.by_key.get(raw.removeprefix("-"))
        return raw if column is not None and column.order is not None else ""

    def sorted(self, request, queryset):
        key = self.sort_key(request)
        if not key:
            return queryset
        descending = key.startswith("-")
        column = self.by_key[key.removeprefix("-")]
        return queryset.order_by(*column.orderings(descending), "-pk" if descending else "pk")

    def searched(self, request, queryset):
        if not self.search:
            return queryset
        text = (request.GET.get("q") or "")[:SEARCH_MAX_LENGTH]
        if self.search == QUERYSET_SEARCH:
            return queryset.search(text)
        query = folded_search(self.search, text)
        return queryset.filter(query) if query else queryset

    def apply(self, request, queryset):
        """Search then sort: the rows the page shows and the export writes."""
        return self.sorted(request, self.searched(request, queryset))

    # ---- the answer ----------------------------------------------------------------------------------

    def headers(self, request) -> list[dict]:
        """The column headers: the sort a click gives, `aria-sort` for the current one."""
        current = self.sort_key(request)
        headers = []
        for column in self.columns:
            header = {"key": column.key, "label": column.label, "sortable": column.order is not None, "aria_sort": ""}
            if current == column.key:
                header.update(next=f"-{column.key}", aria_sort="ascending")
            elif current == f"-{column.key}":
                header.update(next=column.key, aria_sort="descending")
            else:
                header["next"] = column.key
            headers.append(header)
        return headers

    def rows(self, queryset):
        """The export's rows, read in chunks (never the whole table in memory)."""
        for obj in queryset.iterator(chunk_size=EXPORT_CHUNK):
            yield [self._cell(column.value(obj)) for column in self.columns]

    def _cell(self, value):
        return self.empty if value is None or value == "" else value

    def export(self, file_format, queryset):
        headers = [column.label for column in self.columns]
        filename = f"{self.filename}-{timezone.localdate():%Y-%m-%d}"
        if file_format == "csv":
            return csv_response(headers, self.rows(queryset), filename)
        return xlsx_response(headers, self.rows(queryset), filename, self.title)

    def respond(self, request, template, context, queryset, *, status=200, page_size=PAGE_SIZE, searched=False,
                count=None):  # fmt: skip
        """The list page, or its export when `?format=csv|xlsx`. `searched`: the view already applied `q`;
        `count`: the rows' number, when the view already counted them (`tag_count`)."""
        queryset = self.sorted(request, queryset if searched else self.searched(request, queryset))
        file_format = request.GET.get("format")
        if file_format in EXPORT_FORMATS:
            return self.export(file_format, queryset)
        list_key = request.resolver_match.view_name
        context = {
            **context,
            "filtered": filtered(request),
            "columns": self.headers(request),
            "sort": self.sort_key(request),
            "list_key": list_key,
            "saved_filters": list(account_selectors.saved_filters_of(request.user, list_key)),
            "filters_query": request.GET.urlencode(),
            **paginate(request, queryset, page_size, count),
        }
        return render(request, template, context, status=status)


def person(user) -> str:
    if user is None:
        return ""
    return user.get_full_name() or user.email

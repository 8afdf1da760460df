"""Pagination of the portal's lists (one helper for every list page)."""

from django.core.paginator import Paginator

PAGE_SIZE = 25


def paginate(request, queryset, page_size=PAGE_SIZE) -> dict:
    """The context a list template's pagination partial expects: `page` and `page_range`."""
    page = Paginator(queryset, page_size).get_page(request.GET.get("page"))
    return {"page": page, "page_range": page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1)}


def filtered(request) -> bool:
    """Whether the list is filtered (any query parameter but the page)."""
    return any(value for name, value in request.GET.items() if name != "page")

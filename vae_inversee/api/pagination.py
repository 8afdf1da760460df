"""Pagination of every list (product.md section 9): `{"count", "next", "previous", "results"}`."""

from functools import partial

from rest_framework.exceptions import ValidationError
from rest_framework.pagination import PageNumberPagination

from evaluation.indicator_version import kept_count
from vae_inversee.lib.pagination import Paginator


def _positive_integer(request, name):
    raw = request.query_params.get(name)
    if raw is None:
        return None
    if not raw.isdigit() or int(raw) < 1:
        raise ValidationError({name: ["Indiquez un nombre entier supérieur ou égal à 1."]})
    return int(raw)


class Pagination(PageNumberPagination):
    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 200
    invalid_page_message = "Page invalide."
    # Deep pages choose their pks on the ordering index before joining (vae_inversee.lib.pagination).
    django_paginator_class = Paginator

    def paginate_queryset(self, queryset, request, view=None):
        # A malformed page size is a 400 naming it (not silently the default); a page that is not one
        # (beyond the last, "abc", 0) is a 404 "Page invalide.", as DRF answers it.
        _positive_integer(request, self.page_size_query_param)
        # The count, exact, kept per data version and user (evaluation.indicator_version.kept_count): a page
        # after the first, or the same list read again, does not count 100 000 rows again.
        self.django_paginator_class = partial(Paginator, count=kept_count(request.user, queryset))
        return super().paginate_queryset(queryset, request, view)

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            parameter["schema"]["minimum"] = 1
            if parameter["name"] == self.page_size_query_param:
                parameter["description"] = (
                    f"Nombre de résultats par page ({self.page_size} par défaut, {self.max_page_size} au plus)."
                )
            else:
                parameter["description"] = "Numéro de la page (1 pour la première) ; au-delà de la dernière : 404."
        return parameters

"""The API's filter backend: django-filter's, where a parameter sent empty (`?phase=`) is a 400 naming it
rather than silently ignored (the schema declares each parameter's values; the portal's forms, which
send empty selects for "all", keep django-filter's own leniency)."""

import django_filters
from django import forms
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework.exceptions import ValidationError


class FilterBackend(DjangoFilterBackend):
    def get_filterset(self, request, queryset, view):
        filterset = super().get_filterset(request, queryset, view)
        if filterset is not None:
            empty = [
                name for name in filterset.filters if name in request.query_params and not request.query_params[name]
            ]
            if empty:
                raise ValidationError(
                    {name: ["Ce paramètre ne peut pas être vide : retirez-le pour ne pas filtrer."] for name in empty}
                )
        return filterset


# The largest id a PostgreSQL integer column holds; beyond it an id cannot exist.
MAX_ID = 2**63 - 1


class IdFilter(django_filters.NumberFilter):
    """A positive whole id: `?certification=1.5` or `?certification=abc` is a 400, not a silent cast."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        kwargs.setdefault(
            "error_messages",
            {
                "invalid": "Identifiant invalide : un nombre entier est attendu.",
                "min_value": "Identifiant invalide : un nombre entier positif est attendu.",
                "max_value": "Identifiant invalide : nombre trop grand.",
            },
        )
        super().__init__(*args, **kwargs)

    def get_max_validator(self):
        # max_value above already bounds the id.
        return None

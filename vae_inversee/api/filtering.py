"""The API's filter backend: django-filter's, where a parameter sent empty (`?phase=`) is a 400 naming it
rather than silently ignored (the schema declares each parameter's values; the portal's forms, which
send empty selects for "all", keep django-filter's own leniency)."""

from datetime import UTC

import django_filters
from django import forms
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework.exceptions import ValidationError
from rest_framework.filters import BaseFilterBackend


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


class UpdatedSinceFilter(BaseFilterBackend):
    """The sync feed (product.md section 14): `?updated_since=<ISO 8601>` keeps what changed at or after
    that moment, ordered by (`updated_at`, `id`) so that a client pages through the changes without missing
    any. A view names its moment field `sync_field` (default `updated_at`; the append-only records use
    their recording time). Deletions and anonymisations are in `GET /api/v1/tombstones/`."""

    PARAMETER = "updated_since"

    def filter_queryset(self, request, queryset, view):
        value = request.query_params.get(self.PARAMETER)
        if value is None:
            return queryset
        try:
            moment = parse_datetime(value.strip()) if value.strip() else None
            if moment is not None:
                moment = (moment if timezone.is_aware(moment) else timezone.make_aware(moment)).astimezone(UTC)
        except (ValueError, OverflowError):  # well formed, not a real moment (month 13, beyond year 9999)
            moment = None
        if moment is None:
            raise ValidationError(
                {self.PARAMETER: ["Date et heure invalides : format ISO 8601 attendu (2026-03-01T08:00:00Z)."]}
            )
        field = getattr(view, "sync_field", "updated_at")
        return queryset.filter(**{f"{field}__gte": moment}).order_by(field, "pk")

    def get_schema_operation_parameters(self, view):
        return [
            {
                "name": self.PARAMETER,
                "required": False,
                "in": "query",
                "description": (
                    "Synchronisation : seuls les objets modifiés à partir de ce moment (ISO 8601, inclus), "
                    "triés par date de modification puis identifiant. Les suppressions et anonymisations sont "
                    "dans /api/v1/tombstones/."
                ),
                "schema": {"type": "string", "format": "date-time"},
            }
        ]

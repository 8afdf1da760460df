"""Filters of the projects resource: `?status=`, `?region=`, `?q=` (reference or title)."""

import django_filters
from django.db.models import Q

from pathways.enums import ProjectStatus, Region
from pathways.models import Project


class ProjectFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=ProjectStatus.choices, help_text="Statut du projet.")
    region = django_filters.ChoiceFilter(
        choices=Region.choices, method="filter_region", help_text="Code INSEE d'une région du projet."
    )
    q = django_filters.CharFilter(method="filter_q", help_text="Référence ou intitulé.")

    class Meta:
        model = Project
        fields = ["status", "region", "q"]

    def filter_region(self, queryset, name, value):
        # JSON containment is not on SQLite: the code is matched quoted inside the stored list.
        return queryset.filter(regions__icontains=f'"{value}"')

    def filter_q(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(Q(reference__icontains=value) | Q(title__icontains=value)) if value else queryset

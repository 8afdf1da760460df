"""Filters of the pathway list (API). A value that cannot be understood is a 400, never ignored."""

import django_filters

from pathways.enums import PathwayPhase
from pathways.models import Pathway
from vae_inversee.accounts.models import Organisation
from vae_inversee.api.filtering import IdFilter


class PathwayFilter(django_filters.FilterSet):
    phase = django_filters.ChoiceFilter(
        choices=PathwayPhase.choices,
        label="Phase",
        error_messages={
            "invalid_choice": "« %(value)s » n'est pas une phase connue : " + ", ".join(PathwayPhase.values) + "."
        },
    )
    opco = django_filters.ModelChoiceFilter(
        field_name="employer__opco",
        to_field_name="code",
        queryset=Organisation.objects.opcos(),
        label="OPCO",
        help_text="Code de l'OPCO de l'employeur (ex. AKTO).",
        error_messages={"invalid_choice": "« %(value)s » n'est pas un code d'OPCO connu (ex. AKTO)."},
    )
    certification = IdFilter(field_name="certification_id", label="Certification", help_text="Identifiant.")
    project_holder = IdFilter(
        field_name="project_holder_id", label="Porteur de projet", help_text="Identifiant de l'organisation."
    )
    q = django_filters.CharFilter(
        method="filter_q",
        label="Recherche",
        max_length=200,
        help_text="Référence, nom ou prénom du candidat, nom de l'employeur, code exact ou intitulé de la certification.",
    )

    class Meta:
        model = Pathway
        fields = []

    def filter_q(self, queryset, name, value):
        return queryset.search(value)

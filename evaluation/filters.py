"""The filters of the national steering (product.md section 8), parsed once and shared by the three doors:
the dashboard and exports of the portal, the indicators API, and the browsable pathway lists.

A `FilterSet` reads a dictionary of parameters (the query string); it does not touch HTTP. It is always
applied to `Pathway.objects.visible_to(user)`, and the choices it accepts are those the user may see: a
project holder or a certification outside one's scope is an invalid choice (a French error), not a leak.
"""

import datetime

import django_filters
from django import forms
from django.db.models import Case, IntegerField, Value, When

from certifications.filters import CERTIFICATION_HELP, LEVEL_CHOICES, NO_LEVEL, CertificationCodeFilter
from certifications.models import Certification
from evaluation.indicator_version import remember
from pathways.enums import PathwayPhase
from pathways.models import Pathway, Project, ProjectHolder
from vae_inversee.accounts.models import Organisation
from vae_inversee.lib.dates import LATEST, day_start, out_of_range

# The largest id a bigint column holds: beyond it (or not a whole positive number) an id cannot exist.
MAX_ID = 2**63 - 1


class IdChoiceField(django_filters.fields.ModelChoiceField):
    """A model chosen by its id, refused before any query when the id cannot be one (`-5`, `1e99`, `abc`)."""

    def to_python(self, value):
        if value not in self.empty_values and not (str(value).isdigit() and 0 < int(str(value)) <= MAX_ID):
            raise forms.ValidationError(
                self.error_messages["invalid_choice"], code="invalid_choice", params={"value": value}
            )
        return super().to_python(value)


class IdChoiceFilter(django_filters.ModelChoiceFilter):
    field_class = IdChoiceField


DATE_ERRORS = {"invalid": "Indiquez une date au format AAAA-MM-JJ (par exemple 2026-01-31)."}


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


def _invalid_choice(what):
    return {"invalid_choice": f"« %(value)s » n'est pas {what}."}


class IndicatorFilter(django_filters.FilterSet):
    """The dashboard's, the exports' and the indicators API's filters (GET parameters)."""

    # A French calendar day, compared as the instants it spans (the index on created_at serves both bounds).
    created_from = django_filters.DateFilter(
        method="filter_created_from",
        label="Ouverts à partir du",
        help_text="Date d'ouverture du parcours, incluse (AAAA-MM-JJ).",
        widget=DateInput,
        error_messages=DATE_ERRORS,
    )
    created_to = django_filters.DateFilter(
        method="filter_created_to",
        label="Ouverts jusqu'au",
        help_text="Date d'ouverture du parcours, incluse (AAAA-MM-JJ).",
        widget=DateInput,
        error_messages=DATE_ERRORS,
    )
    region = django_filters.ChoiceFilter(
        field_name="project_holder__organisation__region",
        label="Région",
        help_text="Région du porteur de projet, telle qu'enregistrée.",
        empty_label="Toutes les régions",
        error_messages=_invalid_choice("une région des parcours que vous voyez"),
    )
    opco = django_filters.ModelChoiceFilter(
        field_name="employer__opco",
        to_field_name="code",
        queryset=Organisation.objects.opcos().order_by("code"),
        label="OPCO",
        help_text="Code de l'OPCO de l'employeur (ex. AKTO).",
        empty_label="Tous les OPCO",
        error_messages=_invalid_choice("un code d'OPCO connu (ex. AKTO)"),
    )
    project_holder = IdChoiceFilter(
        field_name="project_holder",
        queryset=ProjectHolder.objects.none(),
        label="Porteur de projet",
        help_text="Identifiant de l'organisation du porteur de projet.",
        empty_label="Tous les porteurs",
        error_messages=_invalid_choice("un porteur de projet des parcours que vous voyez"),
    )
    project = IdChoiceFilter(
        field_name="project",
        queryset=Project.objects.none(),
        label="Projet",
        help_text="Identifiant du projet accepté auquel appartient le parcours.",
        empty_label="Tous les projets",
        error_messages=_invalid_choice("un projet des parcours que vous voyez"),
    )
    level = django_filters.ChoiceFilter(
        method="filter_level",
        choices=LEVEL_CHOICES,
        label="Niveau de certification",
        help_text="3 à 8, ou « none » pour les certifications sans niveau.",
        empty_label="Tous les niveaux",
        error_messages=_invalid_choice("un niveau valide : 3 à 8, ou none"),
    )

    class Meta:
        model = Pathway
        fields = []

    def __init__(self, data=None, queryset=None, *, user, **kwargs):
        """`queryset`: the pathways `user` may see (by default `Pathway.objects.visible_to(user)`)."""
        queryset = Pathway.objects.visible_to(user) if queryset is None else queryset
        super().__init__(data, queryset=queryset, **kwargs)
        self.user = user
        visible = Pathway.objects.visible_to(user).order_by()
        self.filters["project_holder"].queryset = (
            ProjectHolder.objects.filter(pk__in=visible.values("project_holder_id"))
            .select_related("organisation")
            .order_by("organisation__name", "pk")
        )
        self.filters["project"].queryset = Project.objects.filter(pk__in=visible.values("project_id")).order_by(
            "reference", "pk"
        )
        # The regions of the visible holders, kept per data version and user like the other dropdowns
        # (vae_inversee.www.forms.keep_model_choices): they are also the values the form accepts.
        self.filters["region"].extra["choices"] = lambda: remember(
            user,
            f"choices:{type(self).__name__}:region",
            lambda: [
                (region, region)
                for region in Organisation.objects.filter(pk__in=visible.values("project_holder_id"))
                .exclude(region="")
                .order_by("region")
                .values_list("region", flat=True)
                .distinct()
            ],
        )

    @property
    def form(self):
        form = super().form
        labels = {
            "project_holder": lambda holder: holder.organisation.name,
            "project": lambda project: f"{project.reference} — {project.title}" if project.reference else project.title,
        }
        for name, label in labels.items():
            if name in form.fields:
                form.fields[name].label_from_instance = label
        return form

    def filter_level(self, queryset, name, value):
        if value == NO_LEVEL:
            return queryset.filter(certification__level__isnull=True)
        return queryset.filter(certification__level=int(value))

    def filter_created_from(self, queryset, name, value):
        return queryset.filter(created_at__gte=day_start(value))

    def filter_created_to(self, queryset, name, value):
        # Before the next day's first instant (a date out of range never gets here: `is_valid` refuses it).
        return queryset.filter(created_at__lt=day_start(min(value, LATEST) + datetime.timedelta(days=1)))

    def is_valid(self):
        valid = super().is_valid()
        if valid:
            cleaned = self.form.cleaned_data
            for name in ("created_from", "created_to"):
                reason = out_of_range(cleaned.get(name))
                if reason:
                    self.form.add_error(name, reason)
            start, end = cleaned.get("created_from"), cleaned.get("created_to")
            if start and end and start > end:
                self.form.add_error("created_to", "La fin de la période précède son début.")
        return valid and not self.form.errors

    def pathways(self):
        """The visible pathways within the filters (call after `is_valid()`)."""
        return self.qs

    def active(self) -> dict:
        """The filters in use, {name: value}, for the pages' and exports' reminder of what is shown."""
        return {
            name: value
            for name, value in self.form.cleaned_data.items()
            if value not in (None, "") and name in IndicatorFilter.base_filters
        }

    def echo(self) -> dict:
        """The filters in use as they were sent ({"opco": "AKTO", "created_from": "2026-01-01"}): the API's echo."""
        return {name: str(self.data.get(name)) for name in self.active()}


# The sortable columns of the steering lists: ?sort=<key> (ascending) or ?sort=-<key> (descending).
PHASE_RANK = Case(
    *[When(phase=phase, then=Value(index)) for index, phase in enumerate(PathwayPhase)],
    output_field=IntegerField(),
)
SORTS = {
    "reference": "reference",
    "phase": "phase_rank",
    "project_holder": "project_holder__organisation__name",
    "project": "project__reference",
    "region": "project_holder__organisation__region",
    "opco": "employer__opco__code",
    "certification": "certification__code",
    "level": "certification__level",
    "created": "created_at",
    "updated": "updated_at",
}
DEFAULT_SORT = "-created"


class SteeringFilter(IndicatorFilter):
    """The steering lists' filters: the indicators' ones, plus phase, certification, a search and a sort."""

    q = django_filters.CharFilter(
        method="filter_q",
        label="Rechercher",
        max_length=100,
        help_text="Référence, nom du candidat, employeur, code ou intitulé de certification",
    )
    phase = django_filters.ChoiceFilter(
        choices=PathwayPhase.choices,
        label="Phase",
        empty_label="Toutes les phases",
        error_messages=_invalid_choice("une phase connue"),
    )
    certification = CertificationCodeFilter(
        queryset=Certification.objects.none(),
        label="Certification",
        help_text=CERTIFICATION_HELP,
    )
    sort = django_filters.ChoiceFilter(
        method="filter_sort",
        choices=[(key, key) for name in SORTS for key in (name, f"-{name}")],
        label="Tri",
        empty_label=None,
        error_messages=_invalid_choice("un tri possible"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        visible = Pathway.objects.visible_to(self.user).order_by()
        self.filters["certification"].queryset = Certification.objects.filter(
            pk__in=visible.values("certification_id")
        ).order_by("code")

    def filter_q(self, queryset, name, value):
        return queryset.search(value)

    def filter_sort(self, queryset, name, value):
        return queryset  # applied last, in `pathways()`, whatever the order of the parameters

    def sort_key(self) -> str:
        return (self.form.cleaned_data.get("sort") if self.form.is_valid() else None) or DEFAULT_SORT

    def pathways(self):
        key = self.sort_key()
        descending = key.startswith("-")
        column = SORTS[key.lstrip("-")]
        # The id breaks ties, in the same direction: the order is the same from one page to the next.
        ordering = [f"-{column}", "-pk"] if descending else [column, "pk"]
        return (
            self.qs.annotate(phase_rank=PHASE_RANK)
            .select_related("project_holder__organisation", "project", "candidate", "employer__opco", "certification")
            .order_by(*ordering)
        )

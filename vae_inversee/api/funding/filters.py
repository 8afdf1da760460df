import django_filters
from drf_spectacular.utils import extend_schema_field

from funding.enums import FundingStatus
from funding.models import FundingFile
from pathways.selectors import filter_assignee
from vae_inversee.api.filtering import IdFilter


@extend_schema_field({"type": "string", "enum": ["me", "none"]})
class AssigneeFilter(django_filters.ChoiceFilter):
    """`me` or `none`: a text parameter (not the model field's user id, which the schema would infer)."""


class FundingFileFilter(django_filters.FilterSet):
    # A column of the row itself: no join, no duplicate (django-filter's default DISTINCT made the page
    # sort every matching file with all its joined columns, and turned the pks-first page off).
    status = django_filters.MultipleChoiceFilter(choices=FundingStatus.choices, distinct=False)
    opco = django_filters.CharFilter(field_name="opco__code", lookup_expr="iexact")
    pathway = IdFilter(field_name="pathway_id")
    project_holder = IdFilter(field_name="pathway__project_holder_id")
    certification = IdFilter(field_name="pathway__certification_id")
    contract_year = IdFilter(
        max_value=3,
        error_messages={
            "invalid": "L'année de contrat est 1, 2 ou 3.",
            "min_value": "L'année de contrat est 1, 2 ou 3.",
            "max_value": "L'année de contrat est 1, 2 ou 3.",
        },
    )

    assignee = AssigneeFilter(
        choices=[("me", "Assignés à moi"), ("none", "Non assignés")],
        method="filter_assignee",
        help_text="`me` : les dossiers qui vous sont assignés ; `none` : ceux qui ne sont assignés à personne.",
    )

    class Meta:
        model = FundingFile
        fields = ["status", "opco", "pathway", "project_holder", "certification", "contract_year", "assignee"]

    def filter_assignee(self, queryset, name, value):
        return filter_assignee(queryset, value, self.request.user)

import django_filters

from funding.enums import FundingStatus
from funding.models import FundingFile


class FundingFileFilter(django_filters.FilterSet):
    status = django_filters.MultipleChoiceFilter(choices=FundingStatus.choices)
    opco = django_filters.CharFilter(field_name="opco__code", lookup_expr="iexact")
    pathway = django_filters.NumberFilter(field_name="pathway_id")
    project_holder = django_filters.NumberFilter(field_name="pathway__project_holder_id")
    certification = django_filters.NumberFilter(field_name="pathway__certification_id")
    contract_year = django_filters.NumberFilter()

    class Meta:
        model = FundingFile
        fields = ["status", "opco", "pathway", "project_holder", "certification", "contract_year"]

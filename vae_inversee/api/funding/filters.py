import django_filters

from funding.enums import FundingStatus
from funding.models import FundingFile
from vae_inversee.api.filtering import IdFilter


class FundingFileFilter(django_filters.FilterSet):
    status = django_filters.MultipleChoiceFilter(choices=FundingStatus.choices)
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

    class Meta:
        model = FundingFile
        fields = ["status", "opco", "pathway", "project_holder", "certification", "contract_year"]

from django.apps import AppConfig


class FundingConfig(AppConfig):
    name = "funding"
    verbose_name = "Financement"

    def ready(self):
        from funding.guards import funding_year_one_approved
        from pathways import workflow
        from pathways.enums import PathwayPhase

        workflow.add_guard(PathwayPhase.DELIVERY, funding_year_one_approved, source=PathwayPhase.ADMISSIBILITY)

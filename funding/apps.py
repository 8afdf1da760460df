from django.apps import AppConfig


class FundingConfig(AppConfig):
    name = "funding"
    verbose_name = "Financement"

    def ready(self):
        # Models are ready here, not when the app module is imported: the policy and the guard read them.
        from funding import policy  # noqa: F401
        from funding.workflow import funding_year_one_approved
        from pathways import workflow
        from pathways.enums import PathwayPhase

        workflow.add_guard(PathwayPhase.DELIVERY, funding_year_one_approved, source=PathwayPhase.ADMISSIBILITY)

from django.apps import AppConfig


class FundingConfig(AppConfig):
    name = "funding"
    verbose_name = "Financement"

    def ready(self):
        # Models are ready here, not when the app module is imported: the policy and the guard read them.
        from funding import policy  # noqa: F401
        from funding.plan import files_follow_plan
        from funding.scopes import pathways_of_opco
        from funding.workflow import files_follow_contract, funding_year_one_approved
        from pathways import contracts, plan, scopes, workflow
        from pathways.enums import PathwayPhase
        from vae_inversee.accounts.enums import Role

        workflow.add_guard(PathwayPhase.DELIVERY, funding_year_one_approved, source=PathwayPhase.ADMISSIBILITY)
        contracts.add_dependent(files_follow_contract)
        plan.add_dependent(files_follow_plan)
        scopes.pathways_visible.add(Role.OPCO, pathways_of_opco)

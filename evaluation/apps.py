from django.apps import AppConfig


class EvaluationConfig(AppConfig):
    name = "evaluation"
    verbose_name = "Évaluation"

    def ready(self):
        # Models are ready here, not when the app module is imported: the policy and the guards read them.
        from evaluation import indicator_version, policy  # noqa: F401
        from evaluation import workflow as guards
        from pathways import workflow
        from pathways.enums import PathwayPhase as P

        workflow.add_guard(P.EVALUATION, guards.progress_recorded_in_delivery)
        workflow.add_guard(P.EVALUATION, guards.jury_date_after_last_jury)
        workflow.add_guard(P.COMPLETED, guards.jury_result_recorded)
        workflow.add_guard(P.DELIVERY, guards.renewal_allowed, source=P.EVALUATION)
        indicator_version.connect()

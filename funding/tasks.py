from celery import shared_task

from funding import services


@shared_task(bind=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def render_agreement(self, funding_file_id):
    """Render the agreement PDF of a decided file; running it again does nothing more."""
    return services.agreement_store(funding_file_id=funding_file_id)

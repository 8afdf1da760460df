"""The nightly anonymisation (settings.CELERY_BEAT_SCHEDULE "daily-anonymisation"). Not in evaluation/tasks.py:
listed in settings.CELERY_IMPORTS so that the worker registers it."""

from celery import shared_task

from evaluation import anonymisation


@shared_task(bind=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=3)
def anonymise_expired_candidates(self):
    """Idempotent: a candidate anonymised is never processed again; the number anonymised this run."""
    return len(anonymisation.anonymise_expired())

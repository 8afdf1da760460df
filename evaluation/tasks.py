from celery import shared_task
from django.urls import reverse

from evaluation import indicators
from evaluation.models import Jury
from evaluation.reminders import send_digests
from pathways.selectors import pathway_people
from vae_inversee.accounts.models import User
from vae_inversee.notifications.enums import NotificationCategory
from vae_inversee.notifications.services import notify


@shared_task(bind=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def notify_jury_result(self, jury_id):
    jury = Jury.objects.select_related("pathway__candidate", "recorded_by").filter(pk=jury_id).first()
    if jury is None:
        return 0
    pathway = jury.pathway
    created = notify(
        recipients=pathway_people(pathway, excluding=jury.recorded_by, opco=True),
        category=NotificationCategory.JURY,
        event_key=f"jury_result:{jury.pk}",
        subject=f"{pathway.reference} : résultat du jury — {jury.get_outcome_display().lower()}",
        template="jury_result",
        context={"pathway": pathway, "jury": jury},
        link=reverse("pathways:detail", args=[pathway.pk]),
    )
    return len(created)


@shared_task(bind=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=3)
def send_daily_reminders(self):
    """Celery beat, every morning: one digest per concerned user (see evaluation.reminders)."""
    return send_digests()


@shared_task(bind=True, ignore_result=True)
def refresh_indicators(self, user_id, echo):
    """Compute again the indicators a reader found stale (evaluation.indicators.figures), for the next readers."""
    user = User.objects.filter(pk=user_id, is_active=True).first()
    return user is not None and indicators.refresh(user, echo)

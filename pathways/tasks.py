from celery import shared_task
from django.core.mail import send_mail
from django.utils import timezone

from pathways.models import PathwayTransition
from vae_inversee.accounts.models import User


@shared_task(bind=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def notify_transition(self, transition_id):
    """Tell the project holder's staff and the companion that a pathway changed phase."""
    log = (
        PathwayTransition.objects.select_related("pathway__candidate", "pathway__companion", "by")
        .filter(pk=transition_id)
        .first()
    )
    if log is None:
        return 0
    pathway = log.pathway
    recipients = set(
        User.objects.filter(membership__organisation_id=pathway.project_holder_id, is_active=True).values_list(
            "email", flat=True
        )
    )
    if pathway.companion_id:
        recipients.add(pathway.companion.email)
    recipients.discard(log.by.email)
    if not recipients:
        return 0
    subject = f"[VAE inversée] {pathway.reference} : {log.get_from_phase_display()} → {log.get_to_phase_display()}"
    body = (
        f"Bonjour,\n\nLe parcours {pathway.reference} ({pathway.candidate}) est passé de la phase "
        f"« {log.get_from_phase_display()} » à la phase « {log.get_to_phase_display()} » "
        f"le {timezone.localtime(log.at):%d/%m/%Y à %H:%M}, par {log.by.get_full_name() or log.by.email}."
        + (f"\n\nCommentaire : {log.comment}" if log.comment else "")
        + "\n\n— Plateforme VAE inversée"
    )
    return send_mail(subject, body, None, sorted(recipients))

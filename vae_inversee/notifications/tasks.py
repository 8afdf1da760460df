import datetime
import smtplib

from celery import shared_task
from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from vae_inversee.lib.plain_text import render_plain_text
from vae_inversee.notifications import summaries
from vae_inversee.notifications.models import DailySummary, EmailPreference, EmailRhythm, Notification
from vae_inversee.outbox.services import enqueue


@shared_task(bind=True, autoretry_for=(smtplib.SMTPException, OSError), retry_backoff=True, max_retries=6)
def send_notification_email(self, notification_id):
    """Send a notification's e-mail once: `emailed_at` is set in the same transaction as the send."""
    with transaction.atomic():
        notification = (
            Notification.objects.select_for_update().select_related("recipient").filter(pk=notification_id).first()
        )
        if notification is None or notification.emailed_at is not None:
            return False
        if not EmailPreference.objects.wants(notification.recipient, notification.category):
            return False
        # A user on the daily summary gets it there, once a day (send_daily_summaries).
        if EmailRhythm.objects.wants_daily_summary(notification.recipient):
            return False
        context = {
            "notification": notification,
            "site_url": settings.SITE_URL,
            "recipient": notification.recipient,
            "contact_email": settings.CONTACT_EMAIL,
        }
        message = EmailMultiAlternatives(
            subject=f"[VAE inversée] {notification.subject}",
            body=render_plain_text("emails/notification-body.txt", context),
            to=[notification.recipient.email],
        )
        message.attach_alternative(render_to_string("emails/notification-body.html", context), "text/html")
        # A failed send raises: the row stays unsent and the task is retried.
        message.send()
        notification.emailed_at = timezone.now()
        notification.save(update_fields=["emailed_at"])
    return True


@shared_task(bind=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=3)
def send_daily_summaries(self, day=None):
    """Celery beat, once a day: each summary user's summary of the day, prepared once, mailed after commit."""
    day = datetime.date.fromisoformat(day) if day else timezone.localdate()
    prepared = 0
    for user in summaries.summary_users():
        with transaction.atomic():
            summary = summaries.prepare(user, day)
            if summary is not None:
                enqueue(send_daily_summary, summary.pk)
                prepared += 1
    return prepared


@shared_task(bind=True, autoretry_for=(smtplib.SMTPException, OSError), retry_backoff=True, max_retries=6)
def send_daily_summary(self, summary_id):
    """Send one summary once: `emailed_at` is set in the same transaction as the send."""
    with transaction.atomic():
        summary = DailySummary.objects.select_for_update().select_related("recipient").filter(pk=summary_id).first()
        if summary is None or summary.emailed_at is not None:
            return False
        notifications = list(summary.notifications.order_by("created_at", "id"))
        count = len(notifications)
        context = {
            "summary": summary,
            "notifications": notifications,
            "count": count,
            "recipient": summary.recipient,
            "site_url": settings.SITE_URL,
            "contact_email": settings.CONTACT_EMAIL,
        }
        plural = "s" if count > 1 else ""
        message = EmailMultiAlternatives(
            subject=f"[VAE inversée] Votre résumé du {summary.day:%d/%m/%Y} ({count} notification{plural})",
            body=render_plain_text("emails/daily_summary-body.txt", context),
            to=[summary.recipient.email],
        )
        message.attach_alternative(render_to_string("emails/daily_summary-body.html", context), "text/html")
        message.send()
        now = timezone.now()
        summary.emailed_at = now
        summary.save(update_fields=["emailed_at"])
        Notification.objects.filter(pk__in=[n.pk for n in notifications], emailed_at__isnull=True).update(
            emailed_at=now
        )
    return True

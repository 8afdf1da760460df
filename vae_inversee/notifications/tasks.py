import smtplib

from celery import shared_task
from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from vae_inversee.lib.plain_text import render_plain_text
from vae_inversee.notifications.models import EmailPreference, Notification


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

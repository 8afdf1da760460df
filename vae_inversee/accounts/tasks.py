"""The accounts' background work: the invitation e-mail (sent once the invitation is committed)."""

import smtplib

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse

from vae_inversee.accounts.models import Invitation


@shared_task(autoretry_for=(smtplib.SMTPException, OSError), retry_backoff=True, max_retries=6)
def send_invitation_email(invitation_id, secret):
    invitation = Invitation.objects.select_related("organisation", "invited_by").filter(pk=invitation_id).first()
    if invitation is None or invitation.accepted_at or invitation.revoked_at:
        return False
    context = {
        "invitation": invitation,
        "link": settings.SITE_URL + reverse("accounts:invitation_accept", args=[secret]),
    }
    send_mail(
        subject=f"[VAE inversée] Invitation à rejoindre {invitation.organisation}",
        message=render_to_string("emails/invitation-body.txt", context),
        from_email=None,
        recipient_list=[invitation.email],
    )
    return True

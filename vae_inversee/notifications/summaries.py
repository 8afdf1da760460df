"""The daily summary: for the users who chose it, one e-mail a day listing their unread notifications
not yet mailed nor summarised (none when there is nothing new). Run by the beat task of notifications.tasks."""

from django.db import IntegrityError, transaction

from vae_inversee.accounts.models import User
from vae_inversee.notifications.models import DailySummary, EmailPreference, Notification


def summary_users():
    return User.objects.filter(is_active=True, email_rhythm__daily_summary=True).order_by("pk")


def pending_for(user):
    """The user's unread notifications that no e-mail nor summary carried yet, in the categories they receive."""
    switched_off = EmailPreference.objects.filter(user=user, enabled=False).values_list("category", flat=True)
    return (
        Notification.objects.filter(recipient=user, read_at__isnull=True, emailed_at__isnull=True)
        .filter(summaries__isnull=True)
        .exclude(category__in=list(switched_off))
        .order_by("created_at", "id")
    )


def prepare(user, day) -> DailySummary | None:
    """The user's summary of `day` with what is pending; None when it exists already or nothing is new.

    Call it inside a transaction: the caller records the e-mail (outbox) in the same one."""
    if DailySummary.objects.filter(recipient=user, day=day).exists():
        return None
    notifications = list(pending_for(user))
    if not notifications:
        return None
    try:
        with transaction.atomic():
            summary = DailySummary.objects.create(recipient=user, day=day)
    except IntegrityError:
        return None  # prepared meanwhile by a concurrent run
    summary.notifications.set(notifications)
    return summary

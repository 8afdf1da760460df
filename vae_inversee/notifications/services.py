"""notify(): inbox rows now, e-mails by a task once the caller's transaction has committed."""

from django.db import IntegrityError, transaction
from django.utils import timezone

from vae_inversee.lib.plain_text import render_plain_text
from vae_inversee.notifications import tasks
from vae_inversee.notifications.enums import NotificationCategory
from vae_inversee.notifications.models import EmailPreference, EmailRhythm, Notification
from vae_inversee.outbox.services import enqueue


def notify(*, recipients, category, event_key, subject, template, context, link="") -> list[Notification]:
    """Create one notification per recipient for this event (again = nothing new), mail them after commit.

    `template` names `templates/emails/<template>-body.txt` (and `-body.html`), rendered with `context`.
    """
    created = []
    for recipient in {user.pk: user for user in recipients if user.is_active}.values():
        body = render_plain_text(f"emails/{template}-body.txt", {**context, "recipient": recipient}).strip()
        try:
            with transaction.atomic():
                notification, is_new = Notification.objects.get_or_create(
                    recipient=recipient,
                    event_key=event_key,
                    defaults={"category": category, "subject": subject[:255], "body": body, "link": link},
                )
                if is_new:
                    # Its e-mail is recorded with it (the outbox): a task run again cannot lose it.
                    enqueue(tasks.send_notification_email, notification.pk)
        except IntegrityError:
            continue  # created meanwhile by a concurrent run of the same event
        if is_new:
            created.append(notification)
    return created


def preferences_save(*, acting_user, enabled_categories, daily_summary=None) -> None:
    """The categories e-mailed, and (when given) one summary a day instead of an e-mail per event."""
    with transaction.atomic():
        for category in NotificationCategory.values:
            EmailPreference.objects.update_or_create(
                user=acting_user, category=category, defaults={"enabled": category in enabled_categories}
            )
        if daily_summary is not None:
            EmailRhythm.objects.update_or_create(user=acting_user, defaults={"daily_summary": bool(daily_summary)})


def notification_mark_read(*, acting_user, notification=None) -> int:
    """Mark one notification (or all of the user's) read; returns how many changed."""
    unread = Notification.objects.filter(recipient=acting_user).unread()
    if notification is not None:
        unread = unread.filter(pk=notification.pk)
    return unread.update(read_at=timezone.now())

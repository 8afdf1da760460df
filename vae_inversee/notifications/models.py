from django.conf import settings
from django.db import models
from django.db.models import Q

from vae_inversee.notifications.enums import NotificationCategory


class NotificationQuerySet(models.QuerySet):
    def unread(self):
        return self.filter(read_at__isnull=True)


class Notification(models.Model):
    """One message in a user's inbox; the e-mail is sent once (emailed_at) by a task after commit."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications", verbose_name="destinataire"
    )
    category = models.CharField("catégorie", max_length=20, choices=NotificationCategory)
    # What happened, e.g. "transition:42" or "digest:2026-11-23": one notification per recipient and event,
    # so that a retried task never notifies twice.
    event_key = models.CharField("événement", max_length=100)
    subject = models.CharField("objet", max_length=255)
    body = models.TextField("message")
    link = models.CharField("lien", max_length=255, blank=True)
    created_at = models.DateTimeField("créée le", auto_now_add=True)
    read_at = models.DateTimeField("lue le", null=True, blank=True)
    emailed_at = models.DateTimeField("envoyée par courriel le", null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        verbose_name = "notification"
        verbose_name_plural = "notifications"
        ordering = ["-created_at", "-id"]
        indexes = [
            # The unread counter in every page's header.
            models.Index(fields=["recipient", "read_at"], name="notifications_unread_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "event_key"],
                name="notifications_notification_once_per_event",
                violation_error_message="Cette notification a déjà été créée.",
            ),
            models.CheckConstraint(
                condition=Q(category__in=NotificationCategory.values),
                name="notifications_notification_category_valid",
                violation_error_message="Catégorie de notification inconnue.",
            ),
        ]

    def __str__(self):
        return f"{self.recipient} — {self.subject}"


class EmailPreferenceQuerySet(models.QuerySet):
    def wants(self, user, category) -> bool:
        """Whether the user receives this category's e-mails (yes unless switched off)."""
        preference = self.filter(user=user, category=category).first()
        return preference.enabled if preference else True


class EmailPreference(models.Model):
    """E-mails a user switched off, per category (the inbox keeps everything)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="email_preferences", verbose_name="utilisateur"
    )
    category = models.CharField("catégorie", max_length=20, choices=NotificationCategory)
    enabled = models.BooleanField("recevoir les courriels", default=True)

    objects = EmailPreferenceQuerySet.as_manager()

    class Meta:
        verbose_name = "préférence de courriel"
        verbose_name_plural = "préférences de courriel"
        constraints = [
            models.UniqueConstraint(fields=["user", "category"], name="notifications_emailpreference_unique"),
        ]

    def __str__(self):
        return f"{self.user} — {self.get_category_display()} : {'oui' if self.enabled else 'non'}"


class EmailRhythmQuerySet(models.QuerySet):
    def wants_daily_summary(self, user) -> bool:
        """Whether the user chose one summary a day instead of an e-mail per event (no by default)."""
        return self.filter(user=user, daily_summary=True).exists()


class EmailRhythm(models.Model):
    """How often a user is e-mailed: one e-mail per event (the default) or one summary a day."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="email_rhythm", verbose_name="utilisateur"
    )
    daily_summary = models.BooleanField("résumé quotidien au lieu d'un courriel par événement", default=False)
    changed_at = models.DateTimeField("modifié le", auto_now=True)

    objects = EmailRhythmQuerySet.as_manager()

    class Meta:
        verbose_name = "rythme des courriels"
        verbose_name_plural = "rythmes des courriels"

    def __str__(self):
        return f"{self.user} — {'résumé quotidien' if self.daily_summary else 'un courriel par événement'}"


class DailySummary(models.Model):
    """One day's summary e-mail of a user: the notifications it lists, sent once (emailed_at)."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="daily_summaries", verbose_name="destinataire"
    )
    day = models.DateField("jour")
    notifications = models.ManyToManyField(Notification, related_name="summaries", verbose_name="notifications")
    created_at = models.DateTimeField("préparé le", auto_now_add=True)
    emailed_at = models.DateTimeField("envoyé le", null=True, blank=True)

    class Meta:
        verbose_name = "résumé quotidien"
        verbose_name_plural = "résumés quotidiens"
        ordering = ["-day", "-id"]
        constraints = [
            # One summary per user and day: a retried or repeated run never sends a second one.
            models.UniqueConstraint(
                fields=["recipient", "day"],
                name="notifications_dailysummary_once_per_day",
                violation_error_message="Le résumé de ce jour a déjà été préparé.",
            ),
        ]

    def __str__(self):
        return f"{self.recipient} — résumé du {self.day:%d/%m/%Y}"

"""Webhook endpoints, the events they receive and every delivery attempt (product.md sections 14 and 16)."""

from django.conf import settings
from django.db import models

from vae_inversee.lib.encryption import EncryptedCharField
from vae_inversee.webhooks.enums import MessageStatus


class TombstoneQuerySet(models.QuerySet):
    def visible_to(self, user):
        membership = getattr(user, "membership", None) if user.is_authenticated else None
        if membership is None:
            return self.none()
        return self.filter(organisations=membership.organisation_id)


class WebhookEndpointQuerySet(models.QuerySet):
    def visible_to(self, user):
        """An organisation's endpoints are its own: nobody else sees them (404)."""
        membership = getattr(user, "membership", None) if user.is_authenticated else None
        if membership is None:
            return self.none()
        return self.filter(organisation_id=membership.organisation_id)


class WebhookEndpoint(models.Model):
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.CASCADE, related_name="webhook_endpoints", verbose_name="organisation"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="enregistré par",
    )
    url = models.CharField("adresse", max_length=500, help_text="https://… (vérifiée par addresses.py)")
    description = models.CharField("description", max_length=200, blank=True)
    events = models.JSONField("événements", default=list)
    # Signs every delivery (Standard Webhooks, `whsec_<base64>`); shown once, at creation; encrypted at rest.
    secret = EncryptedCharField("secret", max_length=100)
    active = models.BooleanField("actif", default=True)
    disabled_reason = models.CharField("motif de la désactivation", max_length=300, blank=True)
    consecutive_failures = models.PositiveIntegerField("échecs consécutifs", default=0)
    created_at = models.DateTimeField("créé le", auto_now_add=True)
    updated_at = models.DateTimeField("modifié le", auto_now=True)

    objects = WebhookEndpointQuerySet.as_manager()

    class Meta:
        verbose_name = "webhook"
        verbose_name_plural = "webhooks"
        ordering = ["organisation", "id"]

    def __str__(self):
        return f"{self.url} ({self.organisation})"


class WebhookEvent(models.Model):
    """An event, recorded in the transaction of the change that makes it, with its messages."""

    name = models.CharField("événement", max_length=100)
    resource = models.CharField("ressource", max_length=50)
    object_id = models.PositiveBigIntegerField("identifiant de l'objet")
    created_at = models.DateTimeField("survenu le", auto_now_add=True)

    class Meta:
        verbose_name = "événement"
        verbose_name_plural = "événements"
        ordering = ["-id"]

    def __str__(self):
        return f"{self.name} {self.resource}:{self.object_id}"


class WebhookMessage(models.Model):
    """One event for one endpoint: its body, signed and sent until it is delivered, for 24 h at most."""

    endpoint = models.ForeignKey(WebhookEndpoint, on_delete=models.CASCADE, related_name="messages")
    event = models.ForeignKey(WebhookEvent, on_delete=models.CASCADE, related_name="messages")
    # The Standard Webhooks `webhook-id`: the same for every attempt, so a receiver can drop a repeat.
    msg_id = models.CharField("identifiant du message", max_length=40, unique=True)
    body = models.TextField("contenu (JSON)")
    status = models.CharField("statut", max_length=20, choices=MessageStatus, default=MessageStatus.PENDING)
    attempts = models.PositiveIntegerField("tentatives", default=0)
    next_attempt_at = models.DateTimeField("prochaine tentative", null=True, blank=True)
    delivered_at = models.DateTimeField("remis le", null=True, blank=True)
    created_at = models.DateTimeField("créé le", auto_now_add=True)

    class Meta:
        verbose_name = "message de webhook"
        verbose_name_plural = "messages de webhook"
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["endpoint", "event"],
                name="webhooks_message_once_per_endpoint",
                violation_error_message="Cet événement est déjà adressé à ce webhook.",
            )
        ]
        indexes = [
            models.Index(
                fields=["next_attempt_at", "id"],
                condition=models.Q(status="pending"),
                name="webhooks_message_due",
            )
        ]

    def __str__(self):
        return f"{self.msg_id} → {self.endpoint.url}"


class WebhookDelivery(models.Model):
    """One attempt to deliver a message: the log an organisation reads (`GET webhooks/{id}/deliveries/`)."""

    message = models.ForeignKey(WebhookMessage, on_delete=models.CASCADE, related_name="deliveries")
    endpoint = models.ForeignKey(WebhookEndpoint, on_delete=models.CASCADE, related_name="deliveries")
    attempt = models.PositiveIntegerField("tentative")
    at = models.DateTimeField("envoyé le")
    status_code = models.PositiveIntegerField("code de réponse", null=True, blank=True)
    succeeded = models.BooleanField("réussi", default=False)
    error = models.TextField("erreur", blank=True)
    duration_ms = models.PositiveIntegerField("durée (ms)", default=0)
    manual = models.BooleanField("renvoi manuel", default=False)

    class Meta:
        verbose_name = "envoi de webhook"
        verbose_name_plural = "envois de webhook"
        ordering = ["-at", "-id"]

    def __str__(self):
        return f"{self.message.msg_id} #{self.attempt} ({self.status_code or self.error[:40]})"


class Tombstone(models.Model):
    """An object gone from the API, or stripped of its personal data: the sync feed's deletions
    (`GET /api/v1/tombstones/?updated_since=`), seen by the organisations that could see the object."""

    class Reason(models.TextChoices):
        DELETED = "deleted", "Supprimé"
        ANONYMISED = "anonymised", "Anonymisé"

    resource = models.CharField("ressource", max_length=50)  # the API's path segment: "candidates", "webhooks"
    object_id = models.PositiveBigIntegerField("identifiant")
    reason = models.CharField("motif", max_length=20, choices=Reason)
    organisations = models.ManyToManyField("accounts.Organisation", related_name="+", verbose_name="vu par")
    updated_at = models.DateTimeField("survenu le", auto_now_add=True, db_index=True)

    objects = TombstoneQuerySet.as_manager()

    class Meta:
        verbose_name = "pierre tombale (synchronisation)"
        verbose_name_plural = "pierres tombales (synchronisation)"
        ordering = ["updated_at", "id"]

    def __str__(self):
        return f"{self.resource}/{self.object_id} {self.get_reason_display().lower()}"

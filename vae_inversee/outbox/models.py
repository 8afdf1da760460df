"""A task to run in the background, written in the same transaction as the change that calls for it."""

from django.db import models


class OutboxMessageQuerySet(models.QuerySet):
    def pending(self):
        """Not handed to the broker yet, oldest first (by id: the order they were written in)."""
        return self.filter(dispatched_at__isnull=True).order_by("id")


class OutboxMessage(models.Model):
    task = models.CharField("tâche", max_length=200)
    args = models.JSONField("arguments", default=list, blank=True)
    created_at = models.DateTimeField("créé le", auto_now_add=True)
    dispatched_at = models.DateTimeField("transmis le", null=True, blank=True)
    attempts = models.PositiveIntegerField("tentatives", default=0)
    last_error = models.TextField("dernière erreur", blank=True)

    objects = OutboxMessageQuerySet.as_manager()

    class Meta:
        verbose_name = "message en attente d'envoi"
        verbose_name_plural = "boîte d'envoi"
        ordering = ["-created_at", "-id"]
        indexes = [
            # The relay's query: the pending rows, oldest first.
            models.Index(
                fields=["id"],
                condition=models.Q(dispatched_at__isnull=True),
                name="outbox_message_pending",
            ),
        ]

    def __str__(self):
        state = "transmis" if self.dispatched_at else "en attente"
        return f"{self.task}{tuple(self.args)} ({state})"

from django.db import models


class MessageStatus(models.TextChoices):
    PENDING = "pending", "En cours d'envoi"
    DELIVERED = "delivered", "Remis"
    FAILED = "failed", "Abandonné (24 h d'échecs)"

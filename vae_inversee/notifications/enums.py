from django.db import models


class NotificationCategory(models.TextChoices):
    PHASE = "phase", "Changements de phase"
    FUNDING = "funding", "Dossiers de financement"
    ADMISSIBILITY = "admissibility", "Décisions de recevabilité"
    JURY = "jury", "Jurys (dates et résultats)"
    REMINDER = "reminder", "Rappels quotidiens"
    PROJECT = "project", "Projets (candidatures à l'appel à projets)"
    MESSAGE = "message", "Messages des parcours"
    INTEGRATION = "integration", "Intégrations (webhooks)"

from django.apps import AppConfig


class OutboxConfig(AppConfig):
    name = "vae_inversee.outbox"
    label = "outbox"
    verbose_name = "Boîte d'envoi (travail en arrière-plan)"

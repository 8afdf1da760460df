from django.apps import AppConfig


class WebhooksConfig(AppConfig):
    name = "vae_inversee.webhooks"
    label = "webhooks"
    verbose_name = "Webhooks (intégrations)"

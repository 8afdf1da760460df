from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "vae_inversee.api"
    label = "api"
    verbose_name = "API REST"

    def ready(self):
        # The webhooks' payloads are the API's view of each object (vae_inversee.webhooks.events.READERS).
        from vae_inversee.api.webhooks import payloads

        payloads.register()

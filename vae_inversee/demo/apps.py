from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "vae_inversee.demo"
    label = "demo"
    verbose_name = "Données de démonstration"

from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "vae_inversee.notifications"
    label = "notifications"
    verbose_name = "Notifications"

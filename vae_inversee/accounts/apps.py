from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "vae_inversee.accounts"
    label = "accounts"
    verbose_name = "Comptes et organisations"

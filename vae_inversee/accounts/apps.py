from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "vae_inversee.accounts"
    label = "accounts"
    verbose_name = "Comptes et organisations"

    def ready(self):
        from django.conf import settings
        from django.db.models.signals import post_save

        from vae_inversee.accounts.receivers import revoke_tokens_on_credentials_change
        from vae_inversee.lib import search

        # Accent- and case-insensitive search for every list (`field__folded`).
        search.install()

        post_save.connect(
            revoke_tokens_on_credentials_change,
            sender=settings.AUTH_USER_MODEL,
            dispatch_uid="accounts.revoke_tokens_on_credentials_change",
        )

"""Tokens die with the password or the account, right away, whichever door changed them.

`ApiToken.still_valid` already refuses such tokens at every request (nothing can bypass it, not even a
raw UPDATE); deleting them as soon as the user is saved keeps a reactivated account from getting its
old tokens back, and the lists clean.
"""

from vae_inversee.accounts import services

WATCHED_FIELDS = {"password", "is_active"}


def revoke_tokens_on_credentials_change(sender, instance, created, update_fields=None, **kwargs):
    """post_save of User (connected in AccountsConfig.ready)."""
    if created or (update_fields is not None and not WATCHED_FIELDS & set(update_fields)):
        return
    services.api_tokens_revoke_stale(user=instance)

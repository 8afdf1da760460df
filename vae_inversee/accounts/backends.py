"""The password backend of the portal and the admin: Django's, reading the signed-in user with their
membership and organisation.

Every page asks the user's role and organisation (scope, menus): one query instead of three.
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend

from vae_inversee.accounts.models import MEMBER_RELATED

# The path stored in the session of a password login (settings.AUTHENTICATION_BACKENDS names it too).
PASSWORD_BACKEND = "vae_inversee.accounts.backends.AccountBackend"


class AccountBackend(ModelBackend):
    def get_user(self, user_id):
        user_model = get_user_model()
        try:
            user = user_model._default_manager.select_related(MEMBER_RELATED).get(pk=user_id)
        except user_model.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None

"""The API's token authentication: django-rest-knox's, in French, and aware of the account's state.

`Authorization: Token <token>` (the same header as before knox). knox finds the token by its prefix,
compares digests and deletes expired tokens; here a token issued before the password's last change, or
whose user is deactivated, is refused and deleted (`ApiToken.still_valid`).

This module is named in REST_FRAMEWORK["DEFAULT_AUTHENTICATION_CLASSES"]: it must not import
rest_framework.views (DRF imports it while defining APIView).
"""

from django.utils import timezone
from knox.auth import TokenAuthentication as KnoxTokenAuthentication
from rest_framework.authentication import get_authorization_header
from rest_framework.exceptions import AuthenticationFailed, PermissionDenied

from vae_inversee.accounts import services
from vae_inversee.accounts.policy import CANDIDATE_PORTAL
from vae_inversee.lib import policy

INVALID = "Jeton d'API invalide ou expiré."
MALFORMED = "En-tête d'authentification invalide : attendu « Authorization: Token <jeton> »."


class TokenRevoked(AuthenticationFailed):
    default_detail = (
        "Ce jeton d'API a été révoqué : le mot de passe du compte a changé ou le compte est désactivé. "
        "Demandez un nouveau jeton."
    )


class TokenAuthentication(KnoxTokenAuthentication):
    def authenticate(self, request):
        parts = get_authorization_header(request).split()
        if not parts or parts[0].lower() != self.authenticate_header(request).lower().encode():
            return None  # no token: another authentication (the session) may apply
        if len(parts) != 2:
            raise AuthenticationFailed(MALFORMED)
        return self.authenticate_credentials(parts[1])

    def authenticate_credentials(self, token: bytes):
        try:
            token.decode("utf-8")
        except UnicodeDecodeError:
            raise AuthenticationFailed(INVALID)  # knox would raise a 500
        try:
            return super().authenticate_credentials(token)
        except TokenRevoked:
            raise
        except AuthenticationFailed:
            raise AuthenticationFailed(INVALID)  # knox's message is in English

    def _cleanup_token(self, auth_token) -> bool:
        """Whether the token has expired (then deleted).

        knox would also load every other token of the user, at each request, to delete the expired ones;
        `api_token_issue` deletes them instead, once per new token.
        """
        if auth_token.expiry <= timezone.now():
            auth_token.delete()
            return True
        return False

    def validate_user(self, auth_token):
        if not auth_token.still_valid():
            services.api_tokens_revoke_stale(user=auth_token.user)
            raise TokenRevoked()
        if policy.may(auth_token.user, CANDIDATE_PORTAL):
            # A candidate follows their pathway on the portal only (never issued a token: belt and braces).
            raise PermissionDenied(services.API_REFUSED_TO_CANDIDATES)
        services.api_token_mark_used(token=auth_token)
        return auth_token.user, auth_token

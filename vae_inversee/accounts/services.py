"""The accounts' writers: API tokens (product.md section 14, « Tokens »).

A token is issued for API_TOKEN_TTL_DAYS days; its value is returned once (only its digest is kept).
Its owner lists and revokes it; it stops working when the password changes or the account is
deactivated (`ApiToken.still_valid`), and those tokens are then deleted here.
"""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone

from vae_inversee.accounts.models import ApiToken, password_fingerprint
from vae_inversee.lib.errors import Unavailable

NAME_MAX_LENGTH = ApiToken._meta.get_field("name").max_length
# `last_used` is written at most once a minute per token, not on every request.
LAST_USED_PRECISION = datetime.timedelta(minutes=1)


def api_token_issue(*, acting_user, name="") -> tuple[ApiToken, str]:
    """A new API token of `acting_user`, and its value (to show once: it cannot be read again)."""
    name = (name or "").strip()
    if len(name) > NAME_MAX_LENGTH:
        raise ValidationError({"name": f"Le libellé compte {NAME_MAX_LENGTH} caractères au plus."})
    if not acting_user.is_active:
        raise ValidationError("Ce compte est désactivé : il ne peut pas recevoir de jeton d'API.")
    api_tokens_revoke_stale(user=acting_user)
    return ApiToken.objects.create(
        user=acting_user,
        expiry=datetime.timedelta(days=settings.API_TOKEN_TTL_DAYS),
        name=name,
        password_fingerprint=password_fingerprint(acting_user),
    )


def api_token_revoke(*, token, acting_user) -> None:
    """Revoke one of one's own tokens; someone else's is not found (404 at both doors)."""
    if token.user_id != acting_user.pk:
        raise Unavailable("Jeton d'API introuvable.")
    token.delete()


def api_tokens_revoke_stale(*, user) -> int:
    """Delete the user's tokens that no longer work: expired, issued under a former password, or all once deactivated."""
    tokens = ApiToken.objects.filter(user=user)
    if user.is_active:
        tokens = tokens.filter(Q(expiry__lte=timezone.now()) | ~Q(password_fingerprint=password_fingerprint(user)))
    deleted, _ = tokens.delete()
    return deleted


def api_token_mark_used(*, token) -> None:
    """Remember when the token was last used (to the minute)."""
    now = timezone.now()
    if token.last_used is None or now - token.last_used >= LAST_USED_PRECISION:
        ApiToken.objects.filter(pk=token.pk).update(last_used=now)
        token.last_used = now

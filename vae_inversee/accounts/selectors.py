from django.utils import timezone

from vae_inversee.accounts.models import ApiToken, IdccOpco, Organisation, password_fingerprint
from vae_inversee.lib.identifiers import IDCC_NO_AGREEMENT, normalize_idcc


def opco_for_idcc(idcc) -> Organisation | None:
    """The OPCO of an employer from the IDCC of its collective agreement.

    None when the IDCC is 9999 (no agreement: the employer names its OPCO) or unknown.
    """
    code = normalize_idcc(idcc)
    if not code or code == IDCC_NO_AGREEMENT:
        return None
    row = IdccOpco.objects.select_related("opco").filter(idcc=code).first()
    return row.opco if row else None


def api_tokens_of(user):
    """The user's API tokens that still work (not expired, issued under the current password), newest first."""
    if not user.is_active:
        return ApiToken.objects.none()
    return ApiToken.objects.filter(
        user=user, expiry__gt=timezone.now(), password_fingerprint=password_fingerprint(user)
    ).order_by("-created", "-id")

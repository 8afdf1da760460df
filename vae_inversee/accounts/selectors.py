from django.utils import timezone

from vae_inversee.accounts.models import (
    ApiToken,
    IdccOpco,
    Invitation,
    Membership,
    Organisation,
    SavedFilter,
    User,
    password_fingerprint,
)
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


def organisation_members(organisation):
    """The organisation's members, admins first, then by name."""
    return (
        Membership.objects.filter(organisation=organisation)
        .select_related("user")
        .order_by("-user__is_active", "-is_admin", "user__last_name", "user__first_name", "user__email")
    )


def organisation_invitations(organisation):
    return Invitation.objects.filter(organisation=organisation).select_related("invited_by").order_by("-created_at")


def active_colleagues(organisation):
    """The active members of an organisation (to assign work to), by name."""
    return (
        User.objects.filter(membership__organisation=organisation, is_active=True)
        .select_related("membership")
        .order_by("last_name", "first_name", "email")
    )


def saved_filters_of(user, list_key):
    """The user's own saved filter sets for one list, by name (one query)."""
    return SavedFilter.objects.filter(user=user, list_key=list_key).order_by("name", "pk")


def saved_filters_of_user(user):
    """Every saved filter set of the user (and only theirs)."""
    return SavedFilter.objects.filter(user=user)

"""The accounts' writers: API tokens (product.md section 14, « Tokens ») and organisation admins (section 2).

A token is issued for API_TOKEN_TTL_DAYS days; its value is returned once (only its digest is kept).
Its owner lists and revokes it; it stops working when the password changes or the account is
deactivated (`ApiToken.still_valid`), and those tokens are then deleted here.
"""

import datetime
import hashlib
import secrets

from django.conf import settings
from django.contrib.auth import password_validation
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Q
from django.http import QueryDict
from django.utils import timezone

from vae_inversee.accounts import tasks
from vae_inversee.accounts.models import (
    ApiToken,
    Invitation,
    Membership,
    Organisation,
    SavedFilter,
    User,
    password_fingerprint,
)
from vae_inversee.accounts.policy import CANDIDATE_PORTAL
from vae_inversee.lib import policy
from vae_inversee.lib.errors import Conflict, Unavailable
from vae_inversee.outbox.services import enqueue

API_REFUSED_TO_CANDIDATES = (
    "L'API est réservée aux organisations qui suivent les parcours. En tant que candidat·e, suivez votre parcours "
    "sur le portail, page « Mon parcours »."
)
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
    if policy.may(acting_user, CANDIDATE_PORTAL):
        raise PermissionDenied(API_REFUSED_TO_CANDIDATES)
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


# --- Organisation admins (product.md section 2) ----------------------------------------------------

INVITATION_TTL = datetime.timedelta(days=7)
ADMIN_ONLY = "Seul·e un·e administrateur·rice de l'organisation gère ses membres et ses invitations."
LAST_ADMIN = (
    "L'organisation doit garder au moins un·e administrateur·rice actif·ve : "
    "nommez d'abord un·e autre administrateur·rice."
)


def is_organisation_admin(user, organisation=None) -> bool:
    """An active member who administers their organisation (`organisation`, when given)."""
    membership = getattr(user, "membership_or_none", None)
    return bool(
        user.is_active
        and membership is not None
        and membership.is_admin
        and (organisation is None or membership.organisation_id == organisation.pk)
    )


def require_organisation_admin(user, organisation) -> None:
    if not is_organisation_admin(user, organisation):
        raise PermissionDenied(ADMIN_ONLY)


def _active_admins(organisation):
    return Membership.objects.filter(organisation=organisation, is_admin=True, user__is_active=True)


def _lock_organisation(organisation) -> Organisation:
    # One admin change at a time per organisation: two admins demoting each other cannot leave none.
    return Organisation.objects.select_for_update().get(pk=organisation.pk)


def membership_set_admin(*, membership, is_admin: bool, acting_user) -> Membership:
    """Name a member admin of their organisation, or demote one (never the last active admin)."""
    with transaction.atomic():
        _lock_organisation(membership.organisation)
        require_organisation_admin(acting_user, membership.organisation)
        membership = Membership.objects.select_for_update().select_related("user").get(pk=membership.pk)
        if is_admin and not membership.user.is_active:
            raise ValidationError({"is_admin": ["Un compte désactivé ne peut pas administrer l'organisation."]})
        if (
            not is_admin
            and membership.is_admin
            and not _active_admins(membership.organisation).exclude(pk=membership.pk).exists()
        ):
            raise ValidationError({"is_admin": [LAST_ADMIN]})
        membership.is_admin = is_admin
        membership.save(update_fields=["is_admin"])
    return membership


def member_deactivate(*, membership, acting_user) -> User:
    """Deactivate a colleague who left (or oneself): the account no longer logs in, its tokens are revoked.

    The last active admin cannot be deactivated. Their pathways and funding files are reassigned at the
    same time by the apps that own assignments (`pathway_assignments_transfer`, `funding_file_assignments_transfer`).
    """
    with transaction.atomic():
        _lock_organisation(membership.organisation)
        require_organisation_admin(acting_user, membership.organisation)
        membership = Membership.objects.select_for_update().select_related("user").get(pk=membership.pk)
        user = membership.user
        if not user.is_active:
            raise Conflict("Ce compte est déjà désactivé.")
        if membership.is_admin and not _active_admins(membership.organisation).exclude(pk=membership.pk).exists():
            raise ValidationError({"is_admin": [LAST_ADMIN]})
        user.is_active = False
        user.save(update_fields=["is_active"])
        api_tokens_revoke_stale(user=user)
    return user


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def invitation_create(*, organisation, email, acting_user, first_name="", last_name="", is_admin=False):
    """Invite a colleague by e-mail (the link is valid 7 days); returns the invitation and its secret."""
    email = (email or "").strip().lower()
    errors = {}
    try:
        validate_email(email)
    except ValidationError:
        errors["email"] = ["Saisissez une adresse électronique valide."]
    with transaction.atomic():
        _lock_organisation(organisation)
        require_organisation_admin(acting_user, organisation)
        if "email" not in errors and User.objects.filter(email__iexact=email).exists():
            errors["email"] = ["Un compte existe déjà avec cette adresse électronique."]
        if (
            "email" not in errors
            and Invitation.objects.pending().filter(organisation=organisation, email__iexact=email).exists()
        ):
            errors["email"] = ["Une invitation est déjà en attente pour cette adresse : révoquez-la d'abord."]
        if errors:
            raise ValidationError(errors)
        secret = secrets.token_urlsafe(32)
        invitation = Invitation(
            organisation=organisation,
            email=email,
            first_name=(first_name or "").strip()[:150],
            last_name=(last_name or "").strip()[:150],
            is_admin=bool(is_admin),
            digest=_digest(secret),
            invited_by=acting_user,
            expires_at=timezone.now() + INVITATION_TTL,
        )
        invitation.full_clean()
        invitation.save()
        enqueue(tasks.send_invitation_email, invitation.pk, secret)
    return invitation, secret


def invitation_revoke(*, invitation, acting_user) -> Invitation:
    with transaction.atomic():
        require_organisation_admin(acting_user, invitation.organisation)
        invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
        if invitation.accepted_at:
            raise Conflict("Cette invitation a déjà été acceptée.")
        if invitation.revoked_at is None:
            invitation.revoked_at = timezone.now()
            invitation.save(update_fields=["revoked_at"])
    return invitation


def invitation_for_secret(secret: str) -> Invitation:
    """The pending invitation of a link, or Unavailable with why (expired, revoked, already used)."""
    invitation = Invitation.objects.select_related("organisation").filter(digest=_digest(secret or "")).first()
    if invitation is None:
        raise Unavailable("Ce lien d'invitation n'existe pas.")
    if invitation.accepted_at:
        raise Unavailable("Cette invitation a déjà été acceptée : connectez-vous.")
    if invitation.revoked_at:
        raise Unavailable("Cette invitation a été révoquée par l'organisation.")
    if invitation.expires_at <= timezone.now():
        raise Unavailable(
            "Cette invitation a expiré (elle était valable 7 jours) : demandez-en une nouvelle à l'organisation."
        )
    return invitation


def invitation_accept(*, secret, password, first_name="", last_name="") -> User:
    """Accept an invitation: the account (with the password chosen) and its membership are created."""
    with transaction.atomic():
        invitation = invitation_for_secret(secret)
        invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
        invitation_for_secret(secret)
        if User.objects.filter(email__iexact=invitation.email).exists():
            raise ValidationError({"email": ["Un compte existe déjà avec cette adresse électronique."]})
        user = User(
            email=invitation.email,
            first_name=(first_name or invitation.first_name).strip()[:150],
            last_name=(last_name or invitation.last_name).strip()[:150],
        )
        _validate_password(password, user)
        user.set_password(password)
        user.save()
        Membership.objects.create(
            user=user,
            organisation=invitation.organisation,
            role=Membership.role_for(invitation.organisation),
            is_admin=invitation.is_admin,
        )
        invitation.accepted_at = timezone.now()
        invitation.accepted_by = user
        invitation.save(update_fields=["accepted_at", "accepted_by"])
    return user


def _validate_password(password, user) -> None:
    try:
        password_validation.validate_password(password or "", user)
    except ValidationError as error:
        raise ValidationError({"password": list(error.messages)}) from error


# ---- saved filter sets (product.md section 13, « Lists ») ------------------------------------------------

SAVED_FILTER_NAME_MAX_LENGTH = SavedFilter._meta.get_field("name").max_length
SAVED_FILTER_QUERY_MAX_LENGTH = SavedFilter._meta.get_field("query").max_length
SAVED_FILTERS_PER_LIST = 20
# What a list's address carries that is not a filter: the page, an export's format, a form's token.
NOT_FILTERS = ("page", "format", "csrfmiddlewaretoken")


def saved_filter_query(query: str) -> str:
    """The filters of a query string, without the page nor an export's format, and without empty values."""
    params = QueryDict(query or "", mutable=True)
    for name in NOT_FILTERS:
        params.pop(name, None)
    for name in list(params):
        values = [value for value in params.getlist(name) if value.strip()]
        if values:
            params.setlist(name, values)
        else:
            del params[name]
    return params.urlencode()


@transaction.atomic
def saved_filter_save(*, user, list_key, name, query) -> tuple[SavedFilter, bool]:
    """Save the list's current filters under `name`; the same name on the same list replaces the earlier set.

    Returns the set and whether it replaced one. Only its user will ever see it.
    """
    name = " ".join((name or "").split())
    query = saved_filter_query(query)
    if not name:
        raise ValidationError({"name": "Donnez un nom à ces filtres."})
    if len(name) > SAVED_FILTER_NAME_MAX_LENGTH:
        raise ValidationError(
            {"name": f"Le nom ne doit pas dépasser {SAVED_FILTER_NAME_MAX_LENGTH} caractères (il en a {len(name)})."}
        )
    if not query:
        raise ValidationError(
            {"name": "Aucun filtre n'est appliqué : choisissez des filtres avant de les enregistrer."}
        )
    if len(query) > SAVED_FILTER_QUERY_MAX_LENGTH:
        raise ValidationError({"name": "Ces filtres sont trop longs pour être enregistrés : simplifiez la recherche."})
    if not list_key or len(list_key) > SavedFilter._meta.get_field("list_key").max_length:
        raise ValidationError({"list_key": "Cette liste ne permet pas d'enregistrer des filtres."})
    existing = SavedFilter.objects.select_for_update().filter(user=user, list_key=list_key, name=name).first()
    if existing is not None:
        existing.query = query
        existing.save(update_fields=["query"])
        return existing, True
    if SavedFilter.objects.filter(user=user, list_key=list_key).count() >= SAVED_FILTERS_PER_LIST:
        raise ValidationError(
            {"name": f"Vous avez déjà {SAVED_FILTERS_PER_LIST} jeux de filtres sur cette liste : "
                     "supprimez-en un avant d'en enregistrer un autre."}
        )  # fmt: skip
    return SavedFilter.objects.create(user=user, list_key=list_key, name=name, query=query), False


def saved_filter_delete(*, saved_filter, acting_user) -> None:
    """Delete one of the user's own saved sets (another user's is never theirs to delete)."""
    if saved_filter.user_id != acting_user.pk:
        raise PermissionDenied("Ces filtres enregistrés ne sont pas les vôtres.")
    saved_filter.delete()

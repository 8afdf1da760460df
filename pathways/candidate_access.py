"""The candidates' own accounts (product.md sections 2 and 13): the holder invites, the candidate chooses a password.

The invitation is a django-sesame link (settings SESAME_*): valid 7 days, used once (logging in voids it), and
void as soon as a password is chosen. Inviting again gives the account a new unusable password, which voids
every earlier link, and e-mails a fresh one. Once the candidate has chosen a password they log in as anyone
does; a used or expired link says what to do (vae_inversee.www.candidate).
"""

from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from sesame.tokens import parse_token

from pathways import tasks
from pathways.enums import CANDIDATE_INVITATION_SCOPE as INVITATION_SCOPE
from pathways.models import Candidate
from vae_inversee.accounts.models import User
from vae_inversee.lib import policy
from vae_inversee.outbox.services import enqueue

OUT_OF_SCOPE = "Ce candidat n'est pas dans votre périmètre."


def candidate_invite(*, acting_user, candidate) -> Candidate:
    """Create or refresh the candidate's account and e-mail them a new link (the earlier ones stop working)."""
    policy.require_role(acting_user, "candidate.invite")
    policy.require_visible(acting_user, candidate, OUT_OF_SCOPE)
    with transaction.atomic():
        candidate = Candidate.objects.select_for_update().get(pk=candidate.pk)
        policy.authorize(acting_user, "candidate.invite", candidate)
        email = candidate.email.strip().lower()
        try:
            validate_email(email)
        except ValidationError:
            raise ValidationError({"email": ["L'adresse électronique du candidat n'est pas valide : corrigez-la."]})
        user = candidate.user
        taken = User.objects.filter(email__iexact=email)
        if user is not None:
            taken = taken.exclude(pk=user.pk)
        if taken.exists():
            raise ValidationError(
                {
                    "email": [
                        "Un autre compte utilise déjà cette adresse électronique : indiquez une adresse propre au "
                        "candidat."
                    ]
                }
            )
        if user is None:
            user = User(email=email)
        user.email = email
        user.first_name = candidate.first_name[:150]
        user.last_name = candidate.last_name[:150]
        user.is_active = True
        # No password until the candidate chooses one; a new unusable one voids the links sent before.
        user.set_unusable_password()
        user.save()
        candidate.user = user
        candidate.invited_at = timezone.now()
        candidate.invited_by = acting_user
        candidate.save(update_fields=["user", "invited_at", "invited_by", "updated_at"])
        enqueue(tasks.send_candidate_invitation, candidate.pk)
    return candidate


def _invited_account(user_pk):
    """The account of a link: active, linked to a candidate not anonymised, without a password yet."""
    user = User.objects.filter(pk=user_pk, is_active=True).select_related("candidate_record").first()
    if user is None or user.candidate_or_none is None or user.candidate_record.anonymised_at:
        return None
    return user


def invited_user(token) -> User | None:
    """The account a link opens, or None when it is unknown, expired (7 days), used, or a password was chosen."""
    if not token:
        return None
    user = parse_token(str(token), _invited_account, INVITATION_SCOPE)
    if user is None or user.has_usable_password():
        return None
    return user


def candidate_activate(*, token, password) -> User:
    """The candidate chooses their password through a valid link: the account is active, the link is spent."""
    with transaction.atomic():
        user = invited_user(token)
        if user is None:
            raise LinkUnavailable()
        user = User.objects.select_for_update().get(pk=user.pk)
        # Checked again under the lock: two tabs posting the same link, the second one finds it spent.
        if invited_user(token) is None:
            raise LinkUnavailable()
        try:
            password_validation.validate_password(password or "", user)
        except ValidationError as error:
            raise ValidationError({"new_password1": list(error.messages)}) from error
        user.set_password(password)
        user.last_login = timezone.now()
        user.save(update_fields=["password", "last_login"])
        Candidate.objects.filter(user=user).update(activated_at=timezone.now(), updated_at=timezone.now())
    return user


class LinkUnavailable(Exception):
    """The invitation link cannot be used (any reason: unknown, expired, used, password already chosen)."""

    message = (
        "Ce lien n'est plus valable : il a déjà servi, ou il a plus de 7 jours. Si vous avez déjà choisi votre "
        "mot de passe, connectez-vous avec votre adresse électronique. Sinon, demandez à la structure qui suit "
        "votre parcours de vous envoyer une nouvelle invitation."
    )

    def __str__(self):
        return self.message

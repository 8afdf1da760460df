"""Who manages an organisation's webhooks, and who is told when one is disabled: one place to switch.

Webhook endpoints belong to an organisation and are managed by its admins (product.md sections 2 and
14). `is_organisation_admin` is the only test of that notion in this package.
"""

from vae_inversee.accounts import services as accounts
from vae_inversee.accounts.enums import MEMBER_ROLES
from vae_inversee.lib.policy import Action, declare, may
from vae_inversee.webhooks.enums import MessageStatus

ORGANISATION_ROLES = MEMBER_ROLES
MANAGE = "webhook.manage"

declare(
    Action(
        MANAGE,
        ORGANISATION_ROLES,
        "Seul un administrateur de l'organisation gère ses webhooks.",
    )
)


def is_organisation_admin(user) -> bool:
    """The organisation admin of issue 13 (`Membership.is_admin`), asked of its one test in accounts."""
    return accounts.is_organisation_admin(user)


def may_manage(user) -> bool:
    return bool(user.is_authenticated and user.is_active and may(user, MANAGE) and is_organisation_admin(user))


def admins_of(organisation):
    """The active members told when the organisation's endpoint is disabled."""
    memberships = organisation.memberships.filter(is_admin=True, user__is_active=True).select_related("user")
    return [membership.user for membership in memberships.order_by("id")]


def waiting(message) -> bool:
    """A message not delivered nor abandoned yet: its next attempt is scheduled."""
    return message.status == MessageStatus.PENDING

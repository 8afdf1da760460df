"""Who may call which write of the API: the role alone, asked of the policy (vae_inversee.lib.policy).

A viewset names the policy action each of its DRF actions performs:

    action_policy = {"create": "pathway.create", "documents:post": "document.add", ...}

A key "<action>:<method>" applies to that HTTP method only (an action that reads for everyone and
writes for some). A value is the name of a policy action, or a `RoleCheck` for a rule that is not
one (changing phase: pathways.workflow). An action not named is not checked here (the reads).

A wrong role is a 403 with the action's own French reason, before the body is validated:
- an action on the collection (create) is refused in `has_permission`;
- an action on one object is refused in `has_object_permission`, i.e. when the view fetches the
  object (`get_object()`, the first thing every detail action does): outside one's scope stays a
  404 whatever the role, and only then is the role asked.
The object's state (phase, status) is the services' to check: a 400 or a 409.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from rest_framework.permissions import BasePermission, IsAuthenticated

from vae_inversee.accounts.policy import CANDIDATE_PORTAL
from vae_inversee.accounts.services import API_REFUSED_TO_CANDIDATES
from vae_inversee.lib import policy

# The DRF actions that answer with the object(s) get_queryset reads, through the resource's serializer;
# the others (the writes' actions) hand the object to a service that re-reads and locks it, and read
# it anew for their answer: their get_queryset needs no joins nor prefetches.
SERIALIZED_ACTIONS = frozenset({"list", "retrieve", "update", "partial_update"})


@dataclass(frozen=True)
class RoleCheck:
    """A role rule that is not a policy action: `allows(user)`, else 403 with `refusal`."""

    allows: Callable[[Any], bool]
    refusal: str


class ActionPermission(BasePermission):
    """The policy's role check of the viewset's `action_policy` (see the module's docstring)."""

    message = "Votre rôle ne permet pas cette action."

    def has_permission(self, request, view):
        return bool(getattr(view, "detail", False)) or self._allows(request, view)

    def has_object_permission(self, request, view, obj):
        return not getattr(view, "detail", False) or self._allows(request, view)

    def _allows(self, request, view) -> bool:
        rule = self._rule(request, view)
        if rule is None:
            return True
        if isinstance(rule, RoleCheck):
            allowed, refusal = rule.allows(request.user), rule.refusal
        else:
            allowed, refusal = policy.may(request.user, rule), policy.action(rule).role_refusal
        if not allowed:
            # One instance per request (APIView.get_permissions): the 403's detail.
            self.message = refusal
        return allowed

    @staticmethod
    def _rule(request, view):
        rules = getattr(view, "action_policy", {})
        action = getattr(view, "action", None)
        return rules.get(f"{action}:{request.method.lower()}", rules.get(action))


class IsMember(IsAuthenticated):
    """Authenticated, and not a candidate: a candidate follows their pathway on the portal only (403 in French).

    The default permission of every view (REST_FRAMEWORK["DEFAULT_PERMISSION_CLASSES"]) and of those that name
    their own; the portal's session is refused earlier too (vae_inversee.www.candidate.confinement).
    """

    message = API_REFUSED_TO_CANDIDATES

    def has_permission(self, request, view):
        return super().has_permission(request, view) and not policy.may(request.user, CANDIDATE_PORTAL)

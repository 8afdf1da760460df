"""Who may do what, in which phase or status (product.md section 2): every action but the phase changes.

The phase changes are the table of `pathways/workflow.py`. Every other action is declared once, in
the `policy.py` of the app that owns it, as an `Action`: its roles, the phases or statuses it is
allowed in, further conditions, and the French reason of each refusal. Every door asks the same
question of this module:

    refusal(user, "support_opinion.record", pathway)  ->  None, or a Refusal (why, in French)
    can(user, "support_opinion.record", pathway)      ->  a button shown or not
    may(user, "funding_file.review")                  ->  the role alone: a page, a link, a 403 first
    authorize(user, "support_opinion.record", pathway) ->  the service raises from the same answer

A refusal for the role is a PermissionDenied (HTTP 403); for the state, a ValidationError on the
action's field (400) or a Conflict (409) when the action says another user moved the object.
Scope (404 outside) is each model's `visible_to(user)`, stated in the same policy modules;
`require_visible` is the services' safety net behind it. No query is made here but the scope check
and the actions' own conditions.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError

from vae_inversee.lib.errors import Conflict

# Not a membership role: the platform's admins (Django staff), for the few actions of the admin site.
PLATFORM_ADMIN = "platform_admin"
NON_FIELD = "non_field_errors"


@dataclass(frozen=True)
class Condition:
    """A further condition of an action: `check(obj)` returns None when met, or the French reason."""

    check: Callable[[Any], str | None]
    conflict: bool = False
    field: str | None = None


@dataclass(frozen=True)
class Action:
    name: str
    roles: frozenset
    role_refusal: str
    # The phases or statuses the action is allowed in (None: any); `state(obj)` reads the object's.
    states: frozenset | None = None
    state: Callable[[Any], str] | None = None
    # The reason when the object is in another state: a string, or a function of the object.
    state_refusal: str | Callable[[Any], str] = ""
    # A state refusal is a conflict (409) when another user moved the object meanwhile.
    conflict: bool = False
    field: str = NON_FIELD
    conditions: tuple[Condition, ...] = ()


@dataclass(frozen=True)
class Refusal:
    action: Action
    reason: str
    for_role: bool = False
    conflict: bool = False
    field: str = NON_FIELD

    def error(self) -> Exception:
        if self.for_role:
            return PermissionDenied(self.reason)
        if self.conflict:
            return Conflict(self.reason)
        return ValidationError({self.field: [self.reason]})


ACTIONS: dict[str, Action] = {}


def declare(*actions: Action) -> None:
    for action in actions:
        if action.name in ACTIONS and ACTIONS[action.name] != action:
            raise ValueError(f"Action declared twice: {action.name}")
        ACTIONS[action.name] = action


def action(name: str) -> Action:
    return ACTIONS[name]


def roles_of(user) -> set:
    roles = {getattr(user, "role", None)} - {None}
    if getattr(user, "is_staff", False):
        roles.add(PLATFORM_ADMIN)
    return roles


def roles_for(name: str) -> frozenset:
    """The membership roles that may take an action (e.g. to list who may be named companion)."""
    return ACTIONS[name].roles - {PLATFORM_ADMIN}


def refusal(user, name: str, obj=None) -> Refusal | None:
    """Why `user` may not take the action on `obj` now (None: they may). Without `obj`, the role alone."""
    declared = ACTIONS[name]
    if not roles_of(user) & declared.roles:
        return Refusal(declared, declared.role_refusal, for_role=True)
    if obj is None:
        return None
    if declared.states is not None and declared.state(obj) not in declared.states:
        reason = declared.state_refusal(obj) if callable(declared.state_refusal) else declared.state_refusal
        return Refusal(declared, reason, conflict=declared.conflict, field=declared.field)
    for condition in declared.conditions:
        reason = condition.check(obj)
        if reason:
            return Refusal(declared, reason, conflict=condition.conflict, field=condition.field or declared.field)
    return None


def can(user, name: str, obj=None) -> bool:
    return refusal(user, name, obj) is None


def may(user, name: str) -> bool:
    """The role alone: may this user ever take the action (a page, a link, the API's 403 before reading)?"""
    return refusal(user, name) is None


def authorize(user, name: str, obj=None) -> None:
    """Raise the refusal's error (403, 400 or 409), or return: what services call before writing."""
    found = refusal(user, name, obj)
    if found is not None:
        raise found.error()


def require_role(user, name: str) -> None:
    authorize(user, name)


def require_visible(user, obj, reason: str) -> None:
    """The services' safety net behind the doors' 404: nobody acts on what they may not see."""
    if not type(obj)._default_manager.visible_to(user).filter(pk=obj.pk).exists():
        raise PermissionDenied(reason)


@dataclass
class Scope:
    """Who sees which rows of a model: one function per role returning a queryset (the rest see none)."""

    by_role: dict = field(default_factory=dict)

    def add(self, role, rule) -> None:
        """A rule another app states (an app above: e.g. funding for the OPCO's pathways)."""
        self.by_role[role] = rule

    def __call__(self, queryset, user):
        rule = self.by_role.get(getattr(user, "role", None))
        return rule(queryset, user) if rule else queryset.none()

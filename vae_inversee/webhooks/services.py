"""The webhooks' writers: `emit` for the domain services, the endpoints' management for the doors."""

import base64
import secrets

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from vae_inversee.outbox.services import enqueue
from vae_inversee.webhooks import addresses, delivery, tasks
from vae_inversee.webhooks.events import EVENTS
from vae_inversee.webhooks.models import Tombstone, WebhookDelivery, WebhookEndpoint, WebhookEvent
from vae_inversee.webhooks.policy import may_manage

REFUSED = "Seul un administrateur de l'organisation gère ses webhooks."
OUT_OF_SCOPE = "Ce webhook n'appartient pas à votre organisation."


def emit(name: str, obj) -> WebhookEvent:
    """Record the event `name` about `obj` in the caller's transaction, with one message per endpoint that
    may see it (the object as the API shows it to that organisation, now); sent after the commit."""
    event = EVENTS[name]
    record = WebhookEvent.objects.create(name=name, resource=event.resource, object_id=obj.pk)
    if delivery.fan_out(record):
        enqueue(tasks.deliver_event, record.pk)
    return record


def tombstone(resource: str, object_id: int, reason: str, organisations) -> Tombstone:
    """Record, in the caller's transaction, that an object left the API or lost its personal data."""
    record = Tombstone.objects.create(resource=resource, object_id=object_id, reason=reason)
    record.organisations.set(list(organisations))
    return record


def new_secret() -> str:
    return "whsec_" + base64.b64encode(secrets.token_bytes(24)).decode()


def _require_manager(acting_user):
    if not may_manage(acting_user):
        raise PermissionDenied(REFUSED)


def _check(url, events):
    errors = {}
    reason = addresses.refusal(url or "")
    if reason:
        errors["url"] = [reason]
    unknown = sorted(set(events or []) - set(EVENTS))
    if not events:
        errors["events"] = ["Choisissez au moins un événement."]
    elif unknown:
        errors["events"] = [f"Événements inconnus : {', '.join(unknown)}."]
    if errors:
        raise ValidationError(errors)


def _locked(acting_user, endpoint) -> WebhookEndpoint:
    _require_manager(acting_user)
    found = WebhookEndpoint.objects.select_for_update().visible_to(acting_user).filter(pk=endpoint.pk).first()
    if found is None:
        raise PermissionDenied(OUT_OF_SCOPE)
    return found


@transaction.atomic
def endpoint_create(*, acting_user, url, events, description="", active=True) -> WebhookEndpoint:
    _require_manager(acting_user)
    _check(url, events)
    endpoint = WebhookEndpoint(
        organisation=acting_user.membership.organisation,
        created_by=acting_user,
        url=url,
        events=sorted(set(events)),
        description=(description or "").strip(),
        secret=new_secret(),
        active=bool(active),
        disabled_reason="" if active else "Désactivé par l'organisation.",
    )
    endpoint.full_clean()
    endpoint.save()
    return endpoint


@transaction.atomic
def endpoint_update(*, acting_user, endpoint, **data) -> WebhookEndpoint:
    """`url`, `events`, `description`, `active` (re-enabling resets the failure count)."""
    endpoint = _locked(acting_user, endpoint)
    url, events = data.get("url", endpoint.url), data.get("events", endpoint.events)
    _check(url, events)
    endpoint.url, endpoint.events = url, sorted(set(events))
    if "description" in data:
        endpoint.description = (data["description"] or "").strip()
    if "active" in data:
        if data["active"] and not endpoint.active:
            endpoint.consecutive_failures, endpoint.disabled_reason = 0, ""
        elif not data["active"] and endpoint.active:
            endpoint.disabled_reason = "Désactivé par l'organisation."
        endpoint.active = bool(data["active"])
    endpoint.full_clean()
    endpoint.save()
    return endpoint


@transaction.atomic
def endpoint_rotate_secret(*, acting_user, endpoint) -> WebhookEndpoint:
    endpoint = _locked(acting_user, endpoint)
    endpoint.secret = new_secret()
    endpoint.save(update_fields=["secret", "updated_at"])
    return endpoint


@transaction.atomic
def endpoint_delete(*, acting_user, endpoint) -> None:
    endpoint = _locked(acting_user, endpoint)
    tombstone("webhooks", endpoint.pk, Tombstone.Reason.DELETED, [endpoint.organisation])
    endpoint.delete()


@transaction.atomic
def redeliver(*, acting_user, delivery: WebhookDelivery):
    """Send the message of a logged attempt again, now (the same `webhook-id`); logged as a manual attempt."""
    endpoint = _locked(acting_user, delivery.endpoint)
    if not endpoint.active:
        raise ValidationError({"non_field_errors": ["Réactivez le webhook avant de renvoyer un message."]})
    enqueue(tasks.redeliver_message, delivery.message_id)
    return delivery.message

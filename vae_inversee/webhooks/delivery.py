"""Webhook messages: fan an event out to its endpoints (in the change's transaction), then sign, post, log,
retry, disable.

The one writer of `WebhookMessage` and `WebhookDelivery`, called by `services.emit` (the fan-out) and by
the tasks (`tasks.py`: the first attempt after the commit, the retries, the manual redelivery). Every attempt is a `WebhookDelivery` row. A message that is not
delivered waits `retry_delays()` (exponential, from one minute, for 24 h in all), then is abandoned; an
endpoint whose attempts fail `WEBHOOK_DISABLE_AFTER_FAILURES` times in a row is disabled and its
organisation's admins are told. Messages about one object reach an endpoint in the order of the events:
one waits while an earlier one about the same object is still pending for that endpoint.
"""

import datetime
import json
import logging
import time
import uuid

import requests
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from standardwebhooks.webhooks import Webhook

from vae_inversee.notifications.enums import NotificationCategory
from vae_inversee.notifications.services import notify
from vae_inversee.webhooks import addresses
from vae_inversee.webhooks.enums import MessageStatus
from vae_inversee.webhooks.events import READERS
from vae_inversee.webhooks.models import WebhookDelivery, WebhookEndpoint, WebhookMessage
from vae_inversee.webhooks.policy import admins_of, is_organisation_admin, waiting

logger = logging.getLogger(__name__)
USER_AGENT = "VAE-inversee-Webhooks/1"


def retry_delays() -> list[int]:
    """Seconds between an attempt and the next: doubling from WEBHOOK_RETRY_FIRST_DELAY, capped, for 24 h."""
    delays, delay, total = [], settings.WEBHOOK_RETRY_FIRST_DELAY, 0
    window = settings.WEBHOOK_RETRY_WINDOW
    while total + delay <= window:
        delays.append(delay)
        total += delay
        delay = min(delay * 2, settings.WEBHOOK_RETRY_MAX_DELAY)
    return delays


def viewer_for(endpoint):
    """The member whose view of the objects an endpoint receives: its author, else another active admin."""
    author = endpoint.created_by
    membership = getattr(author, "membership", None) if author else None
    if (
        author is not None
        and author.is_active
        and membership
        and membership.organisation_id == endpoint.organisation_id
        and is_organisation_admin(author)
    ):
        return author
    admins = admins_of(endpoint.organisation)
    return admins[0] if admins else None


def _body(event, data) -> str:
    return json.dumps(
        {"type": event.name, "timestamp": event.created_at.isoformat(), "data": data},
        ensure_ascii=False,
        separators=(",", ":"),
        default=str,
    )


def fan_out(event) -> list[int]:
    """One message per active endpoint subscribed to the event and allowed to see its object, its body the
    object as the API returns it to that organisation now: written in the caller's transaction (the durable
    record, a snapshot of the moment), sent after the commit (`deliver_event`)."""
    messages = []
    endpoints = WebhookEndpoint.objects.filter(active=True).select_related("organisation", "created_by__membership")
    for endpoint in endpoints:
        if event.name not in endpoint.events:
            continue
        viewer = viewer_for(endpoint)
        data = READERS[event.resource](viewer, event.object_id) if viewer is not None else None
        if data is None:
            continue  # outside what that organisation may see: it never hears of it
        message = WebhookMessage.objects.create(
            endpoint=endpoint,
            event=event,
            msg_id=f"msg_{uuid.uuid4().hex}",
            body=_body(event, data),
            next_attempt_at=timezone.now(),
        )
        messages.append(message.pk)
    return messages


def deliver_event(event_id) -> int:
    """The first attempt at each message of an event, right after its commit; returns how many were delivered."""
    messages = WebhookMessage.objects.filter(event_id=event_id).order_by("id").values_list("pk", flat=True)
    return sum(deliver(pk) for pk in list(messages))


def _earlier_pending(message) -> bool:
    return WebhookMessage.objects.filter(
        endpoint_id=message.endpoint_id,
        event__resource=message.event.resource,
        event__object_id=message.event.object_id,
        status=MessageStatus.PENDING,
        pk__lt=message.pk,
    ).exists()


def _post(endpoint, message, now) -> tuple[int | None, str]:
    reason = addresses.refusal(endpoint.url)
    if reason:
        return None, f"Adresse refusée : {reason}"
    signature = Webhook(endpoint.secret).sign(msg_id=message.msg_id, timestamp=now, data=message.body)
    headers = {
        "content-type": "application/json",
        "user-agent": USER_AGENT,
        "webhook-id": message.msg_id,
        "webhook-timestamp": str(int(now.timestamp())),
        "webhook-signature": signature,
    }
    try:
        response = requests.post(
            endpoint.url,
            data=message.body.encode(),
            headers=headers,
            timeout=settings.WEBHOOK_TIMEOUT,
            allow_redirects=False,
        )
    except requests.RequestException as error:
        return None, f"{type(error).__name__}: {error}"[:2000]
    response.close()
    return response.status_code, "" if 200 <= response.status_code < 300 else f"Réponse HTTP {response.status_code}"


def _disable(endpoint, reason):
    endpoint.active = False
    endpoint.disabled_reason = reason
    endpoint.save(update_fields=["active", "disabled_reason", "updated_at"])
    notify(
        recipients=admins_of(endpoint.organisation),
        category=NotificationCategory.INTEGRATION,
        event_key=f"webhook-disabled:{endpoint.pk}:{endpoint.updated_at.isoformat()}",
        subject=f"Webhook désactivé : {endpoint.url}",
        template="webhook_disabled",
        context={"endpoint": endpoint, "reason": reason},
        link=f"/webhooks/{endpoint.pk}/",
    )


def _record(message, endpoint, status_code, error, started, now, manual):
    succeeded = status_code is not None and 200 <= status_code < 300
    message.attempts += 1
    WebhookDelivery.objects.create(
        message=message,
        endpoint=endpoint,
        attempt=message.attempts,
        at=now,
        status_code=status_code,
        succeeded=succeeded,
        error=error,
        duration_ms=int((time.monotonic() - started) * 1000),
        manual=manual,
    )
    if succeeded:
        message.status, message.delivered_at, message.next_attempt_at = MessageStatus.DELIVERED, now, None
        endpoint.consecutive_failures = 0
        endpoint.save(update_fields=["consecutive_failures", "updated_at"])
    else:
        delays = retry_delays()
        automatic = message.deliveries.filter(manual=False).count()
        if manual and not waiting(message):
            pass  # a manual redelivery that fails leaves a delivered or abandoned message as it was
        elif automatic <= len(delays):
            message.status = MessageStatus.PENDING
            message.next_attempt_at = now + datetime.timedelta(seconds=delays[automatic - 1])
        else:
            message.status, message.next_attempt_at = MessageStatus.FAILED, None
        endpoint.consecutive_failures += 1
        endpoint.save(update_fields=["consecutive_failures", "updated_at"])
        if endpoint.active and endpoint.consecutive_failures >= settings.WEBHOOK_DISABLE_AFTER_FAILURES:
            _disable(endpoint, f"{endpoint.consecutive_failures} échecs consécutifs (dernier : {error})"[:300])
    message.save(update_fields=["attempts", "status", "delivered_at", "next_attempt_at"])
    return succeeded


def deliver(message_id, *, manual=False) -> bool:
    """One attempt at a message, now (unless another process holds it, or an earlier one about the same
    object still waits for this endpoint); True once delivered. Then the next one about the object goes."""
    with transaction.atomic():
        message = (
            WebhookMessage.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("event", "endpoint__organisation")
            .filter(pk=message_id)
            .first()
        )
        if message is None:
            return False
        endpoint = message.endpoint
        if not manual and (not waiting(message) or not endpoint.active or _earlier_pending(message)):
            return False
        started, now = time.monotonic(), timezone.now()
        status_code, error = _post(endpoint, message, now)
        succeeded = _record(message, endpoint, status_code, error, started, now, manual)
    if succeeded:
        following = (
            WebhookMessage.objects.filter(
                endpoint_id=message.endpoint_id,
                event__resource=message.event.resource,
                event__object_id=message.event.object_id,
                status=MessageStatus.PENDING,
                next_attempt_at__lte=timezone.now(),
                pk__gt=message.pk,
            )
            .order_by("pk")
            .values_list("pk", flat=True)
            .first()
        )
        if following:
            deliver(following)
    return succeeded


def retry_due(*, limit=500) -> int:
    """The messages whose next attempt is due, oldest first; returns how many were delivered."""
    due = list(
        WebhookMessage.objects.filter(
            status=MessageStatus.PENDING, next_attempt_at__lte=timezone.now(), endpoint__active=True
        )
        .order_by("id")
        .values_list("pk", flat=True)[:limit]
    )
    return sum(deliver(pk) for pk in due)

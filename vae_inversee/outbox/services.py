"""enqueue(): how a service asks for background work, durably (docs/architecture.md, « la boîte d'envoi »)."""

from functools import partial

from django.db import transaction

from vae_inversee.outbox import dispatch
from vae_inversee.outbox.models import OutboxMessage


def enqueue(task, *args) -> OutboxMessage:
    """Record `task(*args)` in the caller's transaction; it goes to the broker once that transaction commits.

    Call it inside the service's transaction, in place of `transaction.on_commit(lambda: task.delay(...))`:
    the row commits, or rolls back, with the change that calls for it. Right after the commit it is sent,
    failing fast; if the broker is down the row waits for the relay (`relay_outbox`, every minute).
    It never raises for a broker error. The arguments must be JSON (ids, strings).
    """
    message = OutboxMessage.objects.create(task=task.name, args=list(args))
    transaction.on_commit(partial(dispatch.publish, message.pk))
    return message

"""Hand the outbox's messages to the broker: right after the commit, then by the relay until it is done.

The one writer of `OutboxMessage.dispatched_at`, run on commit (`services.enqueue`), by the relay task
(`tasks.relay_outbox`, Celery beat) and by `manage.py relay_outbox`. A message is sent while its row
is locked (`select_for_update(skip_locked=True)`: two relays never pick the same row) and marked sent
in the same transaction. A broker that does not answer costs milliseconds and an error line in the
row, never an exception for the caller: the row waits for the next relay. The tasks are idempotent,
so a message sent twice (a relay that died between the send and its commit) does no harm.

With Celery eager (the embedded default, the tests), sending runs the task in-process as before, and
its errors propagate (`CELERY_TASK_EAGER_PROPAGATES`).
"""

import datetime
import logging

from celery import current_app
from celery.exceptions import NotRegistered
from django.db import transaction
from django.utils import timezone
from kombu.exceptions import OperationalError

from vae_inversee.outbox.models import OutboxMessage

logger = logging.getLogger(__name__)

# The broker is down or unreachable: the relay stops there and tries again on its next run.
BROKER_ERRORS = (OperationalError, ConnectionError, TimeoutError, OSError)
BATCH = 100  # rows locked per transaction
LIMIT = 5000  # messages sent per relay run at most (the next run goes on)
KEEP_DAYS = 30  # sent messages are kept this long, for the record


def _errors_propagate() -> bool:
    return bool(current_app.conf.task_always_eager and current_app.conf.task_eager_propagates)


def _task(name):
    try:
        return current_app.tasks[name]
    except NotRegistered:
        # A fresh process (`manage.py relay_outbox`) has not imported the apps' tasks modules yet.
        current_app.loader.import_default_modules()
        return current_app.tasks[name]


def _send(message) -> Exception | None:
    """Hand one locked row to the broker and record the outcome; returns the error, None once sent."""
    message.attempts += 1
    try:
        # retry=False: a down broker fails at once; ignore_result: nothing waits on the result backend.
        _task(message.task).apply_async(
            args=message.args, task_id=f"outbox-{message.pk}", retry=False, ignore_result=True
        )
    except Exception as error:
        if _errors_propagate():
            raise
        message.last_error = f"{type(error).__name__}: {error}"[:2000]
        message.save(update_fields=["attempts", "last_error"])
        logger.warning("Outbox message %s (%s) left for the relay: %s", message.pk, message.task, message.last_error)
        return error
    message.dispatched_at = timezone.now()
    message.save(update_fields=["attempts", "dispatched_at"])
    return None


def publish(message_id) -> bool:
    """The on-commit path: send this message now if nobody else is; False when it waits for the relay."""
    try:
        with transaction.atomic():
            message = (
                OutboxMessage.objects.select_for_update(skip_locked=True)
                .filter(pk=message_id, dispatched_at__isnull=True)
                .first()
            )
            return message is not None and _send(message) is None
    except Exception:
        if _errors_propagate():
            raise
        # Even the database failed us here: the committed row waits for the relay.
        logger.exception("Outbox message %s left for the relay", message_id)
        return False


def relay(*, batch=BATCH, limit=LIMIT) -> int:
    """Send the waiting messages, oldest first, `batch` rows locked at a time; returns how many were sent.

    Stops at the first broker error (the next run tries again); a message that fails for another
    reason (an unknown task) keeps its error and does not hold up the ones behind it.
    """
    sent, after = 0, 0
    while sent < limit:
        size = min(batch, limit - sent)
        with transaction.atomic():
            messages = list(
                OutboxMessage.objects.pending().filter(pk__gt=after).select_for_update(skip_locked=True)[:size]
            )
            for message in messages:
                after = message.pk
                error = _send(message)
                if error is None:
                    sent += 1
                elif isinstance(error, BROKER_ERRORS):
                    return sent
        if len(messages) < size:
            break
    return sent


def purge(*, days=KEEP_DAYS) -> int:
    """Forget the messages sent more than `days` ago."""
    cutoff = timezone.now() - datetime.timedelta(days=days)
    return OutboxMessage.objects.filter(dispatched_at__lt=cutoff).delete()[0]

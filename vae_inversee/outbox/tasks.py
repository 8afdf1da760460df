from celery import shared_task

from vae_inversee.outbox import dispatch


@shared_task(ignore_result=True)
def relay_outbox():
    """Celery beat, every minute: hand the waiting messages to the broker, forget the old sent ones."""
    sent = dispatch.relay()
    dispatch.purge()
    return sent

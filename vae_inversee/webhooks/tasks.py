from celery import shared_task

from vae_inversee.webhooks import delivery


@shared_task(ignore_result=True)
def deliver_event(event_id):
    """After the commit of the change (the outbox): the first attempt at each of the event's messages."""
    return delivery.deliver_event(event_id)


@shared_task(ignore_result=True)
def retry_webhooks():
    """Celery beat, every minute: the attempts that are due (retries, and first attempts whose task was lost)."""
    return delivery.retry_due()


@shared_task(ignore_result=True)
def redeliver_message(message_id):
    return delivery.deliver(message_id, manual=True)

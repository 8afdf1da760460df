"""The outbox: background work recorded with the change, sent after the commit or by the relay."""

import datetime
import io
import socket
import threading
import time
from contextlib import contextmanager

import pytest
from celery import shared_task
from django.core.management import call_command
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone

from funding import services as funding_services
from funding.money import Amounts
from tests.conftest import require_service
from tests.funding.factories import funded_pathway, submitted_file
from vae_inversee.celery import app
from vae_inversee.outbox import dispatch
from vae_inversee.outbox.models import OutboxMessage
from vae_inversee.outbox.services import enqueue
from vae_inversee.outbox.tasks import relay_outbox

RAN = []


@shared_task(name="tests.outbox.record")
def record(*args):
    """A test-only task: remembers that it ran, with what."""
    time.sleep(0.01)
    RAN.append(list(args))
    return len(RAN)


@pytest.fixture(autouse=True)
def forget_runs():
    RAN.clear()
    yield
    RAN.clear()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def broker_at(url):
    """Publish for real (not eager) to `url` for a while: fresh producer pools on the way in and out."""
    previous = (app.conf.task_always_eager, app.conf.broker_url)
    app.conf.task_always_eager, app.conf.broker_url = False, url
    app.amqp._producer_pool = app._pool = None
    try:
        yield
    finally:
        app.conf.task_always_eager, app.conf.broker_url = previous
        app.amqp._producer_pool = app._pool = None


@pytest.fixture
def broker_down():
    """Nothing listens on the broker's port: Redis is down."""
    with broker_at(f"redis://127.0.0.1:{free_port()}/0"):
        yield


@pytest.fixture
def memory_broker():
    """A broker in memory: what was sent stays in its queue, and no worker runs it."""
    with broker_at("memory://"):
        with app.connection_for_write() as conn:
            queue = conn.SimpleQueue("celery")
            queue.clear()
            yield queue
            queue.clear()
            queue.close()


def pending():
    return list(OutboxMessage.objects.pending())


# ---- enqueue -----------------------------------------------------------------------------------------


def test_a_rolled_back_change_leaves_no_background_work(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(RuntimeError), transaction.atomic():
            enqueue(record, 1)
            raise RuntimeError("the service failed")
    assert not OutboxMessage.objects.exists() and not callbacks and RAN == []


def test_in_process_the_task_runs_on_commit_and_its_row_is_marked_sent(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        with transaction.atomic():
            message = enqueue(record, 7, "sept")
            assert RAN == []  # not before the commit
    assert RAN == [[7, "sept"]]
    message.refresh_from_db()
    assert message.task == "tests.outbox.record" and message.args == [7, "sept"]
    assert message.dispatched_at is not None and message.attempts == 1 and message.last_error == ""


def test_a_decision_writes_its_background_work_in_its_own_transaction(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    pathway, staff = funded_pathway()
    funding_file = submitted_file(pathway, staff)
    OutboxMessage.objects.all().delete()
    funding_services.funding_file_approve(
        acting_user=staff["opco"],
        funding_file=funding_file,
        approved=Amounts.parse({"teaching": "6000.00", "design": "1000.00", "support": "2000.00"}),
    )
    # The test's transaction never commits: the rows are there, waiting, with the decision.
    assert [(m.task, m.args[0]) for m in pending()] == [
        ("funding.tasks.render_agreement", funding_file.pk),
        ("funding.tasks.notify_funding", funding_file.pk),
    ]


# ---- Redis down --------------------------------------------------------------------------------------


def test_with_the_broker_down_enqueueing_costs_milliseconds_and_raises_nothing(
    db, broker_down, django_capture_on_commit_callbacks
):
    started = time.monotonic()
    with django_capture_on_commit_callbacks(execute=True):
        with transaction.atomic():
            enqueue(record, 1)
            enqueue(record, 2)
    assert time.monotonic() - started < 2
    assert RAN == []
    waiting = pending()
    assert [m.args for m in waiting] == [[1], [2]]
    assert all(m.attempts == 1 and "connecting to 127.0.0.1" in m.last_error for m in waiting)


def test_with_the_broker_down_the_portal_decision_commits_and_answers_at_once(
    client, db, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.MEDIA_ROOT = tmp_path
    pathway, staff = funded_pathway()
    funding_file = submitted_file(pathway, staff)
    client.force_login(staff["opco"])
    started = time.monotonic()
    with broker_at(f"redis://127.0.0.1:{free_port()}/0"), django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("funding:file_approve", args=[funding_file.pk]),
            {"accord-approved_teaching": "6000.00", "accord-approved_design": "0", "accord-approved_support": "0"},
        )
    assert response.status_code == 302
    assert time.monotonic() - started < 3
    funding_file.refresh_from_db()
    assert funding_file.status == "approved" and not funding_file.agreement
    assert {m.task for m in pending()} == {"funding.tasks.render_agreement", "funding.tasks.notify_funding"}


def test_the_relay_stops_at_the_first_broker_error(db, broker_down):
    for number in range(3):
        OutboxMessage.objects.create(task=record.name, args=[number])
    assert dispatch.relay() == 0
    assert [m.attempts for m in pending()] == [1, 0, 0]


# ---- the relay ---------------------------------------------------------------------------------------


def test_the_relay_sends_oldest_first_in_bounded_batches(db):
    for number in range(5):
        OutboxMessage.objects.create(task=record.name, args=[number])
    assert dispatch.relay(batch=2, limit=3) == 3
    assert RAN == [[0], [1], [2]]
    assert dispatch.relay(batch=2) == 2 and RAN[3:] == [[3], [4]]
    assert dispatch.relay() == 0 and not pending()


def test_a_message_the_broker_refuses_does_not_hold_up_the_others(db, memory_broker):
    OutboxMessage.objects.create(task="tests.outbox.renamed_meanwhile", args=[0])
    OutboxMessage.objects.create(task=record.name, args=[1])
    assert dispatch.relay() == 1
    assert memory_broker.qsize() == 1 and RAN == []  # sent, not run: no worker here
    (stuck,) = pending()
    assert stuck.task == "tests.outbox.renamed_meanwhile" and "NotRegistered" in stuck.last_error


def test_a_message_already_sent_is_not_sent_again(db, memory_broker, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        message = enqueue(record, 1)
    assert memory_broker.qsize() == 1
    assert dispatch.publish(message.pk) is False
    assert dispatch.relay() == 0
    assert memory_broker.qsize() == 1


def test_the_relay_command_says_what_it_sent(db):
    for number in range(3):
        OutboxMessage.objects.create(task=record.name, args=[number])
    out = io.StringIO()
    call_command("relay_outbox", stdout=out)
    assert out.getvalue().strip() == "3 message(s) transmis, 0 en attente."


def test_the_relay_task_forgets_messages_sent_long_ago(db):
    old = OutboxMessage.objects.create(task=record.name, dispatched_at=timezone.now() - datetime.timedelta(days=40))
    recent = OutboxMessage.objects.create(task=record.name, dispatched_at=timezone.now() - datetime.timedelta(days=2))
    waiting = OutboxMessage.objects.create(task=record.name, args=[1])
    relay_outbox.apply()
    assert set(OutboxMessage.objects.values_list("pk", flat=True)) == {recent.pk, waiting.pk}
    assert not pending() and RAN == [[1]]
    assert not OutboxMessage.objects.filter(pk=old.pk).exists()


@pytest.mark.integration
@pytest.mark.django_db(transaction=True)
def test_two_relays_at_once_send_each_message_once(memory_broker):
    require_service(connection.vendor == "postgresql", "needs PostgreSQL (SKIP LOCKED): set DATABASE_URL")
    OutboxMessage.objects.bulk_create(OutboxMessage(task=record.name, args=[number]) for number in range(30))
    barrier = threading.Barrier(2)
    sent = []

    def relay():
        try:
            barrier.wait(timeout=10)
            sent.append(dispatch.relay(batch=5))
        finally:
            connection.close()

    threads = [threading.Thread(target=relay) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sum(sent) == 30
    published = [memory_broker.get(block=False) for _ in range(memory_broker.qsize())]
    assert sorted(message.decode()[0][0] for message in published) == list(range(30))  # (args, kwargs, …)
    assert not pending()

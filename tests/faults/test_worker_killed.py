"""A worker killed in the middle of a PDF: its message goes back to the queue, and one PDF results."""

import json
import os
import signal
import time

import pytest

from funding import services
from funding.models import FundingFile
from funding.money import Amounts
from tests.celery_worker import running_worker
from tests.faults.tools import app_pointed_at, require_postgresql, throwaway_redis, wait_for
from tests.funding.factories import funded_pathway, pdf_text, submitted_file
from vae_inversee.outbox.models import OutboxMessage

RENDER = "funding.tasks.render_agreement"
# A long motive makes a long PDF: 3 to 4 s inside WeasyPrint, long enough to be killed in the middle.
LONG_REASON = "Montant ramené au devis de l'organisme de formation, ligne par ligne. " * 2500


def taken_unacknowledged(redis_server, task) -> bool:
    """A worker took the task's message and has not acknowledged it (kombu's `unacked` hash)."""
    return any(json.loads(value)[0]["headers"]["task"] == task for value in redis_server.client().hvals("unacked"))


def stored(funding_file) -> bool:
    return FundingFile.objects.exclude(agreement="").filter(pk=funding_file.pk).exists()


@pytest.mark.integration
@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_mid_pdf_leaves_the_message_for_the_next_one_and_one_pdf_results(
    settings, tmp_path, monkeypatch
):
    require_postgresql()
    settings.MEDIA_ROOT = tmp_path / "media"
    pathway, staff = funded_pathway()
    funding_file = submitted_file(pathway, staff)
    # The message of a worker that died goes back to the queue after a second (an hour by default).
    workers_env = {"CELERY_VISIBILITY_TIMEOUT": "1"}

    with throwaway_redis(tmp_path / "redis.log") as redis_server, app_pointed_at(redis_server.url):
        monkeypatch.setenv("REDIS_URL", redis_server.url)
        services.funding_file_approve(
            acting_user=staff["opco"],
            funding_file=funding_file,
            approved=Amounts.parse({"teaching": "6000.00", "design": "1000.00", "support": "2000.00"}),
            reason=LONG_REASON,
        )
        assert not OutboxMessage.objects.pending().exists()  # handed to Redis on commit

        (tmp_path / "first").mkdir()
        with running_worker(tmp_path / "first", needs_database=True, extra_env=workers_env) as first:
            wait_for(lambda: taken_unacknowledged(redis_server, RENDER), timeout=30, message="no worker took the PDF")
            time.sleep(1)  # WeasyPrint imported (0.5 s), the document being laid out
            os.kill(first.pid, signal.SIGKILL)
            first.wait(timeout=10)
        funding_file.refresh_from_db()
        assert not funding_file.agreement  # killed before the PDF was stored
        assert taken_unacknowledged(redis_server, RENDER)  # the message was not lost with the worker

        (tmp_path / "second").mkdir()
        with running_worker(tmp_path / "second", needs_database=True, extra_env=workers_env):
            wait_for(
                lambda: stored(funding_file) and not taken_unacknowledged(redis_server, RENDER),
                timeout=60,
                message="the second worker did not render the PDF",
            )
            time.sleep(1)  # a second delivery would run now
        assert not OutboxMessage.objects.pending().exists()  # delivered again by Redis, not sent again

    funding_file.refresh_from_db()
    assert [path.name for path in (tmp_path / "media" / "agreements").iterdir()] == [
        os.path.basename(funding_file.agreement.name)
    ]
    text = pdf_text(funding_file.agreement.path)
    assert "Accord de prise en charge" in text and pathway.reference in text

"""Redis stops: decisions still commit at once, and their background work runs, once, when it is back."""

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.urls import reverse

from funding.models import FundingFile
from tests import celery_worker
from tests.celery_worker import running_worker
from tests.conftest import api_as
from tests.faults.tools import app_pointed_at, require_postgresql, throwaway_redis, wait_for
from tests.funding.factories import funded_pathway, submitted_file
from vae_inversee.celery import ping
from vae_inversee.notifications.models import Notification
from vae_inversee.outbox.models import OutboxMessage

ROOT = Path(__file__).resolve().parents[2]
AMOUNTS = {"approved_teaching": "6000.00", "approved_design": "1000.00", "approved_support": "2000.00"}


def relay_command(redis_url) -> str:
    """`manage.py relay_outbox` in its own process, as an operator (or cron) would run it."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "vae_inversee.settings",
        "DATABASE_URL": celery_worker.test_database_url(),
        "REDIS_URL": redis_url,
        "CELERY_TASK_ALWAYS_EAGER": "false",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "relay_outbox"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout.strip().splitlines()[-1]


def approval_notices(funding_file):
    return Notification.objects.filter(event_key__startswith=f"funding:{funding_file.pk}:approved:")


def all_done(*files) -> bool:
    """Each PDF stored, each approval notice (two per file) e-mailed, nothing left in the outbox."""
    notices = Notification.objects.filter(event_key__contains=":approved:")
    return (
        FundingFile.objects.filter(pk__in=[f.pk for f in files]).exclude(agreement="").count() == len(files)
        and notices.count() == 2 * len(files)
        and not notices.filter(emailed_at__isnull=True).exists()
        and not OutboxMessage.objects.pending().exists()
    )


@pytest.mark.integration
@pytest.mark.django_db(transaction=True)
def test_with_redis_stopped_decisions_commit_at_once_and_their_work_runs_once_it_is_back(
    client, settings, tmp_path, monkeypatch
):
    require_postgresql()
    settings.MEDIA_ROOT = tmp_path / "media"
    by_portal, portal_staff = funded_pathway()
    by_api, api_staff = funded_pathway()
    portal_file = submitted_file(by_portal, portal_staff)  # submitted while all was well (in-process)
    api_file = submitted_file(by_api, api_staff)

    with throwaway_redis(tmp_path / "redis.log") as redis_server, app_pointed_at(redis_server.url):
        ping.apply_async(ignore_result=True)  # the app has been talking to Redis: a pooled connection
        redis_server.stop()

        client.force_login(portal_staff["opco"])
        started = time.monotonic()
        response = client.post(
            reverse("funding:file_approve", args=[portal_file.pk]),
            {f"accord-{field}": amount for field, amount in AMOUNTS.items()},
        )
        portal_seconds = time.monotonic() - started
        started = time.monotonic()
        api_response = api_as(api_staff["opco"]).post(
            f"/api/v1/funding-files/{api_file.pk}/approve/", AMOUNTS, format="json"
        )
        api_seconds = time.monotonic() - started
        print(f"Redis down: portal approval {portal_seconds:.3f} s, API approval {api_seconds:.3f} s")

        assert (response.status_code, response["Location"]) == (302, reverse("funding:opco_home"))
        assert api_response.status_code == 200, api_response.content
        assert portal_seconds < 3 and api_seconds < 3
        # Committed: read again from the database.
        decided = FundingFile.objects.filter(pk__in=[portal_file.pk, api_file.pk])
        assert {(f.status, bool(f.agreement)) for f in decided} == {("approved", False)}
        waiting = list(OutboxMessage.objects.pending())
        assert sorted((m.task, m.args[0]) for m in waiting) == sorted(
            (task, pk)
            for pk in (portal_file.pk, api_file.pk)
            for task in ("funding.tasks.render_agreement", "funding.tasks.notify_funding")
        )
        assert all(m.attempts == 1 and "Connection refused" in m.last_error for m in waiting)
        assert not approval_notices(portal_file).exists() and not approval_notices(api_file).exists()

        # Redis is back: the relay hands the waiting work over, a worker runs it.
        redis_server.start()
        assert relay_command(redis_server.url) == "4 message(s) transmis, 0 en attente."
        monkeypatch.setenv("REDIS_URL", redis_server.url)
        (tmp_path / "worker").mkdir()
        with running_worker(tmp_path / "worker", needs_database=True):
            wait_for(
                lambda: all_done(portal_file, api_file),
                timeout=60,
                message="the worker did not render both PDFs and send the four e-mails",
            )
            time.sleep(1)  # anything sent twice would run now
        assert relay_command(redis_server.url) == "0 message(s) transmis, 0 en attente."

    worker_log = (tmp_path / "worker" / "worker.log").read_text()
    assert sorted(p.name for p in (tmp_path / "media" / "agreements").iterdir()) == sorted(
        Path(f.agreement.name).name for f in FundingFile.objects.filter(pk__in=[portal_file.pk, api_file.pk])
    )
    for funding_file, staff in ((portal_file, portal_staff), (api_file, api_staff)):
        # The project holder and the companion, once each, by inbox and by e-mail (the console backend's log).
        notices = approval_notices(funding_file)
        assert sorted(n.recipient_id for n in notices) == sorted([staff["project_holder"].pk, staff["companion"].pk])
        for notice in notices:
            assert notice.emailed_at is not None
            assert worker_log.count(f"To: {notice.recipient.email}\n") == 1, worker_log[-3000:]

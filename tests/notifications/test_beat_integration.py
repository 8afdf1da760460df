"""Celery beat schedules the daily reminders and a real worker sends them (integration)."""

import datetime
import time

import pytest
from django.utils import timezone

from pathways.models import Pathway
from tests.celery_worker import running_worker
from tests.conftest import require_service
from tests.pathways.factories import PathwayFactory, staff_of
from vae_inversee.notifications.models import Notification


@pytest.mark.integration
@pytest.mark.django_db(transaction=True)
def test_beat_and_worker_send_one_digest(tmp_path):
    from django.db import connection

    require_service(connection.vendor == "postgresql", "needs PostgreSQL shared with the worker: set DATABASE_URL")
    pathway = PathwayFactory()
    staff = staff_of(pathway)
    Pathway.objects.filter(pk=pathway.pk).update(phase_changed_at=timezone.now() - datetime.timedelta(days=100))
    with running_worker(tmp_path, needs_database=True, beat=True, extra_env={"REMINDERS_EVERY_SECONDS": "1"}):
        deadline = time.monotonic() + 45
        while time.monotonic() < deadline:
            if Notification.objects.filter(recipient=staff["project_holder"], category="reminder").exists():
                break
            time.sleep(0.5)
        # Let beat fire a few more times: still one digest per user for the day.
        time.sleep(3)
    digests = Notification.objects.filter(recipient=staff["project_holder"], category="reminder")
    assert digests.count() == 1
    assert pathway.reference in digests.get().body
    assert Notification.objects.filter(recipient=staff["companion"], category="reminder").count() == 1

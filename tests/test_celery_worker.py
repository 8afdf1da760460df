"""A real Celery worker on Redis runs a task end to end (integration; needs REDIS_URL)."""

import pytest

from tests.celery_worker import running_worker
from vae_inversee.celery import ping


@pytest.mark.integration
def test_a_task_round_trips_through_a_real_worker(tmp_path):
    with running_worker(tmp_path):
        result = ping.delay()
        assert result.get(timeout=30) == "pong"
        assert result.successful()

"""A real Celery worker on Redis runs a task end to end (integration; needs REDIS_URL)."""

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import require_service
from vae_inversee.celery import app, ping

ROOT = Path(__file__).resolve().parent.parent


def redis_reachable(url: str) -> bool:
    if not url:
        return False
    import redis

    try:
        return redis.Redis.from_url(url, socket_connect_timeout=1).ping()
    except redis.exceptions.RedisError:
        return False


@pytest.fixture
def worker(tmp_path):
    url = os.environ.get("REDIS_URL", "")
    require_service(redis_reachable(url), "REDIS_URL is not set or Redis does not answer")
    env = {**os.environ, "CELERY_TASK_ALWAYS_EAGER": "false", "DJANGO_SETTINGS_MODULE": "vae_inversee.settings"}
    log = open(tmp_path / "worker.log", "w")  # noqa: SIM115 - closed in the finally below
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "vae_inversee",
            "worker",
            "--concurrency=1",
            "--pool=solo",
            "--without-heartbeat",
            "--without-gossip",
            "--without-mingle",
            "-l",
            "warning",
            "-n",
            f"ci-{os.getpid()}@%h",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        text=True,
    )
    previous = (app.conf.task_always_eager, app.conf.broker_url, app.conf.result_backend)
    app.conf.task_always_eager = False
    app.conf.broker_url = url
    app.conf.result_backend = url
    try:
        yield process
    finally:
        app.conf.task_always_eager, app.conf.broker_url, app.conf.result_backend = previous
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()
        print((tmp_path / "worker.log").read_text())


@pytest.mark.integration
def test_a_task_round_trips_through_a_real_worker(worker):
    deadline = time.monotonic() + 30
    result = ping.delay()
    value = result.get(timeout=max(1, deadline - time.monotonic()))
    assert value == "pong"
    assert result.successful()

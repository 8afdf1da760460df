"""A real Celery worker on Redis, started for a test against the test database (integration)."""

import os
import subprocess
import sys
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.db import connection

from tests.conftest import require_service
from vae_inversee.celery import app

ROOT = Path(__file__).resolve().parent.parent


def redis_reachable(url: str) -> bool:
    if not url:
        return False
    import redis

    try:
        return bool(redis.Redis.from_url(url, socket_connect_timeout=1).ping())
    except redis.exceptions.RedisError:
        return False


def test_database_url() -> str | None:
    """The URL of the database this test run uses, when another process can reach it (PostgreSQL)."""
    params = connection.settings_dict
    if connection.vendor != "postgresql":
        return None
    auth = params["USER"] + (f":{params['PASSWORD']}" if params.get("PASSWORD") else "")
    return f"postgres://{auth}@{params['HOST'] or '127.0.0.1'}:{params['PORT'] or 5432}/{params['NAME']}"


@contextmanager
def running_worker(tmp_path, *, needs_database=False, beat=False, extra_env=None):
    url = os.environ.get("REDIS_URL", "")
    require_service(redis_reachable(url), "REDIS_URL is not set or Redis does not answer")
    env = {**os.environ, "CELERY_TASK_ALWAYS_EAGER": "false", "DJANGO_SETTINGS_MODULE": "vae_inversee.settings"}
    if needs_database:
        database_url = test_database_url()
        require_service(database_url is not None, "the worker needs the test database on PostgreSQL (DATABASE_URL)")
        env.update(DATABASE_URL=database_url, MEDIA_ROOT=str(settings.MEDIA_ROOT))
    env.update(extra_env or {})
    log_path = tmp_path / "worker.log"
    with open(log_path, "w") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "vae_inversee", "worker", "--concurrency=1", "--pool=solo",
             "--without-heartbeat", "--without-gossip", "--without-mingle", "-l", "warning",
             "-n", f"test-{os.getpid()}@%h"],
            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip
        beat_process = None
        if beat:
            beat_process = subprocess.Popen(
                [sys.executable, "-m", "celery", "-A", "vae_inversee", "beat", "-l", "info",
                 "-s", str(tmp_path / "beat-schedule"), "--pidfile", str(tmp_path / "beat.pid")],
                cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
            )  # fmt: skip
        previous = (app.conf.task_always_eager, app.conf.broker_url, app.conf.result_backend)
        app.conf.task_always_eager = False
        app.conf.broker_url = url
        app.conf.result_backend = url
        try:
            yield process
        finally:
            app.conf.task_always_eager, app.conf.broker_url, app.conf.result_backend = previous
            if beat_process is not None:
                beat_process.terminate()
                beat_process.wait(timeout=20)
            stop(process)
    print(log_path.read_text())


def stop(process):
    """Terminate a child process, killing it if it does not stop within 20 s."""
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()

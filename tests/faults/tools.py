"""The fault tests' tools: a throwaway Redis they may stop, the app pointed at it, a second database link."""

import shutil
import socket
import subprocess
import time
from contextlib import contextmanager

import psycopg2
import redis
from django.db import connection

from tests.conftest import require_service
from vae_inversee.celery import app


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def require_postgresql():
    require_service(connection.vendor == "postgresql", "needs PostgreSQL shared with the worker: set DATABASE_URL")


class ThrowawayRedis:
    """A `redis-server` of this test alone, on a free port, without persistence: stopped and started at will.

    Never the shared server on 6379: stopping that one would break the other engineers' runs.
    """

    def __init__(self, log_path):
        require_service(shutil.which("redis-server") is not None, "redis-server (paquet Debian) is not installed")
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.log_path = log_path
        self.process = None

    def client(self):
        return redis.Redis(host="127.0.0.1", port=self.port, socket_connect_timeout=1)

    def answers(self) -> bool:
        try:
            return bool(self.client().ping())
        except redis.exceptions.RedisError:
            return False

    def start(self):
        self.process = subprocess.Popen(
            ["redis-server", "--bind", "127.0.0.1", "--port", str(self.port), "--save", "", "--appendonly", "no",
             "--logfile", str(self.log_path)],
            stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT,
        )  # fmt: skip
        deadline = time.monotonic() + 10
        while not self.answers():
            assert time.monotonic() < deadline and self.process.poll() is None, "redis-server did not start"
            time.sleep(0.05)

    def stop(self):
        if self.process is None:
            return
        self.process.terminate()
        self.process.wait(timeout=10)
        self.process = None
        assert not self.answers()


@contextmanager
def throwaway_redis(log_path):
    server = ThrowawayRedis(log_path)
    server.start()
    try:
        yield server
    finally:
        server.stop()


@contextmanager
def app_pointed_at(url):
    """This process publishes for real (not eager) to `url`; fresh producer pools on the way in and out."""
    conf = app.conf
    previous = (conf.task_always_eager, conf.broker_url, conf.result_backend)
    conf.task_always_eager, conf.broker_url, conf.result_backend = False, url, url
    app.amqp._producer_pool = app._pool = None
    try:
        yield
    finally:
        conf.task_always_eager, conf.broker_url, conf.result_backend = previous
        app.amqp._producer_pool = app._pool = None


def other_connection():
    """A second PostgreSQL connection to the test database, outside Django's (autocommit)."""
    params = connection.settings_dict
    link = psycopg2.connect(
        dbname=params["NAME"], user=params["USER"], password=params["PASSWORD"] or None,
        host=params["HOST"] or "127.0.0.1", port=params["PORT"] or 5432,
    )  # fmt: skip
    link.autocommit = True
    return link


def wait_for(condition, *, timeout, message):
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, message
        time.sleep(0.2)

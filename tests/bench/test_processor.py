"""bench/processor.py: the processor time of each op, by process, read from /proc."""

import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

from tests.bench.modules import bench_module
from tests.conftest import require_service

pytestmark = pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="/proc absent (Linux seulement)")

BURN = "import time\nend = time.process_time() + 0.3\nwhile time.process_time() < end: pass\nprint('done', flush=True)\nimport sys; sys.stdin.read()"


def load_processor():
    return bench_module("processor")


def test_a_process_is_counted_in_its_group_per_request():
    processor = load_processor()
    before = processor.processor_times()
    # A process named like a gunicorn worker burns 0.3 s of processor time, then waits (still alive).
    child = subprocess.Popen(
        [sys.executable, "-c", BURN, "gunicorn-like"], stdin=subprocess.PIPE, stdout=subprocess.PIPE
    )
    try:
        assert child.stdout.readline() == b"done\n"
        after = processor.processor_times()
        assert after[child.pid][0] == "gunicorn"
        used = processor.processor_ms_per_request(before, after, requests=3)
        assert 90 <= used["gunicorn"] <= 150  # 300 ms over 3 requests, give or take the interpreter's start
    finally:
        child.communicate(b"")
    assert processor.processor_ms_per_request(before, after, requests=0) == {}


@pytest.mark.skipif(connection.vendor != "postgresql", reason="un processus serveur PostgreSQL par connexion")
@pytest.mark.django_db
def test_postgresql_backends_are_counted():
    processor = load_processor()
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        backend = cursor.fetchone()[0]
        before = processor.processor_times()
        cursor.execute("SELECT count(*) FROM generate_series(1, 3000000) AS n WHERE n % 7 = 0")
        after = processor.processor_times()
    if backend not in after:  # the server runs in another container: its processes are not ours to read
        require_service(False, "le serveur PostgreSQL n'est pas sur cette machine")
    assert after[backend][0] == "postgresql"
    assert after[backend][1] - before[backend][1] > 0.05
    assert processor.processor_ms_per_request(before, after, requests=1)["postgresql"] > 50

"""`make run` on a fresh database prints a short progress display (fewer than 40 lines, runserver's
banner included), and the links it serves follow PORT."""

import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from django.core.management import call_command

from tests.conftest import require_service

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def run_until_served(port, database, timeout=240):
    """`make -s run` (its install step taken as done: this very environment), read until the server
    is up, then stopped; returns the lines it printed."""
    venv = Path(sys.prefix)
    env = {
        **{key: value for key, value in os.environ.items() if key not in ("SITE_URL", "DJANGO_SETTINGS_MODULE")},
        "DATABASE_URL": f"sqlite:///{database}",
        "REDIS_URL": "",
        "PYTHONUNBUFFERED": "1",
    }
    command = [
        "make", "-s", "run", f"PORT={port}", f"VENV={venv}",
        "-o", f"{venv}/.installed", "-o", "tests/e2e/node_modules/.installed",
    ]  # fmt: skip
    process = subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True
    )
    lines, served = [], threading.Event()

    def read():
        for line in process.stdout:
            lines.append(line.rstrip("\n"))
            if "Quit the server" in line:
                served.set()

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    try:
        served.wait(timeout)
    finally:
        os.killpg(process.pid, signal.SIGTERM)  # the make and runserver this test started
        process.wait(timeout=30)
        reader.join(timeout=10)
        process.stdout.close()
    return lines


def test_make_run_prints_a_short_progress_display_and_links_follow_port(tmp_path):
    require_service(shutil.which("make") is not None, "make is not installed")
    port = free_port()
    lines = run_until_served(port, tmp_path / "demo.sqlite3")
    output = "\n".join(lines)
    assert any("Quit the server" in line for line in lines), output
    assert len(lines) < 40, output
    assert f"http://127.0.0.1:{port}/" in output
    assert "demo-vae-2026" in output and "porteur@demo.vae" in output
    # E-mail links are built from SITE_URL, which the Makefile takes from PORT.
    assert f"Démonstration prête sur http://127.0.0.1:{port}/" in output
    assert "Step 1" not in output and "succeeded in" not in output


@pytest.mark.django_db
def test_seed_demo_prints_a_few_progress_lines(capsys, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    call_command("seed_demo")
    printed = capsys.readouterr()
    assert len((printed.out + printed.err).strip().splitlines()) <= 6, printed

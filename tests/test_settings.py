"""The production switch: refuses to start half-configured, and passes `check --deploy`."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def run_manage(*args, **env):
    # DJANGO_ALLOW_ASYNC_UNSAFE is set by the browser tests in this process: not for the deploy check.
    dropped = {"SECRET_KEY", "ALLOWED_HOSTS", "DJANGO_ENV", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    clean_env = {k: v for k, v in os.environ.items() if k not in dropped}
    clean_env.pop("DJANGO_SETTINGS_MODULE", None)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean_env, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_refuses_to_start_without_secret_key_and_hosts():
    result = run_manage("check", DJANGO_ENV="production")
    assert result.returncode != 0
    assert "DJANGO_ENV=production exige les variables SECRET_KEY et ALLOWED_HOSTS." in result.stderr


def test_production_refuses_to_start_without_hosts():
    result = run_manage("check", DJANGO_ENV="production", SECRET_KEY="x" * 60)
    assert result.returncode != 0
    assert "ALLOWED_HOSTS" in result.stderr


def test_production_passes_check_deploy_without_warning():
    result = run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DJANGO_ENV="production",
        SECRET_KEY="k7Jq2vXo9LmB4nRt8ZyWc1HdFs6GpUe3AiKo0VbNxQz5Mw-rT4pLs8Yd2",
        ALLOWED_HOSTS="vae-inversee.example.fr",
        SALT_KEY="Zr8uQm3Xc1VbN6tLp0JsWk4HdYe7GfAo",
    )
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_embedded_default_needs_no_service():
    result = run_manage(
        "shell",
        "--no-imports",
        "-c",
        "from django.conf import settings as s; "
        "print(s.DATABASES['default']['ENGINE'], s.CELERY_TASK_ALWAYS_EAGER, s.EMAIL_BACKEND)",
        DATABASE_URL="",
        REDIS_URL="",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1].split() == [
        "django.db.backends.sqlite3",
        "True",
        "django.core.mail.backends.console.EmailBackend",
    ]


def test_every_page_carries_a_content_security_policy(client, db):
    """django-csp: our origin only, no inline script, no framing (issue 10 item 10)."""
    response = client.get("/connexion/")
    policy = response["Content-Security-Policy"]
    assert "default-src 'self'" in policy and "script-src 'self'" in policy
    assert "frame-ancestors 'none'" in policy and "unsafe-inline" not in policy.split("style-src")[0]
    assert "'unsafe-inline'" not in response["Content-Security-Policy"].split("script-src")[1].split(";")[0]


def test_the_api_docs_load_their_script_from_our_origin(client, db):
    page = client.get("/api/docs/")
    script = client.get("/api/docs/?script=")
    assert page.status_code == 200 and "<script>" not in page.content.decode()
    assert script.status_code == 200 and "SwaggerUIBundle" in script.content.decode()
    assert "cdn.jsdelivr" not in page.content.decode()

"""Test overlay on the single settings file: only what the test run needs to differ."""

import os
import re

# `make test` runs the suite in parallel processes (pytest-xdist: gw0, gw1…), each on its own test database
# (pytest-django's suffix). Each also gets its own Redis database, read by the settings below and inherited by
# the Celery workers and gunicorn instances its tests start: one process's broker queue, result keys and
# throttle counters are never another's.
_WORKER = os.environ.get("PYTEST_XDIST_WORKER", "")
if _WORKER.startswith("gw") and os.environ.get("REDIS_URL"):
    _index = int(_WORKER[2:])
    os.environ["REDIS_URL"] = re.sub(
        r"^(redis://[^/]+)(?:/(\d+))?$",
        lambda match: f"{match[1]}/{(int(match[2] or 0) - _index) % 16}",
        os.environ["REDIS_URL"],
    )

from vae_inversee.settings import *  # noqa: E402, F403
from vae_inversee.settings import BASE_DIR  # noqa: E402

# Tasks run in-process; the Celery integration test switches to the real worker explicitly.
CELERY_TASK_ALWAYS_EAGER = True
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
MEDIA_ROOT = BASE_DIR / f".test-media{_WORKER and '-' + _WORKER}"
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# API token throttles (settings.py, "API tokens and login throttling"): out of the way of the suite;
# tests/accounts/test_login_throttling.py sets low rates where it checks them. django-axes stays on
# (database handler: each test's transaction resets it).
API_LOGIN_RATE_PER_ACCOUNT = "1000/min"
API_LOGIN_RATE_PER_ADDRESS = "1000/min"
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# WhiteNoise warns (an error under filterwarnings=error) when STATIC_ROOT does not exist yet.
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # noqa: F405

"""Test overlay on the single settings file: only what the test run needs to differ."""

from vae_inversee.settings import *  # noqa: F403
from vae_inversee.settings import BASE_DIR

# Tasks run in-process; the Celery integration test switches to the real worker explicitly.
CELERY_TASK_ALWAYS_EAGER = True
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
MEDIA_ROOT = BASE_DIR / ".test-media"
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# API token throttles (settings.py, "API tokens and login throttling"): out of the way of the suite;
# tests/accounts/test_login_throttling.py sets low rates where it checks them. django-axes stays on
# (database handler: each test's transaction resets it).
API_LOGIN_RATE_PER_ACCOUNT = "1000/min"
API_LOGIN_RATE_PER_ADDRESS = "1000/min"
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# WhiteNoise warns (an error under filterwarnings=error) when STATIC_ROOT does not exist yet.
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # noqa: F405

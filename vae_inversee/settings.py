"""Settings of the VAE inversée platform: one file, driven by environment variables.

With no variable set it runs embedded: SQLite in the project folder, Celery eager, e-mails
printed to the console, media on the local disk. DATABASE_URL switches to PostgreSQL,
REDIS_URL to a real broker, DJANGO_ENV=production to the hardened settings.
"""

from pathlib import Path

import environ
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()

DJANGO_ENV = env.str("DJANGO_ENV", default="development")
PRODUCTION = DJANGO_ENV == "production"

DEBUG = env.bool("DEBUG", default=not PRODUCTION)

if PRODUCTION:
    # Production never falls back on a default secret or host list.
    SECRET_KEY = env.str("SECRET_KEY", default="")
    ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=[])
    if not SECRET_KEY or not ALLOWED_HOSTS:
        raise ImproperlyConfigured("DJANGO_ENV=production exige les variables SECRET_KEY et ALLOWED_HOSTS.")
else:
    SECRET_KEY = env.str("SECRET_KEY", default="dev-only-insecure-key-do-not-use-in-production")
    ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])

CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    # Before django.forms: the DSFR's widget templates (radios, checkboxes) take precedence.
    "dsfr",
    "django.forms",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "simple_history",
    "widget_tweaks",
    "vae_inversee.accounts",
    "vae_inversee.notifications",
    "vae_inversee.demo",
    "certifications",
    "pathways",
    "funding",
    "evaluation",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
]

ROOT_URLCONF = "vae_inversee.urls"
WSGI_APPLICATION = "vae_inversee.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "vae_inversee.www.context_processors.navigation",
                "vae_inversee.www.context_processors.unread",
            ],
            # `|euros` and `{% can %}` in every template: portal pages, PDFs and e-mails.
            "builtins": ["vae_inversee.lib.template_library"],
        },
    },
]
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

# An empty DATABASE_URL counts as unset: the embedded SQLite file.
DATABASES = {
    "default": env.db_url_config(env.str("DATABASE_URL", default="") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=0)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "accounts:home"
LOGOUT_REDIRECT_URL = "accounts:login"

LANGUAGE_CODE = "fr-fr"
LANGUAGES = [("fr", "Français")]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(env.str("STATIC_ROOT", default=str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
# In development WhiteNoise serves files straight from the finders (no collectstatic needed).
WHITENOISE_AUTOREFRESH = DEBUG
WHITENOISE_USE_FINDERS = DEBUG
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(BASE_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
# Uploads are served only through views that check the pathway's scope (never MEDIA_URL).
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 11 * 1024 * 1024

# E-mails: printed to the console unless an SMTP server is configured.
EMAIL_BACKEND = env.str("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env.str("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env.str("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env.str("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="VAE inversée <ne-pas-repondre@vae-inversee.example>")

# Celery: without REDIS_URL, tasks run in-process (no server needed).
REDIS_URL = env.str("REDIS_URL", default="")
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = REDIS_URL or None
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=not REDIS_URL)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_TIMEZONE = TIME_ZONE
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Fail fast instead of hanging when the broker is down.
CELERY_BROKER_TRANSPORT_OPTIONS = {"max_retries": 3, "interval_start": 0, "interval_step": 0.5}

# Daily reminders (Celery beat): the time they run, and how long each phase is expected to last.
# REMINDERS_EVERY_SECONDS replaces the daily time by a short period (the beat integration test).
CELERY_BEAT_SCHEDULE = {
    "daily-reminders": {
        "task": "evaluation.tasks.send_daily_reminders",
        "schedule": env.float("REMINDERS_EVERY_SECONDS", default=0)
        or crontab(hour=env.int("REMINDERS_HOUR", default=7), minute=0),
    },
}
PHASE_EXPECTED_DAYS = {
    "positioning": env.int("EXPECTED_DAYS_POSITIONING", default=45),
    "support": env.int("EXPECTED_DAYS_SUPPORT", default=45),
    "admissibility": env.int("EXPECTED_DAYS_ADMISSIBILITY", default=60),
    "delivery": env.int("EXPECTED_DAYS_DELIVERY", default=400),
    "evaluation": env.int("EXPECTED_DAYS_EVALUATION", default=45),
}
# Absolute links in e-mails.
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")

CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
        if REDIS_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "vae_inversee.api.pagination.Pagination",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "vae_inversee.api.errors.exception_handler",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"]
    + ([] if PRODUCTION else ["rest_framework.renderers.BrowsableAPIRenderer"]),
    "COERCE_DECIMAL_TO_STRING": True,
    "DATETIME_FORMAT": "iso-8601",
    "DATE_FORMAT": "iso-8601",
    # `?format=` belongs to the indicators' exports (csv, xlsx), not to DRF's renderer negotiation.
    "URL_FORMAT_OVERRIDE": None,
    "DEFAULT_THROTTLE_RATES": {"auth_token": env.str("API_TOKEN_THROTTLE_RATE", default="30/min")},
}
SPECTACULAR_SETTINGS = {
    "TITLE": "API VAE inversée",
    "DESCRIPTION": (
        "API de la plateforme de pilotage des parcours de VAE inversée. "
        "Authentification : POST /api/v1/auth/token/ puis en-tête `Authorization: Token <jeton>`."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    # One schema name per choice set used by several fields (phase, from_phase, to_phase, to...).
    "ENUM_NAME_OVERRIDES": {
        "PathwayPhaseEnum": "pathways.enums.PathwayPhase",
        "HighestQualificationEnum": "pathways.enums.HighestQualification",
        "DocumentKindEnum": "pathways.enums.DocumentKind",
        "AdmissibilityDecisionEnum": "pathways.enums.AdmissibilityDecision",
        "ProgressLevelEnum": "evaluation.enums.ProgressLevel",
        "JuryOutcomeEnum": "evaluation.enums.JuryOutcome",
        "FundingStatusEnum": "funding.enums.FundingStatus",
    },
}

DSFR_MARK_OPTIONAL_FIELDS = True

# The experiment window: contracts concluded from 28 May 2023 to 28 Feb 2026 (décret 2023-408).
EXPERIMENT_START = env.str("EXPERIMENT_START", default="2023-05-28")
EXPERIMENT_END = env.str("EXPERIMENT_END", default="2026-02-28")
# National ceiling of individual pathways over the experiment (décret 2023-408 art. 1).
NATIONAL_PATHWAY_CEILING = env.int("NATIONAL_PATHWAY_CEILING", default=5000)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
}

if PRODUCTION:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
    SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_CONTENT_TYPE_NOSNIFF = True
    SECURE_REFERRER_POLICY = "same-origin"
    X_FRAME_OPTIONS = "DENY"

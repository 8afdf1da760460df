"""Settings of the VAE inversée platform: one file, driven by environment variables.

With no variable set it runs embedded: SQLite in the project folder, Celery eager, e-mails
printed to the console, media on the local disk. DATABASE_URL switches to PostgreSQL,
REDIS_URL to a real broker, DJANGO_ENV=production to the hardened settings.
"""

from datetime import timedelta
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

# Former secret keys, still accepted (signatures, and the NIR's decryption until `rotate_nir_key` ran).
SECRET_KEY_FALLBACKS = env.list("SECRET_KEY_FALLBACKS", default=[])

# The NIR is encrypted at rest (django-fernet-encrypted-fields, vae_inversee/lib/encryption.py): its keys
# are derived from SECRET_KEY (and SECRET_KEY_FALLBACKS) with each SALT_KEY, a comma-separated list whose
# first salt encrypts. Rotation: docs/operations.md, "Chiffrement du NIR : clé et rotation".
DEV_SALT_KEY = "dev-only-nir-salt-do-not-use-in-production"
SALT_KEY = env.list("SALT_KEY", default=[] if PRODUCTION else [DEV_SALT_KEY])
if PRODUCTION and (not SALT_KEY or DEV_SALT_KEY in SALT_KEY or min(map(len, SALT_KEY)) < 32):
    raise ImproperlyConfigured(
        "DJANGO_ENV=production exige la variable SALT_KEY (clé de chiffrement du NIR, 32 caractères au moins)."
    )

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
    # API tokens (django-rest-knox, model accounts.ApiToken) and login lockouts (django-axes): see below.
    "knox",
    "axes",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "csp",
    "simple_history",
    "widget_tweaks",
    "vae_inversee.accounts",
    "vae_inversee.outbox",
    "vae_inversee.notifications",
    "vae_inversee.webhooks",
    "vae_inversee.demo",
    "certifications",
    "pathways",
    "funding",
    "evaluation",
    # The API's webhook payloads: it tells vae_inversee.webhooks how to read each resource (api/apps.py).
    "vae_inversee.api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    # A candidate (« Mon parcours ») sees their own page and nothing else of the portal or the API.
    "vae_inversee.www.candidate.confinement.CandidateConfinementMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Under DEBUG, the French 404 page instead of Django's list of URL patterns.
    "vae_inversee.www.errors.FrenchNotFoundMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last: turns a login locked out by django-axes into the French lockout page.
    "axes.middleware.AxesMiddleware",
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
                "vae_inversee.www.context_processors.help_links",
            ],
            # `|euros` and `{% can %}` in every template: portal pages, PDFs and e-mails; the lists' badges.
            "builtins": ["vae_inversee.lib.template_library", "vae_inversee.www.badges"],
        },
    },
]
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

# An empty DATABASE_URL counts as unset: the embedded SQLite file.
DATABASES = {
    "default": env.db_url_config(env.str("DATABASE_URL", default="") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
# Persistent connections in production (a new connection per request costs ~4x the framework's floor,
# issue 16); none on SQLite (a file, nothing to save) and in development.
_DEFAULT_CONN_MAX_AGE = 60 if (PRODUCTION and DATABASES["default"]["ENGINE"].endswith("postgresql")) else 0
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=_DEFAULT_CONN_MAX_AGE)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = DATABASES["default"]["CONN_MAX_AGE"] != 0
# Behind PgBouncer in transaction pooling mode (docker-compose.yml), a server-side cursor cannot outlive
# the transaction that opened it: .iterator() must use client-side cursors then.
DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = env.bool("DISABLE_SERVER_SIDE_CURSORS", default=False)
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
# Uploads and PDFs: the local disk (MEDIA_ROOT) by default; S3-compatible object storage (django-storages)
# when AWS_STORAGE_BUCKET_NAME is set, so that every web replica and worker reads and writes the same files.
# Keys: AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY, or boto3's own chain (instance role...) when unset.
AWS_STORAGE_BUCKET_NAME = env.str("AWS_STORAGE_BUCKET_NAME", default="")
if AWS_STORAGE_BUCKET_NAME:
    DEFAULT_STORAGE = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": AWS_STORAGE_BUCKET_NAME,
            "endpoint_url": env.str("AWS_S3_ENDPOINT_URL", default="") or None,
            "region_name": env.str("AWS_S3_REGION_NAME", default="") or None,
            "access_key": env.str("AWS_ACCESS_KEY_ID", default="") or None,
            "secret_key": env.str("AWS_SECRET_ACCESS_KEY", default="") or None,
            # A prefix inside the bucket (one bucket for several environments).
            "location": env.str("AWS_LOCATION", default=""),
            # Private objects: files are served only through the views that check the pathway's scope.
            "default_acl": None,
            "querystring_auth": True,
            # Never replace an existing object: a second name is chosen, as on the disk.
            "file_overwrite": False,
            "addressing_style": env.str("AWS_S3_ADDRESSING_STYLE", default="") or None,
        },
    }
else:
    DEFAULT_STORAGE = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
STORAGES = {
    "default": DEFAULT_STORAGE,
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
# Where the accessibility statement sends users who meet a barrier (RGAA: a contact is mandatory).
ACCESSIBILITY_CONTACT_EMAIL = env.str("ACCESSIBILITY_CONTACT_EMAIL", default="accessibilite@vae-inversee.example")
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="VAE inversée <ne-pas-repondre@vae-inversee.example>")
# Where users write with a question (help pages, footer, error pages, e-mails): the team's mailbox.
CONTACT_EMAIL = env.str("CONTACT_EMAIL", default="contact@vae-inversee.example")

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
# Fail fast instead of hanging when Redis is down: a web request never waits on it (at most ~1 s when
# the host does not answer, a few milliseconds when it refuses). Background work goes through the
# outbox (vae_inversee.outbox): recorded with the change, sent after the commit or by the relay.
CELERY_BROKER_CONNECTION_TIMEOUT = 1
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "max_retries": 1,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.2,
    "socket_connect_timeout": 0.5,
    # A message taken by a worker that died unacknowledged goes back to the queue after this delay.
    "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=3600),
}
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.2}
# Never the 19.5 s "Retry limit exceeded while trying to reconnect to the Celery result store backend"
# (the outbox publishes with ignore_result; this bounds any other caller).
CELERY_REDIS_SOCKET_CONNECT_TIMEOUT = 1
CELERY_RESULT_BACKEND_TRANSPORT_OPTIONS = {
    "retry_policy": {"max_retries": 1, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.2}
}
# A worker killed mid-task (a PDF, an e-mail) leaves its message to be delivered again: acknowledged
# when done, one at a time. Every task is idempotent (notifications are unique per event, the PDF is
# stored once), so a second run does nothing more.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1

# Daily reminders (Celery beat): the time they run, and how long each phase is expected to last.
# REMINDERS_EVERY_SECONDS replaces the daily time by a short period (the beat integration test).
CELERY_BEAT_SCHEDULE = {
    "daily-reminders": {
        "task": "evaluation.tasks.send_daily_reminders",
        "schedule": env.float("REMINDERS_EVERY_SECONDS", default=0)
        or crontab(hour=env.int("REMINDERS_HOUR", default=7), minute=0),
    },
    # The outbox's relay: background work recorded while the broker was down (vae_inversee.outbox).
    "relay-outbox": {
        "task": "vae_inversee.outbox.tasks.relay_outbox",
        "schedule": env.float("OUTBOX_RELAY_EVERY_SECONDS", default=60),
        "options": {"expires": 50},
    },
    # Webhooks: the attempts that are due (retries with backoff), the events whose fan-out was lost.
    "retry-webhooks": {
        "task": "vae_inversee.webhooks.tasks.retry_webhooks",
        "schedule": env.float("WEBHOOK_RETRY_EVERY_SECONDS", default=60),
        "options": {"expires": 50},
    },
    # The agreement PDF of every decided funding file still without one (funding.tasks).
    "regenerate-missing-agreements": {
        "task": "funding.tasks.regenerate_missing_agreements",
        "schedule": crontab(minute="*/15"),
        "options": {"expires": 14 * 60},
    },
    # Projects left without a decision two months after their complete file: deemed rejected (pathways.tasks).
    "daily-project-deadlines": {
        "task": "pathways.tasks.project_deadlines_daily",
        "schedule": crontab(hour=env.int("PROJECT_DEADLINES_HOUR", default=6), minute=15),
    },
    # The daily summary of the users who chose one instead of an e-mail per event (notifications.tasks).
    "daily-summaries": {
        "task": "vae_inversee.notifications.tasks.send_daily_summaries",
        "schedule": crontab(hour=env.int("DAILY_SUMMARY_HOUR", default=7), minute=30),
    },
    # Personal data of pathways closed for longer than the retention period (evaluation.anonymisation).
    "daily-anonymisation": {
        "task": "evaluation.anonymisation_tasks.anonymise_expired_candidates",
        "schedule": crontab(hour=env.int("ANONYMISATION_HOUR", default=3), minute=30),
    },
}
# The module of that task, which is not an app's tasks.py (the worker imports it at start-up).
CELERY_IMPORTS = ["evaluation.anonymisation_tasks"]
# How long a candidate's personal data outlive their last closed pathway (default 5 years).
PERSONAL_DATA_RETENTION_DAYS = env.int("PERSONAL_DATA_RETENTION_DAYS", default=1826)
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
        {"BACKEND": "vae_inversee.lib.redis_cache.RedisCache", "LOCATION": REDIS_URL}
        if REDIS_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}

# ---- API tokens and login throttling (issue 10; product.md sections 14 and 15) ------------------------
# How many reverse proxies in front of Django append the client's address to X-Forwarded-For. 0: the
# client is REMOTE_ADDR and X-Forwarded-For is ignored (a client could forge it); N > 0: the Nth address
# from the right of X-Forwarded-For. Used by the API's throttles (DRF's NUM_PROXIES) and by django-axes.
NUM_PROXIES = env.int("NUM_PROXIES", default=0)
# API tokens (django-rest-knox): the model is accounts.ApiToken, sent as `Authorization: Token <token>`.
API_TOKEN_TTL_DAYS = env.int("API_TOKEN_TTL_DAYS", default=30)
KNOX_TOKEN_MODEL = "accounts.ApiToken"
# knox's own migrations create its AuthToken table even when the model is swapped for ours: a table
# nothing uses, whose foreign key to users breaks the test runner's TRUNCATE. Without migrations, the
# swapped model gets no table.
MIGRATION_MODULES = {"knox": None}
REST_KNOX = {"TOKEN_TTL": timedelta(days=API_TOKEN_TTL_DAYS), "AUTH_HEADER_PREFIX": "Token", "AUTO_REFRESH": False}
# POST /api/v1/auth/token/: failed attempts per account (the e-mail, trimmed and case-folded), and all
# attempts per client address. Over either, a French 429. Stored in the cache; if the cache is down the
# throttles let the request through and log a warning (vae_inversee/api/accounts.py).
API_LOGIN_RATE_PER_ACCOUNT = env.str("API_LOGIN_RATE_PER_ACCOUNT", default="10/hour")
API_LOGIN_RATE_PER_ADDRESS = env.str("API_LOGIN_RATE_PER_ADDRESS", default="30/min")
# Portal (/connexion/) and admin logins: django-axes, with its database handler (a cache outage never
# blocks a login), locks out an account or a client address after LOGIN_FAILURE_LIMIT failures for
# LOGIN_COOLOFF_MINUTES. Its hooks are in vae_inversee/www/accounts/lockout.py.
AUTHENTICATION_BACKENDS = [
    "vae_inversee.www.accounts.lockout.LockoutBackend",
    "vae_inversee.accounts.backends.AccountBackend",  # accounts.backends.PASSWORD_BACKEND
]
# Candidates' invitation links (django-sesame, pathways.candidate_access): valid 7 days, one use (a login
# voids them), and void once the candidate has chosen a password (sesame's default). The token is read by
# pathways.candidate_access itself, for the invitation page only: no sesame backend nor middleware, so a
# link logs nobody in anywhere else.
SESAME_MAX_AGE = timedelta(days=7)
SESAME_ONE_TIME = True
SESAME_INVALIDATE_ON_PASSWORD_CHANGE = True
AXES_ENABLED = env.bool("AXES_ENABLED", default=True)
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"
AXES_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("LOGIN_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = False  # else logging into one's own account would reset an address's failures
AXES_USERNAME_FORM_FIELD = "username"
AXES_USERNAME_CALLABLE = "vae_inversee.www.accounts.lockout.username_of"
AXES_WHITELIST_CALLABLE = "vae_inversee.www.accounts.lockout.throttled_by_the_api"
AXES_LOCKOUT_CALLABLE = "vae_inversee.www.accounts.lockout.lockout_response"
AXES_COOLOFF_MESSAGE = "Compte bloqué : trop de tentatives de connexion. Réessayez plus tard."
AXES_VERBOSE = False  # failures and lockouts are still logged (warning), without the start-up banner
# The same client address as the API's throttles (ipware): REMOTE_ADDR without proxy; behind N proxies,
# the Nth address from the right of X-Forwarded-For (ipware counts the proxies between client and the
# last one, hence N - 1), and REMOTE_ADDR when the header is missing or too short.
AXES_IPWARE_META_PRECEDENCE_ORDER = ("HTTP_X_FORWARDED_FOR", "REMOTE_ADDR") if NUM_PROXIES else ("REMOTE_ADDR",)
AXES_IPWARE_PROXY_COUNT = NUM_PROXIES - 1 if NUM_PROXIES else None
AXES_IPWARE_PROXY_ORDER = "left-most"
# Not strict: a client that prepends forged addresses keeps being counted at its real one.
IPWARE_STRICT = False
# ---- end of API tokens and login throttling -----------------------------------------------------------

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # knox tokens, refused once expired, revoked, the password changed or the user deactivated.
        "vae_inversee.api.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["vae_inversee.api.permissions.IsMember"],
    "DEFAULT_PAGINATION_CLASS": "vae_inversee.api.pagination.Pagination",
    # French 400s for malformed or too deeply nested bodies (never a 500).
    "DEFAULT_PARSER_CLASSES": [
        "vae_inversee.api.parsers.JSONParser",
        "rest_framework.parsers.FormParser",
        "vae_inversee.api.parsers.MultiPartParser",
    ],
    "DEFAULT_FILTER_BACKENDS": [
        "vae_inversee.api.filtering.FilterBackend",
        # `?updated_since=` on every list: the sync feed (product.md section 14).
        "vae_inversee.api.filtering.UpdatedSinceFilter",
    ],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "vae_inversee.api.errors.exception_handler",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"]
    + ([] if PRODUCTION else ["rest_framework.renderers.BrowsableAPIRenderer"]),
    "COERCE_DECIMAL_TO_STRING": True,
    "DATETIME_FORMAT": "iso-8601",
    "DATE_FORMAT": "iso-8601",
    # `?format=` belongs to the indicators' exports (csv, xlsx), not to DRF's renderer negotiation.
    "URL_FORMAT_OVERRIDE": None,
    # The client address of the throttles: REMOTE_ADDR, or the Nth address from the right of X-Forwarded-For.
    "NUM_PROXIES": NUM_PROXIES,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "API VAE inversée",
    "DESCRIPTION": (
        "API de la plateforme de pilotage des parcours de VAE inversée. "
        "Authentification : POST /api/v1/auth/token/ puis en-tête `Authorization: Token <jeton>`."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # Swagger UI served from our own static files (no CDN: the CSP allows our origin only).
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    # Every operation documents the section 9 errors it can answer (vae_inversee.api.schema).
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "vae_inversee.api.schema.document_errors",
    ],
    # One schema name per choice set used by several fields (phase, from_phase, to_phase, to...).
    "ENUM_NAME_OVERRIDES": {
        "PathwayPhaseEnum": "pathways.enums.PathwayPhase",
        "HighestQualificationEnum": "pathways.enums.HighestQualification",
        "DocumentKindEnum": "pathways.enums.DocumentKind",
        "AdmissibilityDecisionEnum": "pathways.enums.AdmissibilityDecision",
        "ProgressLevelEnum": "evaluation.enums.ProgressLevel",
        "JuryOutcomeEnum": "evaluation.enums.JuryOutcome",
        "FundingStatusEnum": "funding.enums.FundingStatus",
        "ProjectStatusEnum": "pathways.enums.ProjectStatus",
        "ProjectDocumentKindEnum": "pathways.enums.ProjectDocumentKind",
        "ProjectPartnerRoleEnum": "pathways.enums.ProjectPartnerRole",
        "RegionEnum": "pathways.enums.Region",
    },
}

DSFR_MARK_OPTIONAL_FIELDS = True

# Webhooks (product.md section 14, vae_inversee/webhooks): in production an endpoint is HTTPS and public.
WEBHOOK_ALLOW_PRIVATE_ADDRESSES = env.bool("WEBHOOK_ALLOW_PRIVATE_ADDRESSES", default=not PRODUCTION)
WEBHOOK_TIMEOUT = env.float("WEBHOOK_TIMEOUT", default=10)
# Retries: 1 min, then doubling up to 6 h between attempts, for 24 h in all; then the message is abandoned.
WEBHOOK_RETRY_FIRST_DELAY = env.int("WEBHOOK_RETRY_FIRST_DELAY", default=60)
WEBHOOK_RETRY_MAX_DELAY = env.int("WEBHOOK_RETRY_MAX_DELAY", default=6 * 3600)
WEBHOOK_RETRY_WINDOW = env.int("WEBHOOK_RETRY_WINDOW", default=24 * 3600)
# An endpoint is disabled (and its organisation's admins told) after this many failed attempts in a row.
WEBHOOK_DISABLE_AFTER_FAILURES = env.int("WEBHOOK_DISABLE_AFTER_FAILURES", default=20)

# Content-Security-Policy (django-csp): everything from our own origin, no inline script, no framing.
# The DSFR needs no inline script; the API docs get their one inline style (vae_inversee.urls).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

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

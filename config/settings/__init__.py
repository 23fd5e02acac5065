"""tokenproof settings: read from the environment only (see docs/operations.md)."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

import django_stubs_ext

from config.settings.env import (
    broker_url,
    data_dir,
    database_config,
    env_bool,
    env_int,
    env_list,
    result_backend_url,
)

# Lets runtime code subscript Django generics (ModelAdmin[Person], QuerySet[Person]) as the type checker does.
django_stubs_ext.monkeypatch()

BASE_DIR = Path(__file__).resolve().parent.parent.parent
DATA_DIR = data_dir(BASE_DIR)


def _secret_key() -> str:
    import os

    configured = os.environ.get("TOKENPROOF_SECRET_KEY", "").strip()
    if configured:
        return configured
    # Embedded default: a random key made once and kept beside the database, so sessions survive restarts.
    key_file = DATA_DIR / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(50))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


SECRET_KEY = _secret_key()
DEBUG = env_bool("TOKENPROOF_DEBUG", default=False)
ALLOWED_HOSTS = env_list("TOKENPROOF_ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]", "testserver"])
DEMO_LOGIN = env_bool("TOKENPROOF_DEMO_LOGIN", default=False)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "drf_spectacular",
    "reviews",
    "evidence",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

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
            ],
        },
    },
]

DATABASES = {"default": database_config(DATA_DIR / "tokenproof.sqlite3")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "reviews:login"
LOGIN_REDIRECT_URL = "reviews:home"
LOGOUT_REDIRECT_URL = "reviews:login"

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "UTC"
USE_I18N = False
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"
MEDIA_ROOT = DATA_DIR / "media"
MEDIA_URL = "media/"  # never served publicly: packets go through permission-checked views
OUTPUT_DIR = BASE_DIR / "out"

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "rest_framework.authentication.BasicAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "reviews.api.schema.NestedSerializerSchema",
    "EXCEPTION_HANDLER": "reviews.api.exception_handler.application_error_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "tokenproof API",
    "VERSION": "1",
    # Runs, exports and packets each have a `status` with its own states: one named enum each.
    "ENUM_NAME_OVERRIDES": {
        "RunStatusEnum": "reviews.models.EvidenceRun.Status",
        "ExportStatusEnum": "reviews.models.CycleExport.Status",
        "PacketStatusEnum": "reviews.models.Packet.Status",
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {"tokenproof": {"level": "INFO"}, "celery": {"level": "INFO"}, "celery.app.trace": {"level": "WARNING"}},
}

# --- Celery: the embedded default runs tasks in-process; a broker URL switches to real workers. ---
_CONFIGURED_BROKER = broker_url()
CELERY_RESULT_BACKEND = result_backend_url(_CONFIGURED_BROKER)
CELERY_TASK_ALWAYS_EAGER = _CONFIGURED_BROKER is None
# In-process mode still serialises each task's arguments through a producer: give it an in-memory transport
# rather than Celery's default amqp://localhost, so nothing ever reaches for a network broker.
CELERY_BROKER_URL = _CONFIGURED_BROKER or "memory://localhost/"
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_TASK_SOFT_TIME_LIMIT = env_int("TOKENPROOF_TASK_SOFT_TIME_LIMIT", default=300, minimum=1)
CELERY_TASK_TIME_LIMIT = env_int("TOKENPROOF_TASK_TIME_LIMIT", default=360, minimum=2)
CELERY_RESULT_EXPIRES = 24 * 3600
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
CELERY_WORKER_MAX_TASKS_PER_CHILD = 500
CELERY_WORKER_SOFT_SHUTDOWN_TIMEOUT = 10.0
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# An unacked task is redelivered after the visibility timeout: it must outlast the longest task and countdown.
CELERY_VISIBILITY_TIMEOUT = env_int("TOKENPROOF_VISIBILITY_TIMEOUT", default=2 * 3600, minimum=1)
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": CELERY_VISIBILITY_TIMEOUT}
CELERY_RESULT_BACKEND_TRANSPORT_OPTIONS = {"visibility_timeout": CELERY_VISIBILITY_TIMEOUT}
# Each task names its own queue (the render queue: reviews.tasks) and beat's schedule is in config/celery.py, both
# through the task objects, so a renamed task cannot leave a route or a schedule entry behind.
CELERY_TASK_DEFAULT_QUEUE = "default"

# A task delivered this many times without finishing is a poison message: its row is marked FAILED.
TOKENPROOF_MAX_TASK_ATTEMPTS = env_int("TOKENPROOF_MAX_TASK_ATTEMPTS", default=3, minimum=1)
# A packet left RENDERING longer than this is treated as lost by the reconciler.
TOKENPROOF_STALE_RENDER_SECONDS = env_int("TOKENPROOF_STALE_RENDER_SECONDS", default=900, minimum=1)
# Each packet renders in a child process held to this budget; one that overruns fails with the reason.
TOKENPROOF_RENDER_SECONDS = env_int("TOKENPROOF_RENDER_SECONDS", default=60, minimum=1)
TOKENPROOF_RENDER_MEMORY_MB = env_int("TOKENPROOF_RENDER_MEMORY_MB", default=1024, minimum=64)

if CELERY_TASK_TIME_LIMIT <= CELERY_TASK_SOFT_TIME_LIMIT:
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured("TOKENPROOF_TASK_TIME_LIMIT must exceed TOKENPROOF_TASK_SOFT_TIME_LIMIT.")

# --- GitHub: a token from the environment, or stored encrypted under a key that is not SECRET_KEY. ---
TOKENPROOF_GITHUB_TOKEN = os.environ.get("TOKENPROOF_GITHUB_TOKEN", "").strip()
TOKENPROOF_FIELD_KEY = os.environ.get("TOKENPROOF_FIELD_KEY", "").strip()
TOKENPROOF_GITHUB_TIMEOUT = env_int("TOKENPROOF_GITHUB_TIMEOUT", default=15, minimum=1)
TOKENPROOF_GITHUB_PER_PAGE = env_int("TOKENPROOF_GITHUB_PER_PAGE", default=100, minimum=1)

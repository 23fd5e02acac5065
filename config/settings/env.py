"""Strict readers for environment variables: a bad value stops start-up and names the variable."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

TRUE_WORDS = {"1", "true", "yes", "on"}
FALSE_WORDS = {"0", "false", "no", "off", ""}


def env_bool(name: str, *, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    word = raw.strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise ImproperlyConfigured(f"{name}={raw!r} is not a boolean; use 1/0, true/false, yes/no or on/off.")


def env_int(name: str, *, default: int, minimum: int = 0) -> int:
    raw = os.environ.get(name)
    if raw is None or not raw.strip():
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={raw!r} is not a whole number.") from None
    if value < minimum:
        raise ImproperlyConfigured(f"{name}={value} is below its minimum of {minimum}.")
    return value


def env_list(name: str, *, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def data_dir(base_dir: Path) -> Path:
    """Where SQLite, media and generated files live in the embedded default."""
    raw = os.environ.get("TOKENPROOF_DATA_DIR", "").strip()
    path = Path(raw) if raw else base_dir / "var"
    if not path.is_absolute():
        path = base_dir / path
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise ImproperlyConfigured(f"TOKENPROOF_DATA_DIR={str(path)!r} cannot be created: {error}") from None
    return path


def database_config(default_sqlite_path: Path) -> dict[str, Any]:
    """DATABASE_URL (postgres:// or sqlite:///) or, unset, a SQLite file in the data directory."""
    raw = os.environ.get("DATABASE_URL", "").strip()
    if not raw:
        return sqlite_config(default_sqlite_path)
    scheme = urlsplit(raw).scheme
    if scheme not in {"postgres", "postgresql", "pgsql", "sqlite"}:
        raise ImproperlyConfigured(
            f"DATABASE_URL has scheme {scheme!r}; tokenproof supports postgres://… and sqlite:///…"
        )
    try:
        config: dict[str, Any] = dict(dj_database_url.parse(raw, conn_max_age=60))
    except ValueError as error:
        raise ImproperlyConfigured(f"DATABASE_URL cannot be parsed: {error}") from None
    if scheme == "sqlite":
        return sqlite_config(Path(config["NAME"]))
    if not config.get("NAME"):
        raise ImproperlyConfigured("DATABASE_URL names no database (postgres://user@host:5432/DBNAME).")
    return config


def sqlite_config(path: Path) -> dict[str, Any]:
    # WAL, a busy timeout and IMMEDIATE transactions keep concurrent writers from hitting "database is locked".
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": path,
        "OPTIONS": {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        },
        "TEST": {"NAME": path.with_name(f"test_{path.name}")},
    }


def broker_url() -> str | None:
    """CELERY_BROKER_URL (redis://, rediss:// or amqp://); unset means tasks run in-process."""
    raw = os.environ.get("CELERY_BROKER_URL", "").strip()
    if not raw:
        return None
    scheme = urlsplit(raw).scheme
    if scheme not in {"redis", "rediss", "amqp", "amqps", "pyamqp"}:
        raise ImproperlyConfigured(
            f"CELERY_BROKER_URL has scheme {scheme!r}; use redis://host:6379/0 or amqp://user:pass@host:5672//"
        )
    return raw


def result_backend_url(broker: str | None) -> str | None:
    """Chords need a real result backend: Redis is reused when it is the broker; RabbitMQ needs one named."""
    raw = os.environ.get("CELERY_RESULT_BACKEND", "").strip()
    if raw:
        if urlsplit(raw).scheme not in {"redis", "rediss"}:
            raise ImproperlyConfigured("CELERY_RESULT_BACKEND must be a redis:// URL (chords need it).")
        return raw
    if broker is None:
        return None
    if urlsplit(broker).scheme in {"redis", "rediss"}:
        return broker
    raise ImproperlyConfigured(
        "CELERY_RESULT_BACKEND is required with an AMQP broker: set it to a redis:// URL (chords need a result backend)."
    )

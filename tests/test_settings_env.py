"""Settings come from the environment only; a bad value stops start-up and names the variable."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from config.celery import app as celery_app

ROOT = Path(__file__).resolve().parent.parent


def start_django(tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {key: value for key, value in os.environ.items() if key not in {"DATABASE_URL", "CELERY_BROKER_URL"}}
    return subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; django.setup(); from django.conf import settings; print(settings.DATABASES['default']['ENGINE'], settings.CELERY_TASK_ALWAYS_EAGER)",
        ],
        cwd=ROOT,
        env={**clean, "TOKENPROOF_DATA_DIR": str(tmp_path), **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_nothing_set_means_sqlite_in_the_data_dir_and_tasks_in_process(tmp_path: Path) -> None:
    started = start_django(tmp_path)
    assert started.returncode == 0, started.stderr
    assert started.stdout.split() == ["django.db.backends.sqlite3", "True"]


def test_database_and_broker_urls_switch_to_real_services(tmp_path: Path) -> None:
    started = start_django(
        tmp_path,
        DATABASE_URL="postgres://tokenproof@127.0.0.1:5432/tokenproof",
        CELERY_BROKER_URL="redis://127.0.0.1:6379/0",
    )
    assert started.returncode == 0, started.stderr
    assert started.stdout.split() == ["django.db.backends.postgresql", "False"]


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("DATABASE_URL", "mysql://root@localhost/x"),
        ("DATABASE_URL", "postgres://127.0.0.1:5432"),
        ("CELERY_BROKER_URL", "kafka://localhost:9092"),
        ("TOKENPROOF_DEBUG", "maybe"),
        ("TOKENPROOF_TASK_TIME_LIMIT", "ten"),
    ],
)
def test_a_bad_value_stops_start_up_naming_the_variable(tmp_path: Path, variable: str, value: str) -> None:
    started = start_django(tmp_path, **{variable: value})
    assert started.returncode != 0
    last_line = started.stderr.strip().splitlines()[-1]
    assert "ImproperlyConfigured" in last_line
    assert variable in last_line


def test_amqp_broker_without_a_result_backend_is_refused(tmp_path: Path) -> None:
    started = start_django(tmp_path, CELERY_BROKER_URL="amqp://guest:guest@127.0.0.1:5672//")
    assert started.returncode != 0
    assert "CELERY_RESULT_BACKEND" in started.stderr.strip().splitlines()[-1]


def test_celery_defaults_follow_the_conventions() -> None:
    conf = celery_app.conf
    assert conf.task_acks_late is True
    assert conf.task_reject_on_worker_lost is True
    assert conf.worker_prefetch_multiplier == 1
    assert conf.accept_content == ["json"]
    assert conf.task_serializer == "json"
    assert 0 < conf.task_soft_time_limit < conf.task_time_limit
    # Redis redelivers unacked tasks after the visibility timeout: it must outlast the longest task.
    assert conf.broker_transport_options["visibility_timeout"] > conf.task_time_limit

from __future__ import annotations

import importlib
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings
from pytest_django import Settings as SettingsWrapper

from config.celery import app as celery_app


@pytest.fixture(autouse=True)
def _media_in_tmp(settings: SettingsWrapper, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _tasks_in_process(request: pytest.FixtureRequest) -> Iterator[None]:
    """Tasks run in-process even when CI sets a broker, except in tests that start a real worker process."""
    if "worker_env" in request.fixturenames:
        yield
        return
    previous = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = previous


# Reference rows that data migrations seed. A transactional test's flush empties them for every later test,
# so tests that touch the database get them back (get_or_create: nothing changes when they are present).
SEEDING_MIGRATIONS = ("evidence.migrations.0003_seed_attribution_rules", "evidence.migrations.0003_price_table_seed")


@pytest.fixture(autouse=True)
def _reference_data_seeded(request: pytest.FixtureRequest) -> None:
    if request.node.get_closest_marker("django_db") is None and not {"db", "transactional_db"} & set(
        request.fixturenames
    ):
        return
    request.getfixturevalue("_django_db_helper")
    from evidence.models import AttributionRule

    if AttributionRule.objects.exists():
        return
    from django.apps import apps

    for module in SEEDING_MIGRATIONS:
        importlib.import_module(module).seed(apps, None)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """In CI a skipped integration test is a failure: it would hide a service that never ran."""
    if not settings.configured or not _require_integration():
        return
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    if reporter is None:
        return
    skipped = [
        report.nodeid
        for report in reporter.stats.get("skipped", [])
        if "tests/integration/" in getattr(report, "nodeid", "")
    ]
    if skipped:
        reporter.write_line(f"FAILED: {len(skipped)} integration test(s) skipped in CI: {', '.join(skipped)}", red=True)
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def _require_integration() -> bool:
    import os

    return os.environ.get("TOKENPROOF_REQUIRE_INTEGRATION", "").lower() in {"1", "true", "yes"}

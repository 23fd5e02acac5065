"""The Celery app's wiring: published task names, the render queue and beat's schedule, all through task objects."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from celery import Task, signals

from config.celery import app as celery_app
from evidence.tasks.facts import build_facts, build_facts_chunk, finalize_facts
from evidence.tasks.github import sync_github_all, sync_github_repo
from evidence.tasks.usage import import_usage_batch
from reviews.tasks import build_packet, finalize_export, finalize_run, reconcile_runs, render_run

# Queued messages name their task: renaming one strands every message already in the broker.
PUBLISHED_NAMES: dict[str, Task[Any, Any]] = {
    "evidence.build_facts": build_facts,
    "evidence.build_facts_chunk": build_facts_chunk,
    "evidence.finalize_facts": finalize_facts,
    "evidence.import_usage_batch": import_usage_batch,
    "evidence.sync_github_all": sync_github_all,
    "evidence.sync_github_repo": sync_github_repo,
    "reviews.build_packet": build_packet,
    "reviews.finalize_export": finalize_export,
    "reviews.finalize_run": finalize_run,
    "reviews.reconcile_runs": reconcile_runs,
    "reviews.render_run": render_run,
}


@pytest.fixture(scope="module")
def worker_loaded() -> None:
    """What a worker or beat does first: load every app's task modules, with the receivers of that signal."""
    celery_app.loader.import_default_modules()


@pytest.fixture
def published() -> Iterator[dict[str, str]]:
    """Publish to the in-memory broker instead of running in-process; record each task's routing key."""
    routing: dict[str, str] = {}

    def record(sender: str, routing_key: str, **kwargs: Any) -> None:
        routing[sender] = routing_key

    signals.before_task_publish.connect(record)
    eager = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = False
    try:
        yield routing
    finally:
        celery_app.conf.task_always_eager = eager
        signals.before_task_publish.disconnect(record)
        celery_app.control.purge()


def test_every_task_keeps_its_published_name(worker_loaded: None) -> None:
    assert {name: task.name for name, task in PUBLISHED_NAMES.items()} == {name: name for name in PUBLISHED_NAMES}
    registered = {name for name in celery_app.tasks if name.startswith(("evidence.", "reviews."))}
    assert registered == set(PUBLISHED_NAMES), "a new task's name is public once sent: add it here"


def test_packet_rendering_goes_to_the_render_queue_and_the_rest_to_default(published: dict[str, str]) -> None:
    build_packet.si(1).apply_async()  # how a chord's header sends it
    finalize_run.delay(1)
    finalize_export.delay(1)
    render_run.delay(1)
    reconcile_runs.delay()
    build_facts_chunk.delay(1, [1])

    assert published == {
        build_packet.name: "render",
        finalize_run.name: "render",
        finalize_export.name: "render",
        render_run.name: "default",
        reconcile_runs.name: "default",
        build_facts_chunk.name: "default",
    }


def test_beat_runs_the_reconciler_every_five_minutes_and_the_github_sync_nightly(worker_loaded: None) -> None:
    schedule = {entry["task"]: entry["schedule"] for entry in celery_app.conf.beat_schedule.values()}
    assert schedule == {reconcile_runs.name: 300, sync_github_all.name: 24 * 3600}

"""Two imports of one source at once: the second waits for the first, then finds its records stored.

Without the source's import lock, the second import (on PostgreSQL) would look up an overlapping record while the
first has written it but not committed, find it missing, and add its facts a second time (or collide with it).
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.db import connection, connections
from django.db.models import Sum
from pytest_django import Settings as SettingsWrapper

from evidence.importers.base import Importer
from evidence.importers.reading import ReadPosition, records_read
from evidence.models import ImportBatch, ToolOutcomeFact, UsageFact
from evidence.services.usage import imports as usage_import_module
from evidence.services.usage.imports import CHUNK_RECORDS, import_batch_create, import_batch_run

pytestmark = pytest.mark.django_db(transaction=True)

PAUSE_AT = CHUNK_RECORDS + CHUNK_RECORDS // 2  # the first file's first chunk is written, not committed


def analytics_lines(first: int, last: int) -> str:
    """Records `first`..`last - 1`: each its own person and day, with 2 sessions and 1,000 input tokens."""
    return "".join(
        json.dumps(
            {
                "date": f"2026-05-{1 + index % 9:02d}T00:00:00Z",
                "actor": {"type": "user_actor", "email_address": f"dev{index // 9}@corp.com"},
                "terminal_type": "vscode",
                "core_metrics": {"num_sessions": 2},
                "model_breakdown": [
                    {"model": "claude-sonnet-4-5", "tokens": {"input": 1000, "output": 0}, "estimated_cost": {}}
                ],
            }
        )
        + "\n"
        for index in range(first, last)
    )


def until_the_second_import_waits() -> None:
    """PostgreSQL: until the second import waits for a lock (the source's); SQLite: a moment, for its write lock."""
    if connection.vendor != "postgresql":
        time.sleep(1)
        return
    deadline = time.monotonic() + 30
    with connection.cursor() as cursor:
        while time.monotonic() < deadline:
            cursor.execute("SELECT count(*) FROM pg_locks WHERE NOT granted")
            if cursor.fetchone()[0]:
                return
            time.sleep(0.05)
    raise AssertionError("the second import never waited for the first")


def test_overlapping_files_imported_at_once_count_each_record_once(
    tmp_path: Path, settings: SettingsWrapper, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings.DATA_DIR = tmp_path / "data"
    first_file, second_file = tmp_path / "first.jsonl", tmp_path / "second.jsonl"
    first_file.write_text(analytics_lines(0, 3 * CHUNK_RECORDS))
    second_file.write_text(analytics_lines(CHUNK_RECORDS, 4 * CHUNK_RECORDS))  # two chunks shared, one new
    first = import_batch_create(source="claude-code-analytics", path=first_file)
    second = import_batch_create(source="claude-code-analytics", path=second_file)
    paused, resume = threading.Event(), threading.Event()

    def pausing_records_read(
        path: Path, importer: Importer, *, position: ReadPosition | None = None
    ) -> Iterator[tuple[str, dict[str, Any]]]:
        for number, item in enumerate(records_read(path, importer, position=position), start=1):
            if path == first_file and number == PAUSE_AT:
                paused.set()
                assert resume.wait(60)
            yield item

    monkeypatch.setattr(usage_import_module, "records_read", pausing_records_read)
    finished: dict[int, ImportBatch] = {}
    errors: list[str] = []

    def run(batch: ImportBatch, path: Path) -> None:
        try:
            finished[batch.pk] = import_batch_run(batch=ImportBatch.objects.get(pk=batch.pk), path=path)
        except Exception as error:  # e.g. the second file's COPY colliding with the first's uncommitted rows
            errors.append(f"{path.name}: {error!r}")
        finally:
            connections.close_all()

    first_import = threading.Thread(target=run, args=(first, first_file))
    second_import = threading.Thread(target=run, args=(second, second_file))
    first_import.start()
    try:
        assert paused.wait(60)
        second_import.start()
        until_the_second_import_waits()
    finally:
        resume.set()
        first_import.join(60)
        second_import.join(60)

    assert errors == []
    assert finished[first.pk].status == ImportBatch.Status.DONE, finished[first.pk].error
    assert finished[second.pk].status == ImportBatch.Status.DONE, finished[second.pk].error
    records = 4 * CHUNK_RECORDS
    assert (finished[second.pk].created, finished[second.pk].unchanged) == (CHUNK_RECORDS, 2 * CHUNK_RECORDS)
    assert ToolOutcomeFact.objects.filter(metric="sessions").aggregate(total=Sum("value"))["total"] == 2 * records
    assert UsageFact.objects.aggregate(total=Sum("input_uncached"))["total"] == 1000 * records

"""Progress of a running import is visible to another connection (the API, the admin) while the file is mid-way."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.db import connections
from django.test import Client
from pytest_django import Settings as SettingsWrapper

from evidence.importers.base import Importer
from evidence.importers.reading import ReadPosition, records_read
from evidence.models import ImportBatch
from evidence.services.usage import imports as usage_import_module
from evidence.services.usage.imports import CHUNK_RECORDS, import_batch_create, import_batch_run
from evidence.services.usage.progress import import_progress_write, progress_path

pytestmark = pytest.mark.django_db(transaction=True)

RECORDS = 3 * CHUNK_RECORDS
PAUSE_AT = CHUNK_RECORDS + CHUNK_RECORDS // 2  # past the first chunk's write, short of the second


def analytics_line(index: int) -> str:
    return json.dumps(
        {
            "date": f"2026-05-{1 + index % 9:02d}T00:00:00Z",
            "actor": {"type": "user_actor", "email_address": f"dev{index // 9}@corp.com"},
            "terminal_type": "vscode",
            "core_metrics": {"num_sessions": 2, "lines_of_code": {"added": 30, "removed": 4}},
            "model_breakdown": [
                {"model": "claude-sonnet-4-5", "tokens": {"input": 900, "output": 200}, "estimated_cost": {"amount": 7}}
            ],
        }
    )


@pytest.fixture
def analytics_file(tmp_path: Path, settings: SettingsWrapper) -> Path:
    settings.DATA_DIR = tmp_path / "data"
    path = tmp_path / "analytics.jsonl"
    path.write_text("".join(analytics_line(index) + "\n" for index in range(RECORDS)))
    return path


def test_progress_is_visible_from_another_connection_while_the_file_is_mid_way(
    analytics_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    user = get_user_model().objects.create_superuser("root", "root@example.com", "pw")
    client = Client()
    client.force_login(user)  # before the import holds SQLite's write lock: a login writes the session
    batch = import_batch_create(source="claude-code-analytics", path=analytics_file)
    paused, resume = threading.Event(), threading.Event()

    def pausing_records_read(
        path: Path, importer: Importer, *, position: ReadPosition | None = None
    ) -> Iterator[tuple[str, dict[str, Any]]]:
        for number, item in enumerate(records_read(path, importer, position=position), start=1):
            if number == PAUSE_AT:
                paused.set()
                assert resume.wait(60)
            yield item

    monkeypatch.setattr(usage_import_module, "records_read", pausing_records_read)
    finished_figures: list[tuple[int, int]] = []

    def recorded_progress_write(*, batch_id: int, records_read: int, bytes_read: int, size_bytes: int) -> None:
        finished_figures.append((records_read, bytes_read))
        import_progress_write(
            batch_id=batch_id, records_read=records_read, bytes_read=bytes_read, size_bytes=size_bytes
        )

    monkeypatch.setattr(usage_import_module, "import_progress_write", recorded_progress_write)
    finished: list[ImportBatch] = []

    def run_import() -> None:
        try:
            finished.append(import_batch_run(batch=ImportBatch.objects.get(pk=batch.pk), path=analytics_file))
        finally:
            connections.close_all()

    importer = threading.Thread(target=run_import)
    importer.start()
    try:
        assert paused.wait(60)
        running = client.get(f"/api/evidence/usage/imports/{batch.pk}/").json()
        admin_list = client.get("/admin/evidence/importbatch/").content.decode()
        admin_detail = client.get(f"/admin/evidence/importbatch/{batch.pk}/change/").content.decode()
    finally:
        resume.set()
        importer.join(60)
    assert running["status"] == "running"
    progress = running["progress"]
    assert progress["records_read"] == CHUNK_RECORDS  # the first chunk is written; the second is being read
    assert progress["size_bytes"] == analytics_file.stat().st_size
    assert 0 < progress["bytes_read"] < progress["size_bytes"]
    assert 0 < progress["percent"] < 100
    shown = f"{progress['percent']:g}% of {progress['size_bytes']:,} bytes, {CHUNK_RECORDS:,} records"
    assert shown in admin_list
    assert shown in admin_detail
    assert running["read"] == 0  # the batch row itself changes only when the file's transaction commits

    assert finished[0].status == ImportBatch.Status.DONE, finished[0].error
    done = client.get(f"/api/evidence/usage/imports/{batch.pk}/").json()
    assert done["progress"]["records_read"] == RECORDS
    assert done["progress"]["percent"] == 100
    assert finished_figures[-1] == (RECORDS, analytics_file.stat().st_size)  # the last write, before the commit
    assert not progress_path(batch.pk).exists()


def test_a_rejected_file_leaves_no_progress_file(tmp_path: Path, settings: SettingsWrapper) -> None:
    settings.DATA_DIR = tmp_path / "data"
    path = tmp_path / "bad.jsonl"
    path.write_text(analytics_line(0) + "\n" + '{"date": "2026-05-01", "actor": {}}\n')
    batch = import_batch_create(source="claude-code-analytics", path=path)
    rejected = import_batch_run(batch=batch, path=path)
    assert rejected.status == ImportBatch.Status.REJECTED
    assert not progress_path(batch.pk).exists()
    assert progress_path(batch.pk).parent.is_dir()  # it was written while the file was read

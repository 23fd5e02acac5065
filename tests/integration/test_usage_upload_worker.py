"""A usage upload imported by a real Celery worker process, on the real broker and database."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from pytest_django import Settings as SettingsWrapper

from evidence.models import ImportBatch, UsageFact
from evidence.services.usage.imports import upload_path
from reviews.models import Person
from tests.evidence.usage_files import FIXTURES
from tests.factories import make_person

pytestmark = pytest.mark.integration


def wait_for_batch(batch_id: int, *, timeout: float = 60) -> ImportBatch:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        batch = ImportBatch.objects.get(pk=batch_id)
        if batch.status in {ImportBatch.Status.DONE, ImportBatch.Status.REJECTED}:
            return batch
        time.sleep(0.25)
    pytest.fail(f"batch {batch_id} did not finish in {timeout}s")


def test_worker_imports_an_upload_and_deletes_the_file(
    start_worker: Any, worker_env: dict[str, str], settings: SettingsWrapper
) -> None:
    settings.DATA_DIR = Path(worker_env["TOKENPROOF_DATA_DIR"])
    worker = start_worker(concurrency=1)
    admin = make_person(email="admin@example.com", role=Person.Role.ADMIN)
    client = Client()
    assert admin.user is not None
    client.force_login(admin.user)
    with (FIXTURES / "claude_code_analytics.json").open("rb") as handle:
        response = client.post("/api/evidence/usage/imports/", {"source": "claude-code-analytics", "file": handle})
    assert response.status_code == 202
    assert response.json()["status"] == "queued"

    batch = wait_for_batch(response.json()["batch"])

    assert (batch.status, batch.created, batch.error) == ("done", 2, ""), worker.log()[-3000:]
    assert UsageFact.objects.count() == 2
    assert not upload_path(batch).exists()
    assert "evidence.import_usage_batch" in worker.log()

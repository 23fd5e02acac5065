"""The upload endpoint queues a Celery task and returns the batch id and its status; the task is rerun-safe."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.test import Client
from pytest_django import Settings as SettingsWrapper

from evidence.models import ImportBatch, UsageFact
from evidence.services.usage.imports import upload_path
from evidence.tasks.usage import import_usage_batch
from reviews.models import Person
from tests.evidence.usage_files import FIXTURES
from tests.factories import make_person

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def admin_client(settings: SettingsWrapper, tmp_path: Path) -> Client:
    settings.DATA_DIR = tmp_path / "data"
    admin = make_person(email="admin@example.com", role=Person.Role.ADMIN)
    client = Client()
    assert admin.user is not None
    client.force_login(admin.user)
    return client


def upload(client: Client, source: str, name: str) -> dict[str, object]:
    with (FIXTURES / name).open("rb") as handle:
        response = client.post("/api/evidence/usage/imports/", {"source": source, "file": handle})
    assert response.status_code == 202, response.content
    body: dict[str, object] = response.json()
    return body


def test_upload_queues_the_import_and_reports_the_batch(admin_client: Client) -> None:
    body = upload(admin_client, "copilot-metrics", "copilot_users_1_day.ndjson")
    batch = ImportBatch.objects.get(pk=int(str(body["batch"])))
    assert (batch.status, batch.created, batch.file_name) == ("done", 2, "copilot_users_1_day.ndjson")
    assert UsageFact.objects.count() == 2  # alice and dependabot[bot]
    assert not upload_path(batch).exists()  # the upload may hold prompt text: it is deleted once imported
    detail = admin_client.get(f"/api/evidence/usage/imports/{batch.pk}/").json()
    assert (detail["status"], detail["read"], detail["source"]) == ("done", 2, "copilot-metrics")


def test_a_rejected_upload_reports_file_line_and_reason(admin_client: Client) -> None:
    body = upload(admin_client, "claude-code-analytics", "copilot_users_1_day.ndjson")
    detail = admin_client.get(f"/api/evidence/usage/imports/{body['batch']}/").json()
    assert detail["status"] == "rejected"
    assert detail["error"] == (
        "copilot_users_1_day.ndjson, line 1: missing field 'date'; "
        "this looks like a GitHub Copilot per-user report row, which --source copilot-metrics reads"
    )


def test_unknown_source_is_a_400(admin_client: Client) -> None:
    with (FIXTURES / "generic.csv").open("rb") as handle:
        response = admin_client.post("/api/evidence/usage/imports/", {"source": "myspace", "file": handle})
    assert response.status_code == 400


def test_employees_may_not_import() -> None:
    employee = make_person(email="e@example.com")
    client = Client()
    assert employee.user is not None
    client.force_login(employee.user)
    with (FIXTURES / "generic.csv").open("rb") as handle:
        response = client.post("/api/evidence/usage/imports/", {"source": "csv", "file": handle})
    assert response.status_code == 403
    assert ImportBatch.objects.count() == 0


def test_task_rerun_changes_nothing(admin_client: Client) -> None:
    body = upload(admin_client, "csv", "generic.csv")
    batch_id = int(str(body["batch"]))
    assert import_usage_batch.apply(args=(batch_id,)).get() == "done"
    assert ImportBatch.objects.get(pk=batch_id).created == 1
    assert UsageFact.objects.get().input_uncached == 12000


def test_task_name_is_stable() -> None:
    assert import_usage_batch.name == "evidence.import_usage_batch"

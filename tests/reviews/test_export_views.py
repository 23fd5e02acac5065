"""HR's export page: start answers at once, progress polls, then the ZIP, the org report and summary.csv download,
each download audited; nobody else may download."""

from __future__ import annotations

import csv
import io
import zipfile
from datetime import date
from pathlib import Path

import pytest
from pytest_django import Settings as SettingsWrapper

from reviews.models import AuditEvent, CycleExport, Person
from reviews.tasks import evidence_run_start
from tests.background import background_work_join
from tests.factories import make_cycle, make_person, signed_in_client

pytestmark = pytest.mark.django_db(transaction=True)


def body(response: object) -> bytes:
    return b"".join(response.streaming_content)  # type: ignore[attr-defined]  # a FileResponse streams its file


def test_hr_exports_from_the_page_and_downloads_each_file(settings: SettingsWrapper, tmp_path: Path) -> None:
    settings.OUTPUT_DIR = tmp_path / "out"
    hr_person = make_person(name="Harriet", email="hr@example.com", role=Person.Role.HR)
    employee = make_person(name="Dev", email="dev@example.com")
    cycle = make_cycle(name="2026-H1", start=date(2026, 1, 1), end=date(2026, 6, 30))
    evidence_run_start(cycle=cycle)  # an export writes the packets that exist; it generates none
    hr, other = signed_in_client(hr_person), signed_in_client(employee)

    started = hr.post(f"/cycles/{cycle.pk}/exports/")
    export = CycleExport.objects.get(cycle=cycle)
    assert started["Location"] == f"/exports/{export.pk}/"
    polling = hr.get(f"/exports/{export.pk}/progress/").content.decode()
    background_work_join()
    page = hr.get(f"/exports/{export.pk}/").content.decode()

    assert f'hx-get="/exports/{export.pk}/progress/"' in polling
    assert "hx-get" not in page
    assert "Download the ZIP" in page
    names = zipfile.ZipFile(io.BytesIO(body(hr.get(f"/exports/{export.pk}/files/zip/")))).namelist()
    assert {"dev@example.com.pdf", "hr@example.com.pdf", "summary.csv", "org-report.pdf"} <= set(names)
    assert body(hr.get(f"/exports/{export.pk}/files/org-report/")).startswith(b"%PDF-")
    rows = list(csv.DictReader(io.StringIO(body(hr.get(f"/exports/{export.pk}/files/summary/")).decode())))
    assert [row["email"] for row in rows] == ["dev@example.com", "hr@example.com"]
    assert other.get(f"/exports/{export.pk}/files/zip/").status_code == 403
    assert hr.get(f"/exports/{export.pk}/files/manifest/").status_code == 404
    downloads = AuditEvent.objects.filter(action="cycle.export.download", object_id=str(export.pk))
    assert sorted(event.detail["file"] for event in downloads) == [
        "org-report.pdf",
        "summary.csv",
        f"tokenproof-2026-H1-export-{export.pk}.zip",
    ]

"""The HR cycle export: PDFs by email, a formula-safe summary by name, an org report with suppression, a ZIP."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import zipfile
from datetime import date
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import Client
from pypdf import PdfReader
from pytest_django import Settings as SettingsWrapper

from evidence.facts.schema import EvidenceFactsDict
from reviews.models import AuditEvent, CycleExport, Packet, Person, ReviewCycle
from reviews.services.exports import csv_safe, cycle_export_finalize
from reviews.services.exports.org_report import org_figures
from reviews.tasks import cycle_export_start, evidence_run_start, finalize_export, reconcile_runs
from tests.background import background_work_join
from tests.factories import make_cycle, make_person
from tests.reviews.facts_samples import non_user_facts, typical_facts

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def engine_facts(monkeypatch: pytest.MonkeyPatch) -> None:
    def facts(*, packet: Packet) -> EvidenceFactsDict:
        person = packet.person
        if person.name.startswith("Quiet"):
            return non_user_facts(name=person.name, email=person.email) | {
                "person": {"name": person.name, "email": person.email, "team": person.team, "manager": None}
            }
        return typical_facts(seed=person.pk, name=person.name, email=person.email, team=person.team)

    monkeypatch.setattr("reviews.services.packets.packet_facts_get", facts)


def company() -> ReviewCycle:
    """Ten people with one packet version each, from a run: an export writes the packets that exist."""
    for index in range(5):
        make_person(name=f"Payments {index}", email=f"pay{index}@example.com", team="Payments")
    make_person(name='=HYPERLINK("http://evil")', email="formula@example.com", team="Payments")
    make_person(name="Quiet One", email="quiet@example.com", team="Payments")
    for index in range(3):
        make_person(name=f"Mobile {index}", email=f"mob{index}@example.com", team="Mobile")
    cycle = make_cycle(name="2026-H2", start=date(2026, 7, 1), end=date(2026, 12, 31))
    evidence_run_start(cycle=cycle)
    return cycle


def test_export_command_writes_every_file_and_shows_progress(engine_facts: None, tmp_path: Path) -> None:
    cycle = company()
    out = io.StringIO()

    call_command("export_cycle", "2026-H2", "--out", str(tmp_path / "export"), stdout=out)

    folder = tmp_path / "export"
    people = Person.objects.count()
    assert f"Export {CycleExport.objects.get().pk}: 10 packets (0 without a finished version)" in out.getvalue(), (
        out.getvalue()[-600:]
    )
    assert sorted(path.name for path in folder.glob("*@example.com.pdf")) == sorted(
        f"{email}.pdf" for email in Person.objects.values_list("email", flat=True)
    )
    with (folder / "summary.csv").open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == people
    assert [row["name"].lstrip("'").casefold() for row in rows] == sorted(
        row["name"].lstrip("'").casefold() for row in rows
    )
    assert next(row for row in rows if row["email"] == "formula@example.com")["name"] == '\'=HYPERLINK("http://evil")'
    assert not any("token" in column or "cost" in column for column in rows[0])
    quiet = next(row for row in rows if row["email"] == "quiet@example.com")
    assert (quiet["ai_prs_merged"], quiet["flags"], quiet["status"]) == ("0", "0", "done")
    assert {(row["release_state"], row["released_version"]) for row in rows} == {("draft", "")}

    manifest = json.loads((folder / "manifest.json").read_text())
    for entry in manifest["files"]:
        assert hashlib.sha256((folder / entry["name"]).read_bytes()).hexdigest() == entry["sha256"]
    export = CycleExport.objects.get()
    (archive,) = folder.glob("*.zip")
    assert hashlib.sha256(archive.read_bytes()).hexdigest() == export.zip_sha256
    with zipfile.ZipFile(archive) as opened:
        assert sorted(opened.namelist()) == sorted([*(entry["name"] for entry in manifest["files"]), "manifest.json"])
    assert (export.status, export.finalize_count, export.people, export.packets) == ("done", 1, 10, 10)
    assert export.cycle == cycle

    report = "\n".join(page.extract_text() for page in PdfReader(folder / "org-report.pdf").pages)
    assert "Payments" in report
    # Mobile (3 people) is suppressed, and Payments with it: the org minus Payments would be Mobile.
    assert "2 teams (10 people) are suppressed." in " ".join(report.split())
    assert "No one is ranked by token volume or cost" in report
    assert AuditEvent.objects.filter(action="cycle.export", object_id=str(export.pk)).count() == 1


def test_finalizing_again_changes_nothing(engine_facts: None, tmp_path: Path) -> None:
    cycle = company()
    export = cycle_export_start(cycle=cycle, out_dir=tmp_path / "export")
    before = {path.name: path.stat().st_mtime_ns for path in (tmp_path / "export").iterdir()}

    for _ in range(3):
        assert cycle_export_finalize(export_id=export.pk).status == "done"
    finalize_export.delay(export.pk)

    export.refresh_from_db()
    assert export.finalize_count == 1
    assert {path.name: path.stat().st_mtime_ns for path in (tmp_path / "export").iterdir()} == before


def test_reconciler_finishes_an_export_whose_finalize_was_lost(
    engine_facts: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, settings: SettingsWrapper
) -> None:
    monkeypatch.setattr("reviews.tasks.finalize_export.delay", lambda export_id: None)  # the message is lost
    export = cycle_export_start(cycle=company(), out_dir=tmp_path / "export")
    assert CycleExport.objects.get(pk=export.pk).status == "queued"
    monkeypatch.undo()
    settings.TOKENPROOF_STALE_RENDER_SECONDS = 0

    reconcile_runs.delay()

    export.refresh_from_db()
    assert (export.status, export.finalize_count) == ("done", 1)
    assert (tmp_path / "export" / "summary.csv").exists()


def test_the_csv_pdf_column_names_the_real_file_for_every_email(engine_facts: None, tmp_path: Path) -> None:
    emails = ("+1@example.com", "=1+1@example.com", "_1+1@example.com", "-x@example.com", "ada@example.com")
    for email in emails:
        make_person(name=email, email=email, team="Payments")
    cycle = make_cycle(name="2026-H2")
    evidence_run_start(cycle=cycle)
    export = cycle_export_start(cycle=cycle, out_dir=tmp_path / "export")

    with (tmp_path / "export" / "summary.csv").open(newline="") as handle:
        named = [row["pdf"] for row in csv.DictReader(handle)]
    with zipfile.ZipFile(next((tmp_path / "export").glob("*.zip"))) as archive:
        in_zip = set(archive.namelist())

    assert CycleExport.objects.get(pk=export.pk).status == "done"
    assert len(set(named)) == len(emails)
    assert set(named) <= in_zip


def test_groups_under_five_people_are_suppressed_with_their_complement() -> None:
    def people(team: str, count: int) -> list[EvidenceFactsDict]:
        return [typical_facts(seed=index, team=team) for index in range(count)]

    figures = org_figures(facts_list=people("Payments", 5) + people("Mobile", 3) + people("Data", 6))
    org, teams = figures.org, figures.teams
    by_name = {team.name: team for team in teams}
    assert [team.name for team in teams] == ["Data", "Mobile", "Payments"]
    assert by_name["Mobile"].suppressed
    assert by_name["Mobile"].adoption == ""
    # Mobile alone would be the org minus Data and Payments: the smaller of those goes too.
    assert by_name["Payments"].suppressed
    assert not by_name["Data"].suppressed
    assert by_name["Data"].adoption == "100% (6 of 6)"
    assert (org.people, org.suppressed) == (14, False)

    assert (figures.teams_suppressed, figures.people_suppressed) == (2, 8)
    assert org_figures(facts_list=people("Payments", 4)).org.suppressed


@pytest.mark.parametrize("value", ["=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx", "\0x"])
def test_csv_cells_that_spreadsheets_would_run_are_kept_as_text(value: str) -> None:
    assert csv_safe(value) == f"'{value}"
    assert csv_safe("Ada") == "Ada"


def test_hr_starts_an_export_through_the_api_and_downloads_the_zip(
    engine_facts: None, settings: SettingsWrapper, tmp_path: Path
) -> None:
    settings.OUTPUT_DIR = tmp_path / "out"
    cycle = company()
    hr = make_person(name="Harriet", email="hr@example.com", role=Person.Role.HR)
    employee = Person.objects.get(email="pay0@example.com")
    client, other = Client(), Client()
    assert hr.user is not None
    assert employee.user is not None
    client.force_login(hr.user)
    other.force_login(employee.user)

    assert other.post(f"/api/cycles/{cycle.pk}/exports/").status_code == 403
    started = client.post(f"/api/cycles/{cycle.pk}/exports/")
    assert started.status_code == 202
    background_work_join()
    detail = client.get(f"/api/exports/{started.json()['id']}/").json()
    assert (detail["status"], detail["people"], detail["packets"]) == ("done", 10, 10)
    download = client.get(f"/api/exports/{detail['id']}/zip/")
    assert download.status_code == 200
    assert zipfile.ZipFile(io.BytesIO(b"".join(download.streaming_content))).namelist()  # type: ignore[attr-defined]
    assert other.get(f"/api/exports/{detail['id']}/zip/").status_code == 403
    assert list(
        AuditEvent.objects.filter(object_type="reviews.cycleexport").values_list("action", flat=True).order_by("pk")
    ) == [
        "cycle.export",
        "cycle.export.download",
    ]


def test_export_task_name_is_stable() -> None:
    assert finalize_export.name == "reviews.finalize_export"

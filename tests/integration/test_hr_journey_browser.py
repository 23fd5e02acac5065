"""HR's journey in real Chromium: create a cycle, open it, run its packets watching the progress update without a reload,
export it and download the ZIP. Screenshots go to TOKENPROOF_SCREENSHOTS (default var/screenshots/hr-journey)."""

from __future__ import annotations

import os
import zipfile
from pathlib import Path
from typing import Any

import pytest
from pytest_django import Settings as SettingsWrapper

from reviews.models import CycleExport, EvidenceRun, Person
from tests.factories import make_person
from tests.integration.conftest import sign_in_as

pytestmark = pytest.mark.integration


def shots_dir() -> Path:
    folder = Path(os.environ.get("TOKENPROOF_SCREENSHOTS", "var/screenshots/hr-journey"))
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def test_hr_creates_a_cycle_runs_it_with_live_progress_and_downloads_the_export(
    live_server: Any, browser_page: Any, settings: SettingsWrapper, tmp_path: Path
) -> None:
    settings.DEMO_LOGIN = True
    settings.OUTPUT_DIR = tmp_path / "out"
    hr = make_person(name="Harriet", email="hr@example.com", role=Person.Role.HR, team="People")
    for index in range(3):
        make_person(name=f"Dev {index}", email=f"dev{index}@example.com", team="Payments")
    page, shots = browser_page, shots_dir()

    sign_in_as(page, live_server.url, hr)
    page.get_by_role("link", name="Review cycles").click()
    page.get_by_role("link", name="New cycle").click()
    page.get_by_label("Name").fill("2026 first half")
    page.get_by_label("Start").fill("2026-01-01")
    page.get_by_label("End").fill("2026-06-30")
    page.screenshot(path=shots / "1-new-cycle.png", full_page=True)
    page.get_by_role("button", name="Create cycle").click()
    assert page.get_by_role("heading", name="2026 first half").is_visible()
    page.get_by_role("button", name="Open the cycle").click()
    page.get_by_role("button", name="Move to calibration").wait_for()  # the cycle is open

    page.get_by_role("button", name="Generate every packet").click()
    page.wait_for_url("**/runs/*/")
    run_url = page.url
    page.screenshot(path=shots / "2-run-started.png", full_page=True)
    page.get_by_text("packets: 4 of 4 done").wait_for(timeout=240_000)  # htmx swapped it in, no reload
    assert page.url == run_url
    page.screenshot(path=shots / "3-run-finished.png", full_page=True)
    assert EvidenceRun.objects.get().status == "done"

    page.get_by_role("link", name="2026 first half").click()
    page.get_by_role("button", name="Export the cycle").click()
    page.wait_for_url("**/exports/*/")
    page.get_by_role("link", name="Download the ZIP").wait_for(timeout=240_000)
    page.screenshot(path=shots / "4-export-done.png", full_page=True)
    with page.expect_download() as download:
        page.get_by_role("link", name="Download the ZIP").click()
    saved = tmp_path / download.value.suggested_filename
    download.value.save_as(saved)
    names = zipfile.ZipFile(saved).namelist()
    assert {"dev0@example.com.pdf", "summary.csv", "org-report.pdf"} <= set(names)
    assert CycleExport.objects.get().status == "done"

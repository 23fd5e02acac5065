"""The manager's calibration journey in real Chromium: the team page, the calibration sheet, a note, the sheet's PDF
and the packet's calibration version. Every page is kept as a screenshot under var/test-artefacts/calibration/
(TOKENPROOF_TEST_ARTEFACTS moves it) for a person to look at.
"""

from __future__ import annotations

import io
import os
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader
from pytest_django import Settings as SettingsWrapper

from reviews.models import AuditEvent, CalibrationNote, CalibrationPrint
from tests.integration.conftest import ROOT, sign_in_as
from tests.reviews.calibration_org import calibration_org

pytestmark = pytest.mark.integration

ARTEFACTS = Path(os.environ.get("TOKENPROOF_TEST_ARTEFACTS") or ROOT / "var" / "test-artefacts") / "calibration"


def test_manager_opens_the_team_writes_a_calibration_note_and_downloads_the_sheet(
    live_server: Any, browser_page: Any, settings: SettingsWrapper
) -> None:
    settings.DEMO_LOGIN = True
    org = calibration_org()
    page = browser_page
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    for old in ARTEFACTS.glob("*.png"):
        old.unlink()

    def shot(name: str) -> None:
        page.screenshot(path=str(ARTEFACTS / name), full_page=True)

    sign_in_as(page, live_server.url, org.people["mira"])
    page.get_by_role("link", name="My team").first.click()
    assert page.get_by_role("heading", name="Reporting to Mira Novak").is_visible()
    assert page.get_by_role("cell", name="Released; a newer draft since").is_visible()
    shot("01-team.png")

    page.get_by_label("State").select_option("draft")
    page.get_by_role("button", name="Filter").click()
    assert page.get_by_role("rowheader", name="Lee Chen").is_visible()
    assert not page.get_by_role("rowheader", name="Zoe Adler").is_visible()
    shot("02-team-drafts.png")

    page.get_by_role("link", name="Calibration sheet of my reports").click()
    assert page.get_by_role("heading", name="What these figures cannot tell").is_visible()
    names = page.locator("table.sheet tbody th").all_inner_texts()
    assert [name.splitlines()[0] for name in names] == ["Adam Young", "Kim Park", "Zoe Adler"]
    page.get_by_label("Note on Zoe Adler").fill("Led the refunds incident review; ready for more scope.")
    page.locator(f"#person-{org.people['zoe'].pk}").get_by_role("button", name="Save note").click()
    assert page.get_by_text("Calibration note on Zoe Adler saved.").is_visible()
    assert page.get_by_label("Note on Zoe Adler").input_value().startswith("Led the refunds incident review")
    shot("03-sheet-with-note.png")

    with page.expect_download() as download:
        page.get_by_role("link", name="Download the sheet as PDF").click()
    pdf = Path(download.value.path()).read_bytes()
    assert pdf.startswith(b"%PDF-")
    reader = PdfReader(io.BytesIO(pdf))
    assert float(reader.pages[0].mediabox.width) > float(reader.pages[0].mediabox.height)
    assert CalibrationPrint.objects.get().people == 3
    (ARTEFACTS / "04-sheet.pdf").write_bytes(pdf)

    page.get_by_role("link", name="packet v1").last.click()
    assert page.get_by_role("heading", name="Manager notes (calibration version only)").is_visible()
    assert page.get_by_text("ready for more scope").is_visible()
    shot("05-packet-calibration-version.png")

    assert CalibrationNote.objects.get().person == org.people["zoe"]
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"team.view", "calibration.sheet.view", "calibration.note.write", "calibration.sheet.download"} <= actions
    assert "packet.view.calibration" in actions

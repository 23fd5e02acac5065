"""The self-review journey in real Chromium, with versions made by a real Celery worker process.

An employee corrects an item, picks two highlights, explains a flag, writes a narrative, makes a new version and
releases it; the manager opens it and sees the correction marked; the employee then sees the manager in "who opened
my packet". Every page is kept as a screenshot under var/test-artefacts/self-review/ (TOKENPROOF_TEST_ARTEFACTS
moves it) for a person to look at.
"""

from __future__ import annotations

import os
import re
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from pytest_django import Settings as SettingsWrapper

from reviews.models import EvidenceRun, Packet
from reviews.tasks import evidence_run_start
from tests.evidence.scenarios.builders import usage_day
from tests.factories import make_cycle, org_chart
from tests.integration.conftest import ROOT, sign_in_as, wait_until_terminal
from tests.reviews.test_self_review_page import HOSTILE, work_of

pytestmark = pytest.mark.integration

ARTEFACTS = Path(os.environ.get("TOKENPROOF_TEST_ARTEFACTS") or ROOT / "var" / "test-artefacts") / "self-review"
WAIT_MS = 90_000  # a version is made by the worker process: facts, then the PDF


class Shots:
    """Numbered full-page screenshots, one per page or state the journey reaches."""

    def __init__(self, page: Any) -> None:
        self.page = page
        self.taken: list[Path] = []
        ARTEFACTS.mkdir(parents=True, exist_ok=True)
        for old in ARTEFACTS.glob("*.png"):
            old.unlink()

    def __call__(self, name: str) -> None:
        path = ARTEFACTS / f"{len(self.taken) + 1:02d}-{name}.png"
        self.page.screenshot(path=str(path), full_page=True)
        self.taken.append(path)


def test_employee_self_review_journey_then_the_manager_sees_the_corrections(
    live_server: Any, browser_page: Any, settings: SettingsWrapper, start_worker: Any
) -> None:
    settings.DEMO_LOGIN = True
    worker = start_worker(concurrency=1)
    people = org_chart()
    work_of(people["alice"], commits=6)
    for offset in range(4):  # AI use in June, months after any work of hers: the unlinked-usage flag
        usage_day(people["alice"], day=date(2026, 6, 10 + offset), input_uncached=50_000, output=5_000)
    cycle = make_cycle(name="Journey cycle", start=date(2026, 1, 1), end=date(2026, 6, 30))
    run = wait_until_terminal(EvidenceRun, evidence_run_start(cycle=cycle).pk)
    assert run.status == EvidenceRun.Status.DONE
    page = browser_page
    page.set_default_timeout(15_000)
    elsewhere: list[str] = []  # every request the pages make to anywhere but the server under test
    page.on(
        "request", lambda request: None if request.url.startswith(live_server.url) else elsewhere.append(request.url)
    )
    shot = Shots(page)

    sign_in_as(page, live_server.url, people["alice"])
    page.get_by_role("link", name="Self-review for Journey cycle").click()
    assert page.get_by_role("heading", name="Your self-review · Journey cycle").is_visible()
    shot("workspace-draft")

    # Correct the pull request inline (htmx swaps the row for its form, then for the corrected row).
    pr_key = "acme/payments #7"
    page.get_by_role("link", name=f"Correct {pr_key}").click()
    page.get_by_label("Not AI-assisted", exact=True).check()
    page.get_by_label("Reason").fill("I wrote this by hand; the trailer came from a pairing session.")
    shot("correction-form")
    page.get_by_role("button", name="Save correction").click()
    page.get_by_text("Correction saved").wait_for()
    assert page.get_by_role("row", name=re.compile(r"#7 .*not AI-assisted")).is_visible()

    # Two highlights, then their words.
    page.get_by_role("button", name=re.compile(r"^Highlight ")).nth(0).click()
    page.get_by_role("button", name=re.compile(r"^Highlight ")).nth(1).click()
    for index in range(2):
        page.locator(f'textarea[name="highlight-{index}-context"]').fill(f"Context of highlight {index + 1}.")
        page.locator(f'textarea[name="highlight-{index}-what_ai_did"]').fill("Claude Code drafted the tests.")
        page.locator(f'textarea[name="highlight-{index}-outcome"]').fill("Merged; every line still there.")
    page.get_by_role("button", name="Save highlights").click()
    page.get_by_text("Highlights saved.").wait_for()

    page.get_by_label("Your explanation").fill("I was learning the new payments API before writing any code.")
    page.get_by_role("button", name="Save explanation").click()
    page.get_by_text("Explanation saved.").wait_for()

    page.get_by_label("Your narrative").fill(
        "This half I moved the payments service to the new API.\n\nAI helped most with tests.\n\n" + HOSTILE
    )
    page.get_by_role("button", name="Save narrative").click()
    page.get_by_text("Narrative saved.").wait_for()
    shot("workspace-edited")

    # A new version through a worker: the page polls until the PDF is ready, then reloads. No worker runs while it
    # is queued, so the progress state is seen for certain; a second worker then makes it.
    worker.stop()
    page.get_by_role("button", name="Make a new version").click()
    page.get_by_text("Making version 2").wait_for()
    shot("version-in-progress")
    start_worker(concurrency=1)
    page.get_by_text(re.compile(r"Latest: version 2")).wait_for(timeout=WAIT_MS)
    shot("version-ready")

    page.get_by_role("link", name="Preview").click()
    assert page.get_by_text("corrected by the employee").first.is_visible()
    shot("preview")
    page.go_back()

    page.get_by_role("link", name="Release version 2 to my manager…").click()
    assert page.get_by_text("Manager (your manager)").is_visible()
    assert page.get_by_text("Head").is_visible()
    shot("release-confirmation")
    page.get_by_role("button", name="Release version 2").click()
    assert page.get_by_text("Released: your manager can now see this version.").is_visible()
    assert page.get_by_text(re.compile(r"Released:.*version 2")).first.is_visible()
    shot("workspace-released")
    page.get_by_role("button", name="Sign out").click()

    sign_in_as(page, live_server.url, people["manager"])
    page.get_by_role("row", name=re.compile("Alice")).get_by_role("link", name="Open").click()
    assert page.get_by_text("corrected by the employee").first.is_visible()
    assert page.get_by_text("I was learning the new payments API").is_visible()
    assert page.get_by_text("<script>alert(1)</script>", exact=False).is_visible()  # printed as text, not run
    shot("manager-preview")
    page.get_by_role("button", name="Sign out").click()

    sign_in_as(page, live_server.url, people["alice"])
    page.get_by_role("link", name="Self-review for Journey cycle").click()
    log = page.locator("#access-log")
    assert log.get_by_role("row", name=re.compile(r"Manager|manager@example\.com")).first.is_visible()
    shot("who-opened-my-packet")

    assert elsewhere == []
    released = Packet.objects.get(person=people["alice"], cycle=cycle, version=2)
    assert released.status == Packet.Status.DONE
    assert [path.name for path in shot.taken] == [
        "01-workspace-draft.png",
        "02-correction-form.png",
        "03-workspace-edited.png",
        "04-version-in-progress.png",
        "05-version-ready.png",
        "06-preview.png",
        "07-release-confirmation.png",
        "08-workspace-released.png",
        "09-manager-preview.png",
        "10-who-opened-my-packet.png",
    ]

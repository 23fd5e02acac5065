"""The pages in real Chromium (Debian's, driven by Playwright): sign in per role, open, release, download."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from pytest_django import Settings as SettingsWrapper

from reviews.models import AuditEvent, Packet
from reviews.tasks import evidence_run_start
from tests.factories import make_cycle, org_chart
from tests.integration.conftest import sign_in_as

pytestmark = pytest.mark.integration


def test_employee_releases_their_packet_and_then_the_manager_sees_it(
    live_server: Any, browser_page: Any, settings: SettingsWrapper
) -> None:
    settings.DEMO_LOGIN = True
    people = org_chart()
    evidence_run_start(cycle=make_cycle(name="Browser cycle", start=date(2026, 1, 1), end=date(2026, 6, 30)))
    page = browser_page

    sign_in_as(page, live_server.url, people["manager"])
    assert "None yet" in page.content()
    page.get_by_role("button", name="Sign out").click()

    sign_in_as(page, live_server.url, people["alice"])
    page.get_by_role("link", name="Open").first.click()
    assert page.get_by_role("heading", name="Alice").is_visible()
    page.get_by_role("link", name="Release my latest version to my manager…").click()
    assert page.get_by_text("Manager (your manager)").is_visible()  # the confirmation names who will see it
    page.get_by_role("button", name="Release version 1").click()
    assert "Released: your manager can now see this version." in page.content()
    page.get_by_role("link", name="Preview").click()
    with page.expect_download() as download:
        page.get_by_role("link", name="Download PDF").click()
    assert download.value.suggested_filename.endswith(".pdf")
    page.get_by_role("button", name="Sign out").click()

    sign_in_as(page, live_server.url, people["manager"])
    assert page.get_by_role("cell", name="Alice").is_visible()
    assert not page.get_by_role("cell", name="Bob").is_visible()

    alice_packet = Packet.objects.get(person=people["alice"])
    actions = set(AuditEvent.objects.filter(object_id=str(alice_packet.pk)).values_list("action", flat=True))
    assert {"packet.view", "packet.download", "packet.release"} <= actions

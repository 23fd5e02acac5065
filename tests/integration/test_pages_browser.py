"""The pages in real Chromium (Debian's, driven by Playwright): sign in per role, open, release, download."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest
from django.db import connections
from pytest_django import Settings as SettingsWrapper

from reviews.models import AuditEvent, Packet, Person
from reviews.tasks import evidence_run_start
from tests.factories import make_cycle, org_chart

pytestmark = pytest.mark.integration

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture
def browser_page(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    if CHROMIUM is None:
        pytest.skip("Debian's chromium is not installed (make browser installs it)")
    # Playwright's sync API keeps an event loop in this thread; the test's own ORM calls are still synchronous.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"],
        )
        page = browser.new_page()
        yield page
        browser.close()
        # ORM calls made while Playwright's loop runs get their own connection (asgiref sees an event loop).
        connections.close_all()


def sign_in_as(page: Any, base_url: str, person: Person) -> None:
    page.goto(f"{base_url}/demo-login/")
    page.get_by_role("button", name=f"Sign in as {person.name}").click()
    page.wait_for_url(f"{base_url}/")


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
    page.get_by_role("button", name="Release to my manager").click()
    assert "Released: your manager can now see this packet." in page.content()
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

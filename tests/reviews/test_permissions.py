"""The access gate: every route that serves a packet fetches, checks and audits it through reviews.permissions.

The URL conf is walked, not listed: a new route taking a `packet_id` is tested here without anyone adding it, and a
new route of any other shape fails until it is named below with the reason it serves no packet.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from reviews.models import AuditEvent, Packet, Person
from reviews.permissions import Viewer, viewer_get
from tests.factories import make_person, org_chart_with_packets, signed_in_client

pytestmark = pytest.mark.django_db(transaction=True)

# Every route that takes no packet_id, by name, with why it serves no packet (or which check it has instead).
NOT_PACKET_ROUTES = {
    "reviews:home": "lists the viewer's packets by name through packets_visible_get; opens none",
    "reviews:login": "signing in",
    "reviews:logout": "signing out",
    "reviews:demo-login": "the demo's one-click sign-in, off unless TOKENPROOF_DEMO_LOGIN=1",
    "reviews:team": "the viewer's reports' packet states through team_access; links packets, opens none",
    "reviews:calibration-sheet": "released figures of the viewer's reports through calibration_sheet_access, audited",
    "reviews:calibration-sheet-pdf": "the same sheet as a PDF through calibration_sheet_access, audited",
    "reviews:calibration-group": "a group's sheet through calibration_sheet_access (HR, its managers), audited",
    "reviews:calibration-group-pdf": "a group's sheet PDF through calibration_sheet_access, audited",
    "reviews:calibration-note": "writes a note through calibration_note_access (manager chain, HR), audited",
    "reviews:self-review": "the viewer's own workspace (self_review_access); packets open through packet-preview",
    "reviews:self-review-correct": "a correction form of the viewer's own work item (self_review_access)",
    "reviews:self-review-corrections": "saves the viewer's own correction (self_review_access, then the service)",
    "reviews:self-review-correction-remove": "removes the viewer's own correction (self_review_access)",
    "reviews:self-review-highlights": "saves the viewer's own highlights (self_review_access)",
    "reviews:self-review-highlight-pick": "picks one of the viewer's own items (self_review_access)",
    "reviews:self-review-flag": "saves the viewer's own flag explanation (self_review_access)",
    "reviews:self-review-narrative": "saves the viewer's own narrative (self_review_access)",
    "reviews:self-review-versions": "starts a version of the viewer's own packet (self_review_access); serves none",
    "reviews:self-review-version-status": "the viewer's own latest version's status (self_review_access); no content",
    "reviews:self-review-release": "releases the viewer's own packet (self_review_access), audited by the service",
    "reviews:self-review-withdraw": "withdraws the viewer's own release (self_review_access), audited by the service",
    "api-cycles": "cycles; creating one is HR's (IsHROrAdminToWrite)",
    "api-cycle-run-start": "starts a packet run (IsHROrAdmin); serves no packet",
    "api-cycle-export-start": "starts an export (IsHROrAdmin); serves no packet",
    "api-cycle-team": "the team page's rows through team_access",
    "api-cycle-calibration-sheet": "the viewer's reports' sheet through calibration_sheet_access, audited",
    "api-calibration-group-sheet": "a group's sheet through calibration_sheet_access, audited",
    "api-calibration-note": "writes a note through calibration_note_access, audited",
    "api-run": "a run's counts (IsHROrAdmin)",
    "api-export": "an export's counts (IsHROrAdmin)",
    "api-export-zip": "every packet of a cycle for HR (IsHROrAdmin), audited as cycle.export.download",
    "api-packets": "lists the viewer's packets through packets_visible_get; opens none",
    "api-usage-imports": "usage upload (IsHROrAdmin)",
    "api-usage-import": "an import batch's counts (IsHROrAdmin)",
    "api-evidence-repositories": "repositories (IsHROrAdmin)",
    "api-evidence-repository-sync": "queues a GitHub sync (IsHROrAdmin)",
    "api-evidence-attribution-rules": "the attribution ladder (IsHROrAdmin)",
    "api-schema": "the OpenAPI schema",
    "api-self-review": "the viewer's own workspace through self_review_access (HR reads); opens no packet version",
    "api-self-review-corrections": "the owner's write, through self_review_access",
    "api-self-review-correction": "the owner's write, through self_review_access",
    "api-self-review-highlights": "the owner's write, through self_review_access",
    "api-self-review-flag": "the owner's write, through self_review_access",
    "api-self-review-narrative": "the owner's write, through self_review_access",
    "api-self-review-versions": "the owner starts a new version, through self_review_access",
    "api-self-review-release": "the owner releases, through self_review_access; the service audits packet.release",
    "api-self-review-withdraw": "the owner withdraws, through self_review_access; audited as packet.release.withdraw",
    "api-self-review-access-log": "reads the audit log of the viewer's own packet (HR reads), through self_review_access",
    "reviews:cycle-list": "HR's cycles (hr_page)",
    "reviews:cycle-create": "HR creates a cycle (hr_page)",
    "reviews:cycle-detail": "a cycle's runs and exports for HR (hr_page); opens no packet",
    "reviews:cycle-edit": "HR edits a cycle (hr_page)",
    "reviews:cycle-transition": "HR moves a cycle to its next state (hr_page)",
    "reviews:cycle-board": "counts per team, small teams suppressed (hr_page)",
    "reviews:cycle-run-start": "starts a packet run (hr_page); serves no packet",
    "reviews:cycle-export-start": "starts an export (hr_page); serves no packet",
    "reviews:run-detail": "a run's counts and failure reasons (hr_page)",
    "reviews:run-progress": "a run's counts, polled (hr_page)",
    "reviews:run-retry": "sends a run's failed packets again (hr_page)",
    "reviews:export-detail": "an export's counts (hr_page)",
    "reviews:export-progress": "an export's counts, polled (hr_page)",
    "reviews:export-file": "every packet of a cycle for HR (hr_page), audited as cycle.export.download",
    "reviews:coverage": "unresolved identities, sources and repositories for HR (hr_page)",
    "reviews:coverage-actor-map": "HR maps a usage identity to a person (hr_page), audited as identity.map",
    "reviews:coverage-commit-email-map": "HR maps a commit e-mail to a person (hr_page), audited as identity.map",
    "reviews:audit-list": "the audit log for HR (hr_page), read-only",
    "reviews:audit-csv": "the audit log as CSV for HR (hr_page), audited as audit.export",
    "api-cycle": "a cycle; editing it is HR's (IsHROrAdminToWrite)",
    "api-cycle-board": "counts per team, small teams suppressed (IsHROrAdmin)",
    "api-run-failures": "a run's failed packets' reasons (IsHROrAdmin); serves no packet",
    "api-run-retry": "sends a run's failed packets again (IsHROrAdmin)",
    "api-export-file": "every packet of a cycle for HR (IsHROrAdmin), audited as cycle.export.download",
    "api-audit-events": "the audit log for HR (IsHROrAdmin), read-only",
}
# Django's admin is staff only, and its packet pages show bookkeeping, never content: see the last test.
ADMIN_NAMESPACE = "admin"


@dataclass(frozen=True)
class Route:
    name: str
    pattern: str
    keywords: frozenset[str]

    def url(self, packet_id: int) -> str:
        return reverse(self.name, kwargs={"packet_id": packet_id})


def walk(patterns: list[URLPattern | URLResolver], prefix: str = "", namespace: str = "") -> Iterator[Route]:
    for entry in patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from walk(entry.url_patterns, prefix + str(entry.pattern), inner)
        else:
            keywords = frozenset(entry.pattern.regex.groupindex)
            yield Route(name=f"{namespace}{entry.name}", pattern=prefix + str(entry.pattern), keywords=keywords)


def all_routes() -> list[Route]:
    return list(walk(get_resolver().url_patterns))


def packet_routes() -> list[Route]:
    return [route for route in all_routes() if "packet_id" in route.keywords]


def test_every_route_is_a_gated_packet_route_or_named_as_serving_none() -> None:
    others = [
        route
        for route in all_routes()
        if "packet_id" not in route.keywords and not route.name.startswith(f"{ADMIN_NAMESPACE}:")
    ]
    unnamed = [f"{route.pattern} ({route.name})" for route in others if route.name not in NOT_PACKET_ROUTES]
    assert unnamed == [], "a new route: take a packet_id through packet_access, or say here why it serves no packet"
    assert set(NOT_PACKET_ROUTES) == {route.name for route in others}, "a listed route is gone: remove it"
    assert len(packet_routes()) >= 5


@pytest.fixture
def people() -> dict[str, Person]:
    return org_chart_with_packets()


def request_route(client: Client, url: str) -> int:
    """The status of a GET, or of a POST where the route takes only POST (a release)."""
    status = client.get(url).status_code
    return client.post(url).status_code if status == 405 else status


@pytest.mark.parametrize("route", packet_routes(), ids=lambda route: route.name)
def test_packet_route_refuses_others_and_audits_the_owner_once(people: dict[str, Person], route: Route) -> None:
    packet = Packet.objects.get(person=people["alice"])

    assert request_route(signed_in_client(people["bob"]), route.url(packet.pk)) == 404
    assert not AuditEvent.objects.exists()

    assert request_route(signed_in_client(people["alice"]), route.url(packet.pk)) in {200, 302}
    assert list(AuditEvent.objects.values_list("actor_label", "object_type", "object_id")) == [
        ("alice@example.com", "reviews.packet", str(packet.pk))
    ]


def test_superusers_count_as_hr_with_or_without_a_person() -> None:
    superuser = User.objects.create_superuser("root@example.com", "root@example.com", None)
    employee = make_person(email="e@example.com")
    hr = make_person(email="hr@example.com", role=Person.Role.HR)

    assert viewer_get(user=superuser).hr
    assert not viewer_get(user=employee.user).hr
    assert viewer_get(user=hr.user).hr
    assert viewer_get(user=None) == Viewer(person=None, hr=False, reports=frozenset())


def test_the_admin_shows_a_packet_bookkeeping_not_its_content(people: dict[str, Person]) -> None:
    packet = Packet.objects.get(person=people["alice"])
    client = Client()
    client.force_login(User.objects.create_superuser("root@example.com", "root@example.com", None))

    page = client.get(f"/admin/reviews/packet/{packet.pk}/change/")

    assert page.status_code == 200
    assert packet.sha256.encode() in page.content
    assert packet.facts["schema"].encode() not in page.content
    assert packet.pdf.name.encode() not in page.content

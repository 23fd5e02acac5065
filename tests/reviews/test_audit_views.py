"""HR's audit log: filters by person, actor, action and dates on the server, paginates, exports CSV; read-only."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from reviews.models import AuditEvent, Person
from reviews.services.audit import audit_record
from tests.factories import make_person, signed_in_client

pytestmark = pytest.mark.django_db


@pytest.fixture
def hr() -> Client:
    return signed_in_client(make_person(name="Harriet", email="hr@example.com", role=Person.Role.HR))


@pytest.fixture
def people() -> dict[str, Person]:
    return {
        "alice": make_person(name="Alice Able", email="alice@example.com"),
        "bob": make_person(name="Bob Baker", email="bob@example.com"),
    }


def rows(client: Client, query: str) -> list[dict[str, str]]:
    response = client.get(f"/audit/events.csv?{query}")
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode()  # type: ignore[attr-defined]  # streamed CSV
    return list(csv.DictReader(io.StringIO(text)))


def test_filters_by_person_actor_and_action(hr: Client, people: dict[str, Person]) -> None:
    alice, bob = people["alice"], people["bob"]
    audit_record(actor=alice.user, action="login.demo", target=alice)
    audit_record(actor=bob.user, action="login.demo", target=bob)
    audit_record(actor=bob.user, action="packet.view", target=alice)

    assert [(row["actor"], row["action"]) for row in rows(hr, "person=Alice")] == [
        ("bob@example.com", "packet.view"),
        ("alice@example.com", "login.demo"),
    ]
    assert [row["action"] for row in rows(hr, "actor=bob")] == ["packet.view", "login.demo"]
    assert [row["actor"] for row in rows(hr, "action=packet.")] == ["bob@example.com"]


def test_filters_by_date_with_both_days_included(hr: Client, people: dict[str, Person]) -> None:
    event = audit_record(actor=people["alice"].user, action="login.demo", target=people["alice"])
    today = timezone.localdate(event.at)

    assert len(rows(hr, f"since={today}&until={today}")) == 1
    assert rows(hr, f"since={today + timedelta(days=1)}") == []
    assert rows(hr, f"until={today - timedelta(days=1)}") == []


def test_until_before_since_is_a_400_naming_both(hr: Client) -> None:
    response = hr.get("/audit/?since=2026-02-01&until=2026-01-01")

    assert response.status_code == 400
    assert "(2026-01-01) is before" in response.content.decode()


def test_csv_keeps_formulas_as_text_and_its_own_export_is_audited(hr: Client, people: dict[str, Person]) -> None:
    audit_record(actor=None, action="=HYPERLINK(1)", target=people["alice"])

    exported = rows(hr, "")

    assert exported[0]["action"] == "'=HYPERLINK(1)"
    assert AuditEvent.objects.filter(action="audit.export", actor_label="hr@example.com").count() == 1


def test_list_pages_fifty_events_with_the_same_queries_for_more_events(hr: Client, people: dict[str, Person]) -> None:
    def queries(url: str) -> int:
        with CaptureQueriesContext(connection) as captured:
            assert hr.get(url).status_code == 200
        return len(captured)

    audit_record(actor=people["alice"].user, action="login.demo", target=people["alice"])
    few = queries("/audit/?person=alice")
    for _ in range(120):
        audit_record(actor=people["bob"].user, action="packet.view", target=people["alice"])

    page = hr.get("/audit/?person=alice&page=3").content.decode()
    assert "Page 3 of 3 (121 in all)" in page
    assert queries("/audit/?person=alice") == few


def test_employees_get_403_and_nobody_can_change_the_log_from_it(people: dict[str, Person]) -> None:
    employee = signed_in_client(people["alice"])
    assert employee.get("/audit/").status_code == 403
    assert employee.get("/audit/events.csv").status_code == 403
    assert employee.get("/api/audit-events/").status_code == 403


def test_the_api_lists_filtered_events_newest_first_a_page_at_a_time(hr: Client, people: dict[str, Person]) -> None:
    for _ in range(55):
        audit_record(actor=people["bob"].user, action="packet.view", target=people["alice"])
    audit_record(actor=people["alice"].user, action="login.demo", target=people["alice"])

    first = hr.get("/api/audit-events/?person=alice").json()
    by_action = hr.get("/api/audit-events/?action=login").json()
    bad = hr.get("/api/audit-events/?since=2026-02-01&until=2026-01-01")

    assert first["count"] == 56
    assert len(first["results"]) == 50
    assert first["results"][0]["action"] == "login.demo"
    assert "page=2" in first["next"]
    assert [event["actor"] for event in by_action["results"]] == ["alice@example.com"]
    assert bad.status_code == 400
    assert "is before since" in bad.content.decode()
    assert hr.post("/api/audit-events/").status_code == 405

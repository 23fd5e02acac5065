"""The cycle API for HR: read and edit one cycle, its status board; the same rules and messages as the pages."""

from __future__ import annotations

from datetime import date

import pytest
from django.test import Client

from reviews.models import Person, ReviewCycle
from tests.factories import make_cycle, make_person, signed_in_client

pytestmark = pytest.mark.django_db


@pytest.fixture
def hr() -> Client:
    return signed_in_client(make_person(name="Harriet", email="hr@example.com", role=Person.Role.HR, team="People"))


def test_hr_edits_a_cycle_and_employees_only_read_it(hr: Client) -> None:
    cycle = make_cycle(name="2026-H1")
    employee = signed_in_client(make_person(name="Dev"))
    change = {"name": "2026 first half", "start": "2026-01-01", "end": "2026-06-30", "release_date": "2026-07-10"}

    assert employee.put(f"/api/cycles/{cycle.pk}/", change, content_type="application/json").status_code == 403
    assert employee.get(f"/api/cycles/{cycle.pk}/").json()["name"] == "2026-H1"
    edited = hr.put(f"/api/cycles/{cycle.pk}/", change, content_type="application/json")

    assert edited.status_code == 200
    assert edited.json()["release_date"] == "2026-07-10"
    cycle.refresh_from_db()
    assert (cycle.name, cycle.release_date) == ("2026 first half", date(2026, 7, 10))


def test_editing_a_closed_cycle_is_a_400_with_the_reason(hr: Client) -> None:
    cycle = make_cycle(name="2025-H2", state=ReviewCycle.State.CLOSED)
    change = {"name": "2025-H2", "start": "2025-07-01", "end": "2025-12-31"}

    response = hr.put(f"/api/cycles/{cycle.pk}/", change, content_type="application/json")

    assert response.status_code == 400
    assert "a closed cycle is read-only" in response.content.decode()


def test_board_leaves_out_small_teams_and_then_the_total(hr: Client) -> None:
    cycle = make_cycle(name="2026-H1")
    for index in range(5):
        make_person(name=f"Pay {index}", team="Payments")

    board = hr.get(f"/api/cycles/{cycle.pk}/board/").json()

    assert [row["team"] for row in board["rows"]] == ["Payments"]
    assert board["rows"][0]["no_packet"] == 5
    assert board["total"] is None
    assert (board["teams_hidden"], board["people_hidden"]) == (1, 1)

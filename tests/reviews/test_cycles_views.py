"""HR's cycle pages: list (filtered, paginated on the server), create and edit with clear 400s, the status board,
each answered with a bounded number of queries however many rows there are."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from reviews.models import AuditEvent, Correction, EvidenceRun, Packet, PacketRelease, Person, ReviewCycle
from tests.factories import make_cycle, make_person, signed_in_client

pytestmark = pytest.mark.django_db


@pytest.fixture
def hr_person() -> Person:
    return make_person(name="Harriet", email="hr@example.com", role=Person.Role.HR, team="People")


@pytest.fixture
def hr(hr_person: Person) -> Client:
    return signed_in_client(hr_person)


def queries_for(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_list_filters_by_name_and_state_on_the_server(hr: Client) -> None:
    make_cycle(name="2025-H2", start=date(2025, 7, 1), end=date(2025, 12, 31), state=ReviewCycle.State.DRAFT)
    make_cycle(name="2026-H1", state=ReviewCycle.State.OPEN)

    by_name = hr.get("/cycles/?q=2025").content.decode()
    by_state = hr.get("/cycles/?state=open").content.decode()

    assert "2025-H2" in by_name
    assert "2026-H1" not in by_name
    assert "2026-H1" in by_state
    assert "2025-H2" not in by_state


def test_list_paginates_fifty_to_a_page(hr: Client) -> None:
    for index in range(51):
        make_cycle(name=f"Cycle {index:02d}")

    first = hr.get("/cycles/").content.decode()
    second = hr.get("/cycles/?page=2").content.decode()

    assert "Page 1 of 2 (51 in all)" in first
    assert len(re.findall(r'href="/cycles/\d+/"', first)) == 50
    assert len(re.findall(r'href="/cycles/\d+/"', second)) == 1


def test_create_makes_a_draft_and_an_end_before_the_start_is_a_400_naming_it(hr: Client) -> None:
    bad = hr.post("/cycles/new/", {"name": "2026-H2", "start": "2026-12-31", "end": "2026-07-01"})
    good = hr.post("/cycles/new/", {"name": "2026-H2", "start": "2026-07-01", "end": "2026-12-31"})

    assert bad.status_code == 400
    assert "the end 2026-07-01 is before the start 2026-12-31" in bad.content.decode()
    cycle = ReviewCycle.objects.get(name="2026-H2")
    assert good["Location"] == f"/cycles/{cycle.pk}/"
    assert cycle.state == ReviewCycle.State.DRAFT


def test_create_with_a_missing_date_is_a_400_naming_the_field(hr: Client) -> None:
    response = hr.post("/cycles/new/", {"name": "2026-H2", "start": "2026-07-01", "end": "not a date"})

    assert response.status_code == 400
    assert "Enter a valid date." in response.content.decode()
    assert not ReviewCycle.objects.exists()


def test_edit_changes_period_and_release_date_and_is_audited(hr: Client) -> None:
    cycle = make_cycle(name="2026-H1")

    response = hr.post(
        f"/cycles/{cycle.pk}/edit/",
        {"name": "2026-H1", "start": "2026-01-01", "end": "2026-06-30", "release_date": "2026-07-15"},
    )

    cycle.refresh_from_db()
    assert response.status_code == 302
    assert cycle.release_date == date(2026, 7, 15)
    event = AuditEvent.objects.get(action="cycle.update")
    assert event.detail["to"]["release_date"] == "2026-07-15"
    assert event.detail["from"]["release_date"] == "None"


def test_a_closed_cycle_cannot_be_edited(hr: Client) -> None:
    cycle = make_cycle(name="2025-H2", state=ReviewCycle.State.CLOSED)

    response = hr.post(f"/cycles/{cycle.pk}/edit/", {"name": "Renamed", "start": "2025-07-01", "end": "2025-12-31"})

    assert response.status_code == 400
    assert "a closed cycle is read-only" in response.content.decode()
    cycle.refresh_from_db()
    assert cycle.name == "2025-H2"


def test_a_taken_name_is_refused_on_edit(hr: Client) -> None:
    make_cycle(name="2025-H2")
    cycle = make_cycle(name="2026-H1")

    response = hr.post(f"/cycles/{cycle.pk}/edit/", {"name": "2025-h2", "start": "2026-01-01", "end": "2026-06-30"})

    assert response.status_code == 400
    assert "A cycle named &#x27;2025-H2&#x27; already exists" in response.content.decode()


def packets_for(people: list[Person], cycle: ReviewCycle, *, released: bool, versions: int = 1) -> None:
    run = EvidenceRun.objects.create(cycle=cycle, total=len(people), status=EvidenceRun.Status.DONE)
    for person in people:
        for version in range(1, versions + 1):
            packet = Packet.objects.create(
                run=run if version == 1 else EvidenceRun.objects.create(cycle=cycle, status=EvidenceRun.Status.DONE),
                cycle=cycle,
                person=person,
                version=version,
                status=Packet.Status.DONE,
            )
            if released and version == 1:
                PacketRelease.objects.create(person=person, cycle=cycle, packet=packet, released_at=cycle.created_at)


def test_status_board_counts_states_per_team_and_hides_small_teams_and_the_total(hr: Client) -> None:
    cycle = make_cycle(name="2026-H1")
    payments = [make_person(name=f"Pay {index}", team="Payments") for index in range(6)]
    search = [make_person(name=f"Search {index}", team="Search") for index in range(2)]
    packets_for(payments[:2], cycle, released=False)
    packets_for(payments[2:4], cycle, released=True)
    packets_for(payments[4:5], cycle, released=True, versions=2)
    packets_for(search, cycle, released=True)
    Correction.objects.create(person=payments[0], cycle=cycle, item_key="r 1", ai_assisted=False, reason="mine")

    page = hr.get(f"/cycles/{cycle.pk}/board/").content.decode()

    row = page.split("<td>Payments</td>")[1].split("</tr>")[0]
    cells = [cell.split(">")[1] for cell in row.split("</td>") if ">" in cell]
    assert cells == ["6", "1", "2", "2", "1", "1"]
    assert "Search" not in page
    assert "Whole cycle" not in page  # it would give Search's counts (and HR's) by subtraction
    assert "2 teams (3 people) not shown." in page


def test_status_board_shows_the_total_when_no_team_is_hidden(hr: Client, hr_person: Person) -> None:
    cycle = make_cycle(name="2026-H1")
    Person.objects.filter(pk=hr_person.pk).update(team="Payments")
    for index in range(5):
        make_person(name=f"Pay {index}", team="Payments")

    page = hr.get(f"/cycles/{cycle.pk}/board/").content.decode()

    assert "Whole cycle" in page
    assert "people) not shown" not in page


@pytest.mark.parametrize(
    "url",
    [
        lambda cycle: "/cycles/",
        lambda cycle: f"/cycles/{cycle.pk}/",
        lambda cycle: f"/cycles/{cycle.pk}/board/",
        lambda cycle: f"/cycles/{cycle.pk}/edit/",
    ],
    ids=["list", "detail", "board", "edit"],
)
def test_each_cycle_page_costs_the_same_queries_for_ten_times_the_rows(
    hr: Client, url: Callable[[ReviewCycle], str]
) -> None:
    cycle = make_cycle(name="2026-H1")
    make_cycle(name="2025-H2")
    few = [make_person(name=f"Few {index}", team=f"T{index % 2}") for index in range(10)]
    packets_for(few, cycle, released=True)
    small = queries_for(hr, url(cycle))

    for index in range(60):
        make_cycle(name=f"Old {index:02d}", start=date(2020, 1, 1), end=date(2020, 6, 30))
    many = [make_person(name=f"Many {index}", team=f"T{index % 7}") for index in range(30)]
    packets_for(many, cycle, released=False, versions=2)

    assert queries_for(hr, url(cycle)) == small


def test_status_board_pages_fifty_teams_and_filters_by_team_name(hr: Client) -> None:
    cycle = make_cycle(name="2026-H1")
    Person.objects.bulk_create(
        Person(name=f"P {team} {index}", email=f"p{team}-{index}@example.com", team=f"Team {team:02d}")
        for team in range(55)
        for index in range(5)
    )

    first = hr.get(f"/cycles/{cycle.pk}/board/").content.decode()
    second = hr.get(f"/cycles/{cycle.pk}/board/?page=2").content.decode()
    filtered = hr.get(f"/cycles/{cycle.pk}/board/?team=team 3").content.decode()
    api = hr.get(f"/api/cycles/{cycle.pk}/board/?page=2").json()

    assert first.count("<td>Team ") == 50
    assert re.findall(r"<td>(Team \d+)</td>", second) == [f"Team {team}" for team in range(50, 55)]
    assert re.findall(r"<td>(Team \d+)</td>", filtered) == [f"Team {team}" for team in range(30, 40)]
    assert (api["count"], api["page"], api["pages"], len(api["rows"])) == (55, 2, 2, 5)

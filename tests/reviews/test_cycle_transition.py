"""cycle_transition: draft → open → calibration → closed, one step at a time, audited."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client

from reviews.errors import ApplicationError
from reviews.models import AuditEvent, Person, ReviewCycle
from reviews.services.cycles import cycle_transition
from tests.factories import make_cycle, make_person

pytestmark = pytest.mark.django_db

State = ReviewCycle.State


def test_a_cycle_moves_draft_open_calibration_closed_and_each_move_is_audited() -> None:
    cycle = make_cycle(state=State.DRAFT)

    for state in (State.OPEN, State.CALIBRATION, State.CLOSED):
        assert cycle_transition(cycle=cycle, to=state).state == state

    assert ReviewCycle.objects.get(pk=cycle.pk).state == State.CLOSED
    moves = AuditEvent.objects.filter(action="cycle.transition", object_id=str(cycle.pk)).order_by("pk")
    assert [(event.detail["from"], event.detail["to"]) for event in moves] == [
        ("draft", "open"),
        ("open", "calibration"),
        ("calibration", "closed"),
    ]


@pytest.mark.parametrize(
    ("start", "to", "message"),
    [
        (State.DRAFT, State.CALIBRATION, "is draft: it can only move to open, not to calibration"),
        (State.OPEN, State.DRAFT, "is open: it can only move to calibration, not to draft"),
        (State.CALIBRATION, State.OPEN, "is calibration: it can only move to closed, not to open"),
        (State.CLOSED, State.OPEN, "is closed: a closed cycle is read-only, not to open"),
        (State.OPEN, State.OPEN, "is open: it can only move to calibration, not to open"),
    ],
)
def test_a_step_cannot_be_skipped_repeated_or_undone(start: State, to: State, message: str) -> None:
    cycle = make_cycle(state=start)

    with pytest.raises(ApplicationError, match=message):
        cycle_transition(cycle=cycle, to=to)

    assert ReviewCycle.objects.get(pk=cycle.pk).state == start
    assert not AuditEvent.objects.filter(action="cycle.transition").exists()


def test_a_stale_object_does_not_move_a_cycle_someone_else_moved() -> None:
    cycle = make_cycle(state=State.DRAFT)
    stale = ReviewCycle.objects.get(pk=cycle.pk)
    cycle_transition(cycle=cycle, to=State.OPEN)

    with pytest.raises(ApplicationError, match="is open: it can only move to calibration, not to open"):
        cycle_transition(cycle=stale, to=State.OPEN)


def test_the_command_moves_a_cycle_and_prints_a_refusal_as_one_line() -> None:
    make_cycle(name="2026-H1", state=State.DRAFT)
    out = io.StringIO()

    call_command("transition_cycle", "2026-H1", "open", stdout=out)

    assert "Cycle '2026-H1' is now open." in out.getvalue()
    with pytest.raises(CommandError, match="is open: it can only move to calibration, not to closed"):
        call_command("transition_cycle", "2026-H1", "closed")


def test_hr_opens_a_cycle_from_its_page_and_an_employee_may_not() -> None:
    cycle = make_cycle(state=State.DRAFT)
    hr, employee = make_person(email="hr@example.com", role=Person.Role.HR), make_person()
    assert hr.user is not None
    assert employee.user is not None
    as_hr, as_employee = Client(), Client()
    as_hr.force_login(hr.user)
    as_employee.force_login(employee.user)

    assert "Open the cycle" in as_hr.get(f"/cycles/{cycle.pk}/").content.decode()
    assert as_employee.post(f"/cycles/{cycle.pk}/transition/", {"to": "open"}).status_code == 403
    moved = as_hr.post(f"/cycles/{cycle.pk}/transition/", {"to": "open"}, follow=True)

    assert ReviewCycle.objects.get(pk=cycle.pk).state == State.OPEN
    assert "Move to calibration" in moved.content.decode()
    refused = as_hr.post(f"/cycles/{cycle.pk}/transition/", {"to": "closed"}, follow=True)
    assert "is open: it can only move to calibration, not to closed" in refused.content.decode()
    assert ReviewCycle.objects.get(pk=cycle.pk).state == State.OPEN

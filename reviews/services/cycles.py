"""Review cycles: create and edit one over a period, move it through draft → open → calibration → closed, and the
guards every write that belongs to a cycle passes through (runs, new packet versions, corrections, notes)."""

from __future__ import annotations

from datetime import date
from zoneinfo import ZoneInfo

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone as django_timezone

from reviews.errors import ApplicationError
from reviews.models import ReviewCycle
from reviews.services.audit import audit_record

State = ReviewCycle.State
# The one order a cycle moves in. A closed cycle is the record of a finished review: it is never reopened.
NEXT_STATE = {State.DRAFT: State.OPEN, State.OPEN: State.CALIBRATION, State.CALIBRATION: State.CLOSED}


def cycle_create(
    *, name: str, start: date, end: date, release_date: date | None = None, timezone: str = "UTC"
) -> ReviewCycle:
    """A new cycle, in draft. Raises ApplicationError for a blank or taken name or dates out of order."""
    name = _cycle_fields_check(name=name, start=start, end=end, release_date=release_date)
    with transaction.atomic():
        _name_free_check(name=name)
        return ReviewCycle.objects.create(name=name, start=start, end=end, release_date=release_date, timezone=timezone)


def cycle_update(
    *,
    cycle: ReviewCycle,
    name: str,
    start: date,
    end: date,
    release_date: date | None,
    actor: User | None = None,
    ip_address: str | None = None,
) -> ReviewCycle:
    """Change a cycle's name, period and release date; audited as cycle.update with the fields before and after.

    Raises ApplicationError for a closed cycle (read-only), a blank or taken name, or dates out of order.
    """
    name = _cycle_fields_check(name=name, start=start, end=end, release_date=release_date)
    with transaction.atomic():
        locked = ReviewCycle.objects.select_for_update().get(pk=cycle.pk)
        if locked.state == ReviewCycle.State.CLOSED:
            raise ApplicationError(f"Cycle {locked.name!r} is closed: a closed cycle is read-only.")
        _name_free_check(name=name, cycle_id=locked.pk)
        fields = ("name", "start", "end", "release_date")
        before = {field: str(getattr(locked, field)) for field in fields}
        locked.name, locked.start, locked.end, locked.release_date = name, start, end, release_date
        locked.save(update_fields=list(fields))
        after = {field: str(getattr(locked, field)) for field in fields}
        audit_record(
            actor=actor,
            action="cycle.update",
            target=locked,
            ip_address=ip_address,
            detail={"from": before, "to": after},
        )
    return locked


def cycle_transition(
    *, cycle: ReviewCycle, to: ReviewCycle.State, actor: User | None = None, ip_address: str | None = None
) -> ReviewCycle:
    """Move the cycle one step along draft → open → calibration → closed, audited.

    Raises ApplicationError when `to` is not the cycle's next state (a step skipped, a step back, a closed
    cycle), naming both states. The move is a conditional UPDATE, so of two HR users moving the same cycle at once
    only one succeeds; the other is told the state it found.
    """
    current = _stored_state(cycle)
    expected = NEXT_STATE.get(current)
    if expected != to:
        follows = f"it can only move to {expected.label.lower()}" if expected else "a closed cycle is read-only"
        raise ApplicationError(
            f"Cycle {cycle.name!r} is {current.label.lower()}: {follows}, not to {State(to).label.lower()}."
        )
    with transaction.atomic():
        moved = ReviewCycle.objects.filter(pk=cycle.pk, state=current).update(state=to)
        if not moved:
            raise ApplicationError(f"Cycle {cycle.name!r} was moved by someone else meanwhile: reload it.")
        cycle.refresh_from_db()
        audit_record(
            actor=actor,
            action="cycle.transition",
            target=cycle,
            ip_address=ip_address,
            detail={"from": str(current), "to": str(to)},
        )
    return cycle


def cycle_run_check(*, cycle: ReviewCycle) -> None:
    """Refuse a packet run on a draft cycle, on a closed one (no new versions), or before the cycle's first day
    (in the cycle's time zone): such a run would only make empty packets. Raises ApplicationError with the reason."""
    if _stored_state(cycle) == State.DRAFT:
        raise ApplicationError(f"Cycle {cycle.name!r} is a draft: open it before running its packets.")
    cycle_change_check(cycle=cycle, change="packet versions")
    today = django_timezone.localdate(timezone=ZoneInfo(cycle.timezone))
    if today < cycle.start:
        raise ApplicationError(
            f"Cycle {cycle.name!r} starts on {cycle.start.isoformat()}: its packets can be run from that day "
            f"(today is {today.isoformat()} in {cycle.timezone})."
        )


def cycle_change_check(*, cycle: ReviewCycle, change: str) -> None:
    """Refuse a change to a closed cycle; `change` names what was refused ("corrections", "notes").

    Reads the state from the database, not from the (perhaps stale) object. Raises ApplicationError.
    """
    if _stored_state(cycle) == State.CLOSED:
        raise ApplicationError(f"Cycle {cycle.name!r} is closed and read-only: no new {change}.")


def _cycle_fields_check(*, name: str, start: date, end: date, release_date: date | None) -> str:
    """The name stripped; raises ApplicationError for a blank name or dates out of order."""
    name = name.strip()
    if not name:
        raise ApplicationError("A cycle needs a name.")
    if end < start:
        raise ApplicationError(f"Cycle {name!r}: the end {end.isoformat()} is before the start {start.isoformat()}.")
    if release_date is not None and release_date < start:
        raise ApplicationError(f"Cycle {name!r}: the release date {release_date.isoformat()} is before the start.")
    return name


def _name_free_check(*, name: str, cycle_id: int | None = None) -> None:
    clashes = ReviewCycle.objects.filter(name__iexact=name)
    if cycle_id is not None:
        clashes = clashes.exclude(pk=cycle_id)
    clash = clashes.first()
    if clash is not None:
        raise ApplicationError(
            f"A cycle named {clash.name!r} already exists ({clash.start.isoformat()} to {clash.end.isoformat()})."
        )


def _stored_state(cycle: ReviewCycle) -> ReviewCycle.State:
    return State(ReviewCycle.objects.filter(pk=cycle.pk).values_list("state", flat=True).get())

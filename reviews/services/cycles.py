"""cycle_create and cycle_update: a review cycle over a period, created and edited by HR."""

from __future__ import annotations

from datetime import date

from django.contrib.auth.models import User
from django.db import transaction

from reviews.errors import ApplicationError
from reviews.models import ReviewCycle
from reviews.services.audit import audit_record


def cycle_create(
    *, name: str, start: date, end: date, release_date: date | None = None, timezone: str = "UTC"
) -> ReviewCycle:
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

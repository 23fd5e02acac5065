"""cycle_create: open a review cycle over a period."""

from __future__ import annotations

from datetime import date

from django.db import transaction

from reviews.errors import ApplicationError
from reviews.models import ReviewCycle


def cycle_create(
    *, name: str, start: date, end: date, release_date: date | None = None, timezone: str = "UTC"
) -> ReviewCycle:
    name = name.strip()
    if not name:
        raise ApplicationError("A cycle needs a name.")
    if end < start:
        raise ApplicationError(f"Cycle {name!r}: the end {end.isoformat()} is before the start {start.isoformat()}.")
    if release_date is not None and release_date < start:
        raise ApplicationError(f"Cycle {name!r}: the release date {release_date.isoformat()} is before the start.")
    with transaction.atomic():
        clash = ReviewCycle.objects.filter(name__iexact=name).first()
        if clash is not None:
            raise ApplicationError(
                f"A cycle named {clash.name!r} already exists ({clash.start.isoformat()} to {clash.end.isoformat()})."
            )
        return ReviewCycle.objects.create(name=name, start=start, end=end, release_date=release_date, timezone=timezone)

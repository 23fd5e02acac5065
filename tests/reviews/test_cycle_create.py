from __future__ import annotations

from datetime import date

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from reviews.errors import ApplicationError
from reviews.models import ReviewCycle
from reviews.services.cycles import cycle_create

pytestmark = pytest.mark.django_db


def test_command_creates_a_draft_cycle() -> None:
    call_command("create_cycle", "2026-H1", "--start", "2026-01-01", "--end", "2026-06-30")
    cycle = ReviewCycle.objects.get()
    assert (cycle.name, cycle.start, cycle.end, cycle.state) == (
        "2026-H1",
        date(2026, 1, 1),
        date(2026, 6, 30),
        "draft",
    )


def test_end_before_start_is_refused() -> None:
    with pytest.raises(ApplicationError, match="the end 2026-01-01 is before the start 2026-06-30"):
        cycle_create(name="Backwards", start=date(2026, 6, 30), end=date(2026, 1, 1))
    assert not ReviewCycle.objects.exists()


def test_a_name_already_taken_is_refused_whatever_its_case() -> None:
    cycle_create(name="2026-H1", start=date(2026, 1, 1), end=date(2026, 6, 30))
    with pytest.raises(CommandError, match="A cycle named '2026-H1' already exists"):
        call_command("create_cycle", "2026-h1", "--start", "2026-02-01", "--end", "2026-03-01")
    assert ReviewCycle.objects.count() == 1


def test_malformed_date_is_refused_by_the_command() -> None:
    with pytest.raises(CommandError, match="not a date"):
        call_command("create_cycle", "X", "--start", "2026-13-01", "--end", "2026-12-31")

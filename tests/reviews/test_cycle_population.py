"""A cycle's population: everyone employed for at least one day of it, one definition for packets and facts."""

from __future__ import annotations

from datetime import date

import pytest

from evidence.services.evidence_build import population_ids
from reviews.models import Person
from reviews.selectors import cycle_population
from tests.factories import make_cycle, make_person

pytestmark = pytest.mark.django_db
D = date


def test_everyone_employed_for_at_least_one_day_of_the_cycle_is_in_it() -> None:
    cycle = make_cycle(start=D(2026, 1, 1), end=D(2026, 6, 30))
    inside = {
        make_person(email="no-dates@example.com"),
        make_person(email="left-on-the-first-day@example.com", employed_to=D(2026, 1, 1)),
        make_person(email="joined-on-the-last-day@example.com", employed_from=D(2026, 6, 30)),
        make_person(email="all-along@example.com", employed_from=D(2025, 1, 1), employed_to=D(2027, 1, 1)),
    }
    make_person(email="left-the-day-before@example.com", employed_to=D(2025, 12, 31))
    make_person(email="joined-the-day-after@example.com", employed_from=D(2026, 7, 1))

    assert set(Person.objects.employed_during(start=cycle.start, end=cycle.end)) == inside
    assert set(cycle_population(cycle=cycle)) == inside
    assert set(population_ids(cycle=cycle)) == {person.pk for person in inside}

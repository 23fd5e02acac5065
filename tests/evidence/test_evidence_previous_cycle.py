"""A person's own previous cycle is the second baseline: the same figures, computed over that cycle's days."""

from __future__ import annotations

from datetime import date

import pytest

from tests.evidence.scenarios.builders import at, commit, pull_request, usage_day
from tests.evidence.scenarios.checks import valid_facts
from tests.factories import make_cycle, make_person

pytestmark = pytest.mark.django_db

D = date


def test_previous_cycle_outcomes_are_the_same_persons_figures_in_that_cycle() -> None:
    make_cycle(name="2025-H1", start=D(2025, 1, 1), end=D(2025, 6, 30))
    make_cycle(name="2025-H2", start=D(2025, 7, 1), end=D(2025, 12, 31))
    cycle = make_cycle(name="2026-H1", start=D(2026, 1, 1), end=D(2026, 6, 30))
    person = make_person()
    old = commit(person, day=D(2025, 9, 1), additions=40, surviving=10)
    pull_request(person, number=1, opened=at(D(2025, 9, 1)), merged=at(D(2025, 9, 2)), commits=[old])
    usage_day(person, day=D(2025, 10, 6), input_uncached=1_000)
    commit(person, day=D(2025, 10, 6), additions=20, surviving=20)  # same-day AI use: AI-assisted then
    commit(person, day=D(2026, 2, 2), additions=5, surviving=5)

    facts = valid_facts(person, cycle)

    assert facts["cycle"]["previous"] == {"name": "2025-H2", "start": "2025-07-01", "end": "2025-12-31"}
    previous = facts["outcomes"]["previous_cycle"]
    assert previous is not None
    assert (previous["other"]["commits"], previous["other"]["prs_merged"], previous["other"]["survival_share"]) == (
        1,
        1,
        0.25,
    )
    assert (previous["ai_assisted"]["commits"], previous["ai_assisted"]["survival_share"]) == (1, 1.0)
    assert facts["outcomes"]["other"]["commits"] == 1  # this cycle's own figures are unaffected
    assert facts["usage"]["tokens"]["input_uncached"] == 0


def test_the_first_cycle_has_no_previous_cycle() -> None:
    cycle = make_cycle(name="2026-H1", start=D(2026, 1, 1), end=D(2026, 6, 30))
    facts = valid_facts(make_person(), cycle)
    assert (facts["cycle"]["previous"], facts["outcomes"]["previous_cycle"]) == (None, None)

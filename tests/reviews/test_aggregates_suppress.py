"""Complementary suppression: on random org charts, nothing hidden can be derived from the groups shown
(the oracle, independent of how aggregates_suppress decides, is tests/reviews/derivable.py)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reviews.errors import ApplicationError
from reviews.services.suppression import MIN_GROUP_SIZE, aggregates_suppress
from tests.reviews.derivable import indicator, small_sets_singled_out, span_of

Groups = dict[str, frozenset[int]]


@st.composite
def org_charts(draw: st.DrawFn) -> tuple[Groups, int]:
    """An organisation of departments of teams (sizes 1 to 9), sometimes with people in a department but no team,
    sometimes without the department level: the groups of the org report and the status board."""
    groups: Groups = {}
    next_person = 0

    def hire(count: int) -> frozenset[int]:
        nonlocal next_person
        people = frozenset(range(next_person, next_person + count))
        next_person += count
        return people

    with_departments = draw(st.booleans())
    for department in range(draw(st.integers(1, 4))):
        department_people: frozenset[int] = frozenset()
        for team in range(draw(st.integers(1, 5))):
            members = hire(draw(st.integers(1, 9)))
            groups[f"team {department}.{team}"] = members
            department_people |= members
        department_people |= hire(draw(st.integers(0, 3)) if with_departments else 0)
        if with_departments:
            groups[f"department {department}"] = department_people
    groups["organisation"] = frozenset(range(next_person))
    return groups, next_person


@settings(max_examples=600, deadline=None)
@given(org_charts())
def test_no_suppressed_group_or_small_set_is_derivable_from_the_groups_shown(chart: tuple[Groups, int]) -> None:
    groups, everyone = chart

    suppression = aggregates_suppress(groups=groups)

    shown = sorted(name for name in groups if suppression.shown(name))
    span = span_of(groups, shown, everyone)
    assert {name for name, people in groups.items() if len(people) < MIN_GROUP_SIZE} <= suppression.hidden
    for name in suppression.hidden:
        assert not span.contains(indicator(groups[name], everyone)), f"{name} follows from {shown}"
    assert small_sets_singled_out(groups, shown, everyone) == []
    assert suppression.people_hidden == len(frozenset().union(*(groups[name] for name in suppression.hidden)))
    # The total is never hidden to protect a team: it stays shown whenever it is large enough.
    assert suppression.shown("organisation") == (everyone >= MIN_GROUP_SIZE)


def test_two_small_teams_hidden_together_are_joined_by_the_next_smallest() -> None:
    groups = {
        "org": frozenset(range(15)),
        "Payments": frozenset(range(6)),
        "Data": frozenset(range(6, 13)),
        "Solo 1": frozenset({13}),
        "Solo 2": frozenset({14}),
    }

    suppression = aggregates_suppress(groups=groups)

    assert suppression.hidden == {"Solo 1", "Solo 2", "Payments"}
    assert suppression.too_small == {"Solo 1", "Solo 2"}
    assert suppression.people_hidden == 8


def test_a_department_that_is_exactly_its_teams_needs_no_complement() -> None:
    groups = {
        "org": frozenset(range(10)),
        "Dept": frozenset(range(10)),
        "A": frozenset(range(5)),
        "B": frozenset(range(5, 10)),
    }

    assert aggregates_suppress(groups=groups).hidden == frozenset()


def test_groups_that_overlap_without_nesting_are_refused_by_name() -> None:
    groups = {"Backend guild": frozenset(range(8)), "Payments": frozenset(range(4, 12))}

    with pytest.raises(ApplicationError, match="'Backend guild' and 'Payments' share people"):
        aggregates_suppress(groups=groups)

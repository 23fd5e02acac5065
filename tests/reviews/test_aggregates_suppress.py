"""Complementary suppression: on random org charts, nothing hidden can be derived from the groups shown.

The check is independent of how aggregates_suppress decides: every figure a table publishes is a sum over a
group's people, so what a reader can derive from the shown groups is exactly the linear span of their membership
vectors (subtraction across rows and totals, and any other combination). A hidden group's figure is derivable iff
its vector lies in that span; a small set of people is singled out iff its vector does. Both are checked exactly,
with rational Gaussian elimination.
"""

from __future__ import annotations

from fractions import Fraction
from itertools import combinations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reviews.errors import ApplicationError
from reviews.services.suppression import MIN_GROUP_SIZE, aggregates_suppress

Groups = dict[str, frozenset[int]]


class Span:
    """The span of 0/1 vectors over the rationals, kept in echelon form (pivot column -> row)."""

    def __init__(self, width: int) -> None:
        self.width = width
        self.rows: dict[int, list[Fraction]] = {}

    def reduce(self, vector: list[Fraction]) -> list[Fraction]:
        vector = list(vector)
        for pivot in sorted(self.rows):
            if vector[pivot]:
                factor, row = vector[pivot], self.rows[pivot]
                vector = [value - factor * other for value, other in zip(vector, row, strict=True)]
        return vector

    def add(self, vector: list[Fraction]) -> None:
        reduced = self.reduce(vector)
        pivot = next((index for index, value in enumerate(reduced) if value), None)
        if pivot is None:
            return
        row = [value / reduced[pivot] for value in reduced]
        for other_pivot, other in self.rows.items():
            if other[pivot]:
                self.rows[other_pivot] = [a - other[pivot] * b for a, b in zip(other, row, strict=True)]
        self.rows[pivot] = row

    def contains(self, vector: list[Fraction]) -> bool:
        return not any(self.reduce(vector))


def indicator(people: frozenset[int], everyone: int) -> list[Fraction]:
    return [Fraction(1 if person in people else 0) for person in range(everyone)]


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


def small_sets_singled_out(groups: Groups, shown: list[str], everyone: int) -> list[frozenset[int]]:
    """Every non-empty set of fewer than MIN_GROUP_SIZE people whose figure follows from the shown groups.

    Any derivable vector is constant on the atoms (people with the same memberships among shown groups), so only
    unions of atoms need checking, and only unions of fewer than MIN_GROUP_SIZE people.
    """
    span = Span(everyone)
    for name in shown:
        span.add(indicator(groups[name], everyone))
    atoms: dict[tuple[bool, ...], set[int]] = {}
    for person in range(everyone):
        atoms.setdefault(tuple(person in groups[name] for name in shown), set()).add(person)
    small_atoms = [frozenset(atom) for atom in atoms.values() if len(atom) < MIN_GROUP_SIZE]
    found = []
    for count in range(1, MIN_GROUP_SIZE):
        for chosen in combinations(small_atoms, count):
            union = frozenset().union(*chosen)
            if len(union) < MIN_GROUP_SIZE and span.contains(indicator(union, everyone)):
                found.append(union)
    return found


@settings(max_examples=600, deadline=None)
@given(org_charts())
def test_no_suppressed_group_or_small_set_is_derivable_from_the_groups_shown(chart: tuple[Groups, int]) -> None:
    groups, everyone = chart

    suppression = aggregates_suppress(groups=groups)

    shown = sorted(name for name in groups if suppression.shown(name))
    span = Span(everyone)
    for name in shown:
        span.add(indicator(groups[name], everyone))
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

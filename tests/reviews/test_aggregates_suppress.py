"""Complementary suppression: on random org charts, nothing hidden can be derived from the groups shown
(the oracle, independent of how aggregates_suppress decides, is tests/reviews/derivable.py)."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reviews.errors import ApplicationError
from reviews.services.suppression import MIN_GROUP_SIZE, Group, aggregates_suppress
from tests.reviews.derivable import indicator, small_sets_singled_out, span_of

Members = dict[str, frozenset[int]]


@dataclass
class OrgChart:
    """The groups as aggregates_suppress takes them, and each group's people, for the oracle."""

    groups: list[Group] = field(default_factory=list)
    members: Members = field(default_factory=dict)
    everyone: int = 0

    def add(self, name: str, people: frozenset[int], parent: str | None) -> None:
        self.groups.append(Group(name=name, people=len(people), parent=parent))
        self.members[name] = people


@st.composite
def org_charts(draw: st.DrawFn) -> OrgChart:
    """An organisation of departments of teams (sizes 1 to 9), sometimes with people in a department but no team,
    sometimes without the department level: the groups of the org report and the status board."""
    chart = OrgChart()

    def hire(count: int) -> frozenset[int]:
        people = frozenset(range(chart.everyone, chart.everyone + count))
        chart.everyone += count
        return people

    with_departments = draw(st.booleans())
    teams: list[tuple[str, frozenset[int], str]] = []
    for department in range(draw(st.integers(1, 4))):
        department_people: frozenset[int] = frozenset()
        parent = f"department {department}" if with_departments else "organisation"
        for team in range(draw(st.integers(1, 5))):
            members = hire(draw(st.integers(1, 9)))
            teams.append((f"team {department}.{team}", members, parent))
            department_people |= members
        if with_departments:
            department_people |= hire(draw(st.integers(0, 3)))
            chart.add(parent, department_people, "organisation")
    for name, members, parent in teams:
        chart.add(name, members, parent)
    chart.add("organisation", frozenset(range(chart.everyone)), None)
    return chart


@settings(max_examples=600, deadline=None)
@given(org_charts())
def test_no_suppressed_group_or_small_set_is_derivable_from_the_groups_shown(chart: OrgChart) -> None:
    groups, everyone = chart.members, chart.everyone

    suppression = aggregates_suppress(groups=chart.groups)

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
    teams = {"Payments": 6, "Data": 7, "Solo 1": 1, "Solo 2": 1}
    groups = [Group("org", 15), *(Group(name, people, "org") for name, people in teams.items())]

    suppression = aggregates_suppress(groups=groups)

    assert suppression.hidden == {"Solo 1", "Solo 2", "Payments"}
    assert suppression.too_small == {"Solo 1", "Solo 2"}
    assert suppression.people_hidden == 8


def test_a_department_that_is_exactly_its_teams_needs_no_complement() -> None:
    groups = [Group("org", 10), Group("Dept", 10, "org"), Group("A", 5, "Dept"), Group("B", 5, "Dept")]

    assert aggregates_suppress(groups=groups).hidden == frozenset()


@pytest.mark.parametrize(
    ("groups", "message"),
    [
        ([Group("org", 10), Group("A", 6, "org"), Group("B", 6, "org")], "'org' has 10 people, but the groups inside"),
        ([Group("org", 10), Group("A", 6, "Sales")], "'A' lies in 'Sales', which is not among the groups"),
        ([Group("A", 6, "B"), Group("B", 6, "A")], "Groups 'A', 'B' lie inside each other in a loop"),
        ([Group("org", 10), Group("org", 6)], "Two groups are named 'org'"),
    ],
)
def test_groups_that_cannot_be_an_org_chart_are_refused_by_name(groups: list[Group], message: str) -> None:
    with pytest.raises(ApplicationError, match=message):
        aggregates_suppress(groups=groups)

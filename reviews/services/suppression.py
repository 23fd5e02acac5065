"""aggregates_suppress: which groups of an aggregate table to hide so that no small group can be singled out.

Every aggregate tokenproof publishes (the org report, the status board, calibration groups) is a set of groups of
people with figures per group. A group under MIN_GROUP_SIZE people is hidden (primary suppression). Hiding it is
not enough when a larger group that contains it is shown: the larger group minus the groups shown inside it is
the hidden group, by subtraction. So more groups are hidden (complementary suppression, as statistical offices do
it: Hundepool et al., "Statistical Disclosure Control", Wiley 2012, chapter 4) until whatever can be derived by
subtraction covers MIN_GROUP_SIZE people or more.

The groups form a hierarchy (an org chart: the organisation, departments, teams): each names the group it lies
in, and groups inside the same group share nobody. Then every figure that can be derived from the shown groups is
a sum over *residuals*: a shown group minus the shown groups nearest inside it (they are disjoint). When every
residual is empty or has MIN_GROUP_SIZE people or more, no smaller set of people, and no hidden group, can be
derived from what is shown, across rows and totals.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from reviews.errors import ApplicationError

MIN_GROUP_SIZE = 5


@dataclass(frozen=True)
class Group:
    """One row of an aggregate: its name, how many people it covers, and the group it lies in (None for a total)."""

    name: str
    people: int
    parent: str | None = None


@dataclass(frozen=True)
class Suppression:
    """The groups to hide; the report says how many, without their figures."""

    hidden: frozenset[str]  # every group whose figures must not be shown
    too_small: frozenset[str]  # the groups under the minimum (the rest of `hidden` protects them)
    people_hidden: int  # people in at least one hidden group

    def shown(self, name: str) -> bool:
        return name not in self.hidden


def aggregates_suppress(*, groups: Iterable[Group], minimum: int = MIN_GROUP_SIZE) -> Suppression:
    """Decide which groups to hide. Takes counts, not people: a GROUP BY gives them.

    Groups under `minimum` people are hidden. Then, from the outermost group in, while a shown group's residual
    (its people minus those of the shown groups nearest inside it) is neither empty nor `minimum` people or
    more, the smallest of those inner groups is hidden too (by name among equals). The group being protected
    stays shown, so the total stays shown whenever it is large enough. Last, a group hidden on the way that turned
    out to be exactly the shown groups inside it is shown again. Time grows with the number of groups.

    Raises ApplicationError when two groups share a name, a group names a parent that is not among the groups,
    parents form a loop, or the groups inside a group hold more people than it does.
    """
    by_name: dict[str, Group] = {}
    for group in groups:
        if group.name in by_name:
            raise ApplicationError(
                f"Two groups are named {group.name!r}: every row of an aggregate needs its own name."
            )
        by_name[group.name] = group
    children: dict[str, list[str]] = {name: [] for name in by_name}
    for group in by_name.values():
        if group.parent is not None:
            if group.parent not in by_name:
                raise ApplicationError(f"Group {group.name!r} lies in {group.parent!r}, which is not among the groups.")
            children[group.parent].append(group.name)
    for name, inner in children.items():
        inside = sum(by_name[child].people for child in inner)
        if inside > by_name[name].people:
            raise ApplicationError(
                f"Group {name!r} has {by_name[name].people} people, but the groups inside it have {inside}."
            )
    outermost_first = _outermost_first(by_name=by_name, children=children)

    too_small = frozenset(name for name, group in by_name.items() if group.people < minimum)
    hidden = set(too_small)

    def people_in(names: list[str]) -> int:
        return sum(by_name[name].people for name in names)

    def shown_inside(name: str) -> list[str]:
        """The shown groups nearest inside `name`: its children, or theirs where a child is hidden."""
        found: list[str] = []
        for child in children[name]:
            found.extend([child] if child not in hidden else shown_inside(child))
        return found

    for name in outermost_first:
        if name in hidden:
            continue
        while True:
            inner = shown_inside(name)
            residual = by_name[name].people - people_in(inner)
            if residual == 0 or residual >= minimum:
                break
            hidden.add(min(inner, key=lambda group: (by_name[group].people, group)))
    for name in outermost_first:
        # A group hidden on the way that is exactly the shown groups inside it hides nothing (its figures are
        # their sums) and protects nobody (it added no one to any residual): it is shown again.
        if name in hidden and name not in too_small and by_name[name].people == people_in(shown_inside(name)):
            hidden.discard(name)
    # People in a hidden group are counted once: at the outermost hidden group that holds them.
    people_hidden = sum(
        by_name[name].people for name in hidden if not _has_hidden_ancestor(name, by_name=by_name, hidden=hidden)
    )
    return Suppression(hidden=frozenset(hidden), too_small=too_small, people_hidden=people_hidden)


def _outermost_first(*, by_name: dict[str, Group], children: dict[str, list[str]]) -> list[str]:
    order = [name for name, group in by_name.items() if group.parent is None]
    for name in order:  # grows while it is walked: breadth first from the totals
        order.extend(children[name])
    if len(order) != len(by_name):
        looped = sorted(set(by_name) - set(order))
        raise ApplicationError(f"Groups {', '.join(map(repr, looped))} lie inside each other in a loop.")
    return order


def _has_hidden_ancestor(name: str, *, by_name: dict[str, Group], hidden: set[str]) -> bool:
    parent = by_name[name].parent
    while parent is not None:
        if parent in hidden:
            return True
        parent = by_name[parent].parent
    return False

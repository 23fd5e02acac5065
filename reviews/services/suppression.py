"""aggregates_suppress: which groups of an aggregate table to hide so that no small group can be singled out.

Every aggregate tokenproof publishes (the org report, the status board, calibration groups) is a set of groups of
people with a figure per group. A group under MIN_GROUP_SIZE people is hidden (primary suppression). Hiding it is
not enough when a larger group that contains it is shown: the larger group minus the groups shown inside it is
the hidden group, by subtraction. So more groups are hidden (complementary suppression, as statistical offices do
it: Hundepool et al., "Statistical Disclosure Control", Wiley 2012, chapter 4) until whatever can be derived by
subtraction covers MIN_GROUP_SIZE people or more.

Groups must nest or be disjoint (an org chart: organisation, departments, teams). Then every figure that can be
derived from the shown groups is a sum over *residuals*: a shown group minus the shown groups nearest below it
(they are disjoint). When every residual is empty or has MIN_GROUP_SIZE people or more, no smaller set of people,
and no hidden group, can be derived from what is shown, across rows and totals.
"""

from __future__ import annotations

from collections.abc import Collection, Hashable, Mapping
from dataclasses import dataclass

from reviews.errors import ApplicationError

MIN_GROUP_SIZE = 5


@dataclass(frozen=True)
class Suppression:
    """The groups to hide; the report says how many, without their figures."""

    hidden: frozenset[str]  # every group whose figures must not be shown
    too_small: frozenset[str]  # the groups under the minimum (the rest of `hidden` protects them)
    people_hidden: int  # people in at least one hidden group

    def shown(self, name: str) -> bool:
        return name not in self.hidden


def aggregates_suppress(*, groups: Mapping[str, Collection[Hashable]], minimum: int = MIN_GROUP_SIZE) -> Suppression:
    """Decide which groups to hide. `groups` maps a group's name to its members (any hashable person key).

    Groups under `minimum` people are hidden; then, from the largest group down, the smallest groups shown just
    below a shown group are hidden until that group's residual (it minus the shown groups just below it) is empty
    or has `minimum` people or more. A shown group is never hidden to protect another, so the total stays shown
    whenever it is large enough. Raises ApplicationError naming two groups that share people without one
    containing the other: differences of overlapping groups single people out, and no table may publish both.
    """
    members = {name: frozenset(people) for name, people in groups.items()}
    size = {name: len(people) for name, people in members.items()}
    # Largest first, so a group comes after every group that contains it (an equal group by name).
    order = sorted(members, key=lambda name: (-size[name], name))
    children: dict[str | None, list[str]] = {}
    innermost: dict[Hashable, str] = {}
    for name in order:
        containing = {innermost.get(person) for person in members[name]}
        if len(containing) > 1:
            straddled = next(
                group for group in sorted(g for g in containing if g is not None) if not members[name] <= members[group]
            )
            raise ApplicationError(
                f"Groups {straddled!r} and {name!r} share people without one containing the other; "
                "an aggregate can publish only groups that nest or do not overlap."
            )
        children.setdefault(containing.pop() if containing else None, []).append(name)
        innermost.update(dict.fromkeys(members[name], name))

    too_small = frozenset(name for name in members if size[name] < minimum)
    hidden = set(too_small)

    def shown_below(name: str) -> list[str]:
        """The shown groups nearest below `name`: its children, or theirs where a child is hidden."""
        found: list[str] = []
        for child in children.get(name, []):
            found.extend([child] if child not in hidden else shown_below(child))
        return found

    for name in order:
        if name in hidden:
            continue
        while True:
            below = shown_below(name)
            residual = size[name] - sum(size[group] for group in below)
            if residual == 0 or residual >= minimum:
                break
            hidden.add(min(below, key=lambda group: (size[group], group)))
    people_hidden = len(frozenset().union(*(members[name] for name in hidden)))
    return Suppression(hidden=frozenset(hidden), too_small=too_small, people_hidden=people_hidden)

"""What a reader can derive from published aggregates, decided exactly: the tests' oracle for suppression.

Every figure an aggregate publishes is a sum over a group's people, so what can be derived from the shown groups
(by subtraction across rows and totals, or any other combination) is the linear span of their membership vectors.
A hidden group's figure is derivable iff its vector lies in that span; a small set of people is singled out iff
its vector does. Both are decided with rational Gaussian elimination, independently of how suppression decides.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from fractions import Fraction
from itertools import combinations

from reviews.services.suppression import MIN_GROUP_SIZE


class Span:
    """The span of vectors over the rationals, kept in reduced echelon form (pivot column -> row)."""

    def __init__(self) -> None:
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


def indicator(people: Collection[int], everyone: int) -> list[Fraction]:
    return [Fraction(1 if person in people else 0) for person in range(everyone)]


def span_of(groups: Mapping[str, frozenset[int]], shown: Collection[str], everyone: int) -> Span:
    """The span of the shown groups' membership vectors over people 0..everyone-1."""
    span = Span()
    for name in shown:
        span.add(indicator(groups[name], everyone))
    return span


def small_sets_singled_out(
    groups: Mapping[str, frozenset[int]], shown: Collection[str], everyone: int
) -> list[frozenset[int]]:
    """Every non-empty set of fewer than MIN_GROUP_SIZE people whose figure follows from the shown groups.

    Any derivable vector is constant on the atoms (people with the same memberships among shown groups), so only
    unions of atoms need checking, and only unions of fewer than MIN_GROUP_SIZE people.
    """
    span = span_of(groups, shown, everyone)
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

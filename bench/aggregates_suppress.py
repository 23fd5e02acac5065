"""Complementary suppression at company scale: milliseconds to decide what an aggregate of 85,000 people hides.

    .venv/bin/python bench/aggregates_suppress.py --people 85000 --repeats 5

A seeded org chart: the organisation, departments of 5 to 40 teams, teams of 1 to 15 people (about a quarter
under 5). Reports the median and slowest of the repeats, the groups hidden and the people in them. Pure Python,
no database: the function is given each group's head count and parent, as a GROUP BY gives them.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

from reviews.services.suppression import Group, aggregates_suppress  # noqa: E402


def org_chart(people: int, seed: int) -> list[Group]:
    rng = random.Random(seed)  # noqa: S311 -- seeded benchmark data, not secrets
    groups = [Group(name="organisation", people=people)]
    hired, department = 0, 0
    while hired < people:
        first = hired
        teams = []
        for team in range(rng.randint(5, 40)):
            size = min(rng.randint(1, 15), people - hired)
            if size == 0:
                break
            teams.append(Group(name=f"team {department}.{team}", people=size, parent=f"department {department}"))
            hired += size
        groups += [Group(name=f"department {department}", people=hired - first, parent="organisation"), *teams]
        department += 1
    return groups


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=85_000)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--seed", type=int, default=15)
    options = parser.parse_args()
    groups = org_chart(options.people, options.seed)
    timings = []
    for _ in range(options.repeats):
        started = time.perf_counter()
        suppression = aggregates_suppress(groups=groups)
        timings.append((time.perf_counter() - started) * 1000)
    print(
        f"{options.people:,} people, {len(groups):,} groups ({len(suppression.too_small):,} under 5): "
        f"{len(suppression.hidden):,} hidden, {suppression.people_hidden:,} people in them; "
        f"median {statistics.median(timings):.0f} ms, slowest {max(timings):.0f} ms over {options.repeats} runs"
    )


if __name__ == "__main__":
    main()

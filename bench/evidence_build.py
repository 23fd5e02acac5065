"""Benchmark the evidence engine: build time per person as their data grows, the query count per person, and a
whole cycle of N people built in chunks (in-process, one worker's worth of throughput).

    .venv/bin/python bench/evidence_build.py                       # SQLite under var/bench/
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/tp_engine_bench .venv/bin/python bench/evidence_build.py

The database is flushed first: never point it at a database you care about.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.pop("CELERY_BROKER_URL", None)  # tasks run in-process: this measures the engine, not the broker
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
if "DATABASE_URL" not in os.environ:
    (ROOT / "var" / "bench").mkdir(parents=True, exist_ok=True)
    os.environ["DATABASE_URL"] = f"sqlite:///{ROOT / 'var' / 'bench' / 'evidence_build.sqlite3'}"

import django  # noqa: E402  (Django is set up from the environment chosen above)

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from evidence.facts.build import person_facts_build  # noqa: E402
from evidence.models import (  # noqa: E402
    Commit,
    CommitAttribution,
    EvidenceFacts,
    PullRequest,
    Repository,
    SourceActor,
    UsageFact,
    UsageSession,
)
from evidence.tasks.facts import facts_build_start  # noqa: E402
from reviews.models import Person, ReviewCycle  # noqa: E402

START, END = date(2026, 1, 1), date(2026, 6, 30)
DAYS = (END - START).days + 1


def populate(*, people: int, commits_each: int, seed: int = 7, team_size: int = 8) -> list[Person]:
    """People with commits (half AI-attributed), one PR per two commits, usage on a third of the days, sessions."""
    rng = random.Random(seed)  # noqa: S311  (seeded synthetic data, not secrets)
    offset = Person.objects.count()
    made = Person.objects.bulk_create(
        Person(
            email=f"bench{offset + index}@example.com", name=f"Bench {offset + index}", team=f"T{index // team_size}"
        )
        for index in range(people)
    )
    repo, _created = Repository.objects.get_or_create(host="github", full_name="bench/monorepo")
    actors = SourceActor.objects.bulk_create(
        SourceActor(kind="email", provider="anthropic", value=person.email, owner="person", person=person)
        for person in made
    )
    commits: list[Commit] = []
    facts: list[UsageFact] = []
    sessions: list[UsageSession] = []
    for person, actor in zip(made, actors, strict=True):
        for index in range(commits_each):
            day = START + timedelta(days=rng.randrange(DAYS))
            moment = datetime(day.year, day.month, day.day, rng.randrange(8, 19), tzinfo=UTC)
            added = rng.randrange(5, 400)
            commits.append(
                Commit(
                    repository=repo,
                    sha=f"{person.pk:08x}{index:032x}",
                    author_name=person.name,
                    authored_at=moment,
                    committed_at=moment,
                    subject=f"change {index}",
                    additions=added,
                    deletions=rng.randrange(0, 200),
                    touches_tests=rng.random() < 0.3,
                    person=person,
                    lines_surviving=int(added * rng.uniform(0.3, 1.0)),
                    follow_up_fix_lines=rng.randrange(0, 30),
                )
            )
        for day_index in range(0, DAYS, 3):
            day = START + timedelta(days=day_index)
            tokens = rng.randrange(10_000, 2_000_000)
            facts.append(
                UsageFact(
                    source="claude-code-analytics",
                    actor=actor,
                    person=person,
                    day=day,
                    provider="anthropic",
                    tool="claude-code",
                    model="claude-sonnet-4-5",
                    input_uncached=tokens // 10,
                    cache_read=tokens // 2,
                    cache_write=tokens // 10,
                    output=tokens // 20,
                    requests=rng.randrange(5, 200),
                    cost_usd=Decimal(tokens) / Decimal(1_000_000),
                    cost_basis="reported",
                )
            )
            if day_index % 9 == 0:
                start = datetime(day.year, day.month, day.day, 9, tzinfo=UTC)
                sessions.append(
                    UsageSession(
                        source="claude-code-otel",
                        session_id=f"{person.pk}-{day_index}",
                        actor=actor,
                        person=person,
                        tool="claude-code",
                        started_at=start,
                        ended_at=start + timedelta(hours=rng.uniform(0.2, 4)),
                        edits_accepted=rng.randrange(0, 30),
                        tool_calls={
                            "Read": rng.randrange(0, 40),
                            "Edit": rng.randrange(0, 20),
                            "Bash": rng.randrange(0, 10),
                        },
                    )
                )
    Commit.objects.bulk_create(commits, batch_size=2000)
    UsageFact.objects.bulk_create(facts, batch_size=2000)
    UsageSession.objects.bulk_create(sessions, batch_size=2000)
    stored = list(Commit.objects.filter(person__in=made).order_by("person_id", "committed_at"))
    CommitAttribution.objects.bulk_create(
        (
            CommitAttribution(
                commit=item, rule_name="claude-coauthor", kind="coauthor_trailer", tool="claude-code", confidence=0.9
            )
            for item in stored[::2]
        ),
        batch_size=2000,
    )
    pulls, members = [], []
    for index in range(0, len(stored) - 1, 2):
        first, second = stored[index], stored[index + 1]
        if first.person_id != second.person_id:
            continue
        opened = first.committed_at
        pulls.append(
            PullRequest(
                repository=repo,
                number=index + 1 + offset * 10_000,
                title=f"pull {index}",
                author_login=f"user{first.person_id}",
                person_id=first.person_id,
                state="merged",
                created_at=opened,
                merged_at=opened + timedelta(hours=rng.uniform(1, 72)),
                additions=first.additions + second.additions,
                deletions=first.deletions + second.deletions,
            )
        )
        members.append((first, second))
    PullRequest.objects.bulk_create(pulls, batch_size=2000)
    through = PullRequest.commits.through
    through.objects.bulk_create(
        (
            through(pullrequest_id=pull.pk, commit_id=item.pk)
            for pull, pair in zip(pulls, members, strict=True)
            for item in pair
        ),
        batch_size=5000,
    )
    return made


def per_person(cycle: ReviewCycle, person: Person, repeats: int = 5) -> tuple[float, int]:
    timings = []
    for _ in range(repeats):
        started = time.perf_counter()
        person_facts_build(person=person, cycle=cycle)
        timings.append((time.perf_counter() - started) * 1000)
    with CaptureQueriesContext(connection) as captured:
        person_facts_build(person=person, cycle=cycle)
    return statistics.median(timings), len(captured.captured_queries)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--cycle-people", type=int, default=2000)
    parser.add_argument("--cycle-commits-each", type=int, default=20)
    parser.add_argument("--chunk-size", type=int, default=100)
    args = parser.parse_args()

    call_command("migrate", verbosity=0)
    call_command("flush", interactive=False, verbosity=0)
    ReviewCycle.objects.create(name="2025-H2", start=date(2025, 7, 1), end=date(2025, 12, 31))
    cycle = ReviewCycle.objects.create(name="2026-H1", start=START, end=END)
    print(f"database: {connection.vendor}")
    print("| commits per person | usage days | build ms (median of 5) | queries |")
    print("|---:|---:|---:|---:|")
    for commits_each in (10, 100, 1000, 5000):
        (person,) = populate(people=1, commits_each=commits_each, seed=commits_each)
        milliseconds, queries = per_person(cycle, person)
        print(f"| {commits_each} | {len(range(0, DAYS, 3))} | {milliseconds:.1f} | {queries} |")

    call_command("flush", interactive=False, verbosity=0)
    ReviewCycle.objects.create(name="2025-H2", start=date(2025, 7, 1), end=date(2025, 12, 31))
    cycle = ReviewCycle.objects.create(name="2026-H1", start=START, end=END)
    started = time.perf_counter()
    populate(people=args.cycle_people, commits_each=args.cycle_commits_each)
    populated = time.perf_counter() - started
    started = time.perf_counter()
    build = facts_build_start(cycle=cycle, chunk_size=args.chunk_size)
    elapsed = time.perf_counter() - started
    build.refresh_from_db()
    assert build.done == args.cycle_people, build
    assert EvidenceFacts.objects.filter(cycle=cycle).count() == args.cycle_people
    print(
        f"\ncycle of {args.cycle_people} people with {args.cycle_commits_each} commits each (data made in {populated:.1f} s): "
        f"built in {elapsed:.1f} s, {elapsed / args.cycle_people * 1000:.1f} ms per person, "
        f"{args.cycle_people / elapsed:.1f} people/s, status {build.status}"
    )


if __name__ == "__main__":
    main()

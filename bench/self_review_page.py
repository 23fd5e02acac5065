"""Benchmark the self-review workspace page: server time (median, p95) and queries for one person with N work items.

    .venv/bin/python bench/self_review_page.py                                      # SQLite under var/bench/
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/tp_pages_bench .venv/bin/python bench/self_review_page.py

The person has 667 commits and 333 pull requests (1,000 work items, half the commits AI-attributed), a finished and
released packet, a newer draft, a correction, five highlights and a narrative, so every part of the page renders.
Server time is Django's test client in-process: URL resolution, middleware, the view, the template; no network.
The database is flushed first: never point it at a database you care about.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.pop("CELERY_BROKER_URL", None)  # versions render in-process: this measures the page, not the broker
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
if "DATABASE_URL" not in os.environ:
    (ROOT / "var" / "bench").mkdir(parents=True, exist_ok=True)
    os.environ["DATABASE_URL"] = f"sqlite:///{ROOT / 'var' / 'bench' / 'self_review_page.sqlite3'}"

import django  # noqa: E402  (Django is set up from the environment chosen above)

django.setup()

from django.contrib.auth.models import User  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import reverse  # noqa: E402

from bench.evidence_build import END, START, populate  # noqa: E402
from reviews.models import Person, ReviewCycle  # noqa: E402
from reviews.self_review import self_review_get  # noqa: E402
from reviews.services.self_review import (  # noqa: E402
    HighlightInput,
    correction_set,
    highlights_set,
    narrative_set,
    packet_release,
)
from reviews.tasks import evidence_run_start, packet_version_start  # noqa: E402


def workspace_prepare(*, commits: int) -> tuple[Person, ReviewCycle]:
    """One person with `commits` commits (and a PR per two), a released v1, their own words, and a draft v2."""
    call_command("flush", "--no-input", verbosity=0)
    manager = Person.objects.create(email="bench-manager@example.com", name="Bench Manager")
    (person,) = populate(people=1, commits_each=commits)
    person.manager = manager
    person.user = User.objects.create_user(person.email, person.email)
    person.save()
    cycle = ReviewCycle.objects.create(name="Bench", start=START, end=END, state=ReviewCycle.State.OPEN)
    evidence_run_start(cycle=cycle)
    packet_release(person=person, cycle=cycle, user=person.user)
    items = self_review_get(person=person, cycle=cycle).items
    correction_set(
        person=person, cycle=cycle, item=items[0].key, ai_assisted=False, reason="Written by hand.", user=person.user
    )
    highlights_set(
        person=person,
        cycle=cycle,
        items=[
            HighlightInput(item=item.key, context="Context.", what_ai_did="Drafted it.", outcome="Merged.")
            for item in items[1:6]
        ],
        user=person.user,
    )
    narrative_set(person=person, cycle=cycle, text="A paragraph.\n\n" * 200, user=person.user)
    packet_version_start(person=person, cycle=cycle, user=person.user)
    return person, cycle


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--commits", type=int, default=667, help="667 commits and 333 PRs make 1,000 work items")
    parser.add_argument("--repeats", type=int, default=40)
    args = parser.parse_args()

    call_command("migrate", verbosity=0)
    person, cycle = workspace_prepare(commits=args.commits)
    client = Client()
    assert person.user is not None
    client.force_login(person.user)
    url = reverse("reviews:self-review", kwargs={"cycle_id": cycle.pk})
    client.get(url)  # warm: templates compiled, connection open
    timings = []
    for _ in range(args.repeats):
        started = time.perf_counter()
        response = client.get(url)
        timings.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    items = len(self_review_get(person=person, cycle=cycle).items)
    p95 = statistics.quantiles(timings, n=20)[18]
    print(
        f"{connection.vendor}: {items} work items, {args.repeats} requests: median {statistics.median(timings):.0f} ms,"
        f" p95 {p95:.0f} ms, {len(captured.captured_queries)} queries, {len(response.content) / 1024:.0f} KiB of HTML"
    )


if __name__ == "__main__":
    main()

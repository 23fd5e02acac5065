"""Server time and queries of HR's pages with a synthetic 85,000-person company on PostgreSQL.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/tp_hr_bench .venv/bin/python manage.py migrate
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/tp_hr_bench .venv/bin/python bench/hr_pages.py \\
        --people 85000 --audit-events 850000 --repeat 20

The company is bulk-created (people in teams of 8 under managers, one finished packet each in one cycle with a
third of them released and a tenth with a newer draft, a run and an export, audit events, unresolved usage
actors) and kept: a second call with the same sizes reuses it. Each page is requested `repeat` times in-process
through Django's test client, signed in as HR; the figures are the server's time for the whole request (view,
queries, template), median and p95, and the queries of one request.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

TEAM_SIZE = 8
BATCH = 5000


def company_build(*, people: int, audit_events: int) -> None:
    from django.contrib.auth.models import User
    from django.db import connection

    from evidence.models import SourceActor
    from reviews.models import AuditEvent, CycleExport, EvidenceRun, Packet, PacketRelease, Person, ReviewCycle

    if Person.objects.count() == people + 1 and AuditEvent.objects.count() >= audit_events:
        return
    print("building the company…", flush=True)
    tables = [model._meta.db_table for model in (AuditEvent, CycleExport, Packet, EvidenceRun, ReviewCycle)]
    tables += [model._meta.db_table for model in (SourceActor, Person, User)]
    with connection.cursor() as cursor:  # the bench's own database, rebuilt: the audit log refuses deletes
        cursor.execute(f"TRUNCATE {', '.join(tables)} CASCADE")
    hr_user = User.objects.create_user(username="hr@bench.example", email="hr@bench.example")
    Person.objects.create(name="Bench HR", email="hr@bench.example", role=Person.Role.HR, user=hr_user, team="People")
    managers = Person.objects.bulk_create(
        Person(name=f"Manager {index:05d}", email=f"manager{index}@bench.example", team=f"Team {index:05d}")
        for index in range(people // TEAM_SIZE)
    )
    rest = people - len(managers)
    for start in range(0, rest, BATCH):
        Person.objects.bulk_create(
            Person(
                name=f"Person {index:06d}",
                email=f"person{index}@bench.example",
                team=managers[index % len(managers)].team,
                manager=managers[index % len(managers)],
            )
            for index in range(start, min(start + BATCH, rest))
        )
    cycle = ReviewCycle.objects.create(
        name="Bench 2026-H1", start=date(2026, 1, 1), end=date(2026, 6, 30), state=ReviewCycle.State.OPEN
    )
    for index in range(40):
        ReviewCycle.objects.create(
            name=f"Old cycle {index:02d}",
            start=date(2000 + index // 2, 1 + 6 * (index % 2), 1),
            end=date(2000 + index // 2, 6 + 6 * (index % 2), 28),
        )
    run = EvidenceRun.objects.create(cycle=cycle, total=people, done=people, status=EvidenceRun.Status.DONE)
    rerun = EvidenceRun.objects.create(cycle=cycle, status=EvidenceRun.Status.DONE)
    CycleExport.objects.create(cycle=cycle, out_dir="/nonexistent", status=CycleExport.Status.DONE)
    released_at = datetime(2026, 7, 1, tzinfo=UTC)
    person_ids = list(Person.objects.exclude(role=Person.Role.HR).values_list("pk", flat=True).order_by("pk"))
    for start in range(0, len(person_ids), BATCH):
        chunk = person_ids[start : start + BATCH]
        Packet.objects.bulk_create(
            Packet(run=run, cycle=cycle, person_id=pk, version=1, status=Packet.Status.DONE) for pk in chunk
        )
        first_versions = Packet.objects.filter(run=run, person_id__in=[pk for pk in chunk if pk % 3 == 0])
        PacketRelease.objects.bulk_create(  # a third released their first version
            PacketRelease(person_id=person_id, cycle=cycle, packet_id=packet_id, released_at=released_at)
            for packet_id, person_id in first_versions.values_list("pk", "person_id")
        )
        Packet.objects.bulk_create(  # newer drafts since a release
            Packet(run=rerun, cycle=cycle, person_id=pk, version=2, status=Packet.Status.DONE)
            for pk in chunk
            if pk % 30 == 0
        )
    at = datetime(2026, 7, 1, tzinfo=UTC)
    actions = ("packet.view", "packet.download", "login.demo", "packet.release")
    for start in range(0, audit_events, BATCH):
        AuditEvent.objects.bulk_create(
            AuditEvent(
                actor=hr_user,
                actor_label=f"user{index % 5000}@bench.example",
                action=actions[index % 4],
                object_type="reviews.packet",
                object_id=str(index % people),
                at=at + timedelta(seconds=index),
            )
            for index in range(start, min(start + BATCH, audit_events))
        )
    SourceActor.objects.bulk_create(
        SourceActor(kind="email", provider="anthropic", value=f"ghost{index}@bench.example") for index in range(2000)
    )


class QueryCounter:
    """An execute wrapper (Django's database instrumentation) that counts the queries it sees."""

    def __init__(self) -> None:
        self.count = 0

    def __call__(self, execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any) -> Any:
        self.count += 1
        return execute(sql, params, many, context)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--people", type=int, default=85_000)
    parser.add_argument("--audit-events", type=int, default=850_000)
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()

    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import setup_test_environment

    from reviews.models import CycleExport, EvidenceRun, ReviewCycle

    setup_test_environment()
    company_build(people=args.people, audit_events=args.audit_events)
    from django.contrib.auth.models import User

    client = Client()
    client.force_login(User.objects.get(username="hr@bench.example"))
    cycle = ReviewCycle.objects.get(name="Bench 2026-H1")
    run, export = EvidenceRun.objects.filter(cycle=cycle).earliest("pk"), CycleExport.objects.get(cycle=cycle)
    pages = [
        "/cycles/",
        f"/cycles/{cycle.pk}/",
        f"/cycles/{cycle.pk}/board/",
        f"/runs/{run.pk}/progress/",
        f"/exports/{export.pk}/progress/",
        "/audit/",
        "/audit/?page=1000",
        "/audit/?action=packet.download",
        "/audit/?person=person004242",
        "/coverage/",
        "/api/audit-events/",
        f"/api/cycles/{cycle.pk}/board/",
    ]
    print(
        f"{args.people} people, {args.audit_events} audit events, {args.repeat} requests per page ({connection.vendor})"
    )
    print(f"{'page':42} {'median ms':>10} {'p95 ms':>8} {'queries':>8}")
    for url in pages:
        queries = QueryCounter()
        with connection.execute_wrapper(queries):
            status = client.get(url).status_code
        assert status == 200, (url, status)
        times = []
        for _ in range(args.repeat):
            started = time.perf_counter()
            client.get(url)
            times.append((time.perf_counter() - started) * 1000)
        times.sort()
        p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
        print(f"{url:42} {statistics.median(times):10.1f} {p95:8.1f} {queries.count:8d}", flush=True)


if __name__ == "__main__":
    main()

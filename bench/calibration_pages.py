"""Server time and queries of the manager's team page and calibration sheet in a company of 85,000 people.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/tp_calibration_bench \\
        .venv/bin/python bench/calibration_pages.py --people 85000 --requests 100

The company: one head over 1,700 managers of 49 people each, every one with a finished packet for the cycle
(typical sample facts, seeded per person, about 18 kB of JSON each); the benchmarked manager has 5 direct managers
with 10 reports each (55 reports). Among them a fifth have only a draft, a fifth a newer draft since their release,
the rest a released version. A calibration group holds the same 50 people. The database is built once (bulk_create)
and reused until --rebuild; point DATABASE_URL at a database kept for this.

Each page is requested through Django's test client in this process (the server's whole work: middleware, session,
the gate and its audit insert, queries, the template), after 5 unmeasured requests; the figures are wall-clock
milliseconds per request and the queries of one request.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from datetime import date
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

BENCH_CYCLE = "Bench calibration"
MANAGER_EMAIL = "bench-manager@example.com"
TEAM = 49
DISTINCT_FACTS = 200  # facts are seeded per person, cycled through this many seeds to keep the build short
BATCH = 2_000


def company_build(people: int) -> None:
    """Everyone, the org chart, one finished packet each, and the benchmarked manager's 55 reports."""
    from django.contrib.auth.models import User
    from django.db import connection
    from django.utils import timezone

    from reviews.models import CalibrationGroup, EvidenceRun, Packet, PacketRelease, Person, ReviewCycle
    from tests.reviews.facts_samples import typical_facts

    with connection.cursor() as cursor:  # a database kept for this bench: emptied whole, packets and groups too
        cursor.execute("TRUNCATE reviews_person, reviews_reviewcycle RESTART IDENTITY CASCADE")
    User.objects.filter(username=MANAGER_EMAIL).delete()
    head = Person.objects.create(email="bench-head@example.com", name="Bench Head", team="Leadership")
    manager = Person.objects.create(
        email=MANAGER_EMAIL,
        name="Bench Manager",
        team="Platform",
        manager=head,
        user=User.objects.create_user(MANAGER_EMAIL, MANAGER_EMAIL),
    )
    leads = Person.objects.bulk_create(
        Person(email=f"lead{index}@example.com", name=f"Lead {index}", team=f"Platform {index}", manager=manager)
        for index in range(5)
    )
    reports = Person.objects.bulk_create(
        Person(email=f"report{index:02d}@example.com", name=f"Report {index:02d}", team=f"Platform {index // 10}",
               manager=leads[index // 10])
        for index in range(50)
    )  # fmt: skip
    others = people - 2 - len(leads) - len(reports)
    managers = Person.objects.bulk_create(
        Person(email=f"m{index:04d}@example.com", name=f"Manager {index:04d}", team=f"Team {index:04d}", manager=head)
        for index in range(others // (TEAM + 1))
    )
    for start in range(0, others - len(managers), BATCH):
        Person.objects.bulk_create(
            Person(
                email=f"p{index:06d}@example.com",
                name=f"Person {index:06d}",
                team=f"Team {index // TEAM:04d}",
                manager=managers[(index // TEAM) % len(managers)],
            )
            for index in range(start, min(start + BATCH, others - len(managers)))
        )
    cycle = ReviewCycle.objects.create(name=BENCH_CYCLE, start=date(2026, 7, 1), end=date(2026, 12, 31))
    run = EvidenceRun.objects.create(cycle=cycle, status=EvidenceRun.Status.DONE)
    facts = [typical_facts(seed=seed) for seed in range(DISTINCT_FACTS)]
    now = timezone.now()
    ids = list(Person.objects.order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(ids), BATCH):
        Packet.objects.bulk_create(
            Packet(run=run, cycle=cycle, person_id=pk, version=1, status=Packet.Status.DONE,
                   facts=facts[pk % DISTINCT_FACTS], sha256=f"{pk:064x}", generated_at=now)
            for pk in ids[start : start + BATCH]
        )  # fmt: skip
    first_versions = Packet.objects.filter(run=run).exclude(person_id__in=[pk for pk in ids if pk % 5 == 0])
    PacketRelease.objects.bulk_create(  # four in five released their first version
        PacketRelease(person_id=person_id, cycle=cycle, packet_id=packet_id, released_at=now)
        for packet_id, person_id in first_versions.values_list("pk", "person_id")
    )
    second_run = EvidenceRun.objects.create(cycle=cycle, status=EvidenceRun.Status.DONE)
    Packet.objects.bulk_create(  # a newer draft since release for a fifth of the manager's reports
        Packet(run=second_run, cycle=cycle, person=person, version=2, status=Packet.Status.DONE,
               facts=facts[person.pk % DISTINCT_FACTS], sha256=f"{person.pk:063x}2", generated_at=now)
        for person in reports if person.pk % 5 == 1
    )  # fmt: skip
    EvidenceRun.objects.filter(pk=run.pk).update(total=len(ids), done=len(ids))
    group = CalibrationGroup.objects.create(cycle=cycle, name="Bench group")
    group.members.set(reports)
    group.managers.set([manager])


def measure(client: Any, url: str, requests: int) -> tuple[float, float, int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(5):
        assert client.get(url).status_code == 200, url
    timings = []
    for _ in range(requests):
        started = time.perf_counter()
        response = client.get(url)
        timings.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, url
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    timings.sort()
    return statistics.median(timings), timings[max(0, round(0.95 * len(timings)) - 1)], len(queries)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=85_000)
    parser.add_argument("--requests", type=int, default=100)
    parser.add_argument("--rebuild", action="store_true", help="drop and build the company again")
    args = parser.parse_args()

    import django

    django.setup()
    from django.db import connection
    from django.test import Client

    from reviews.models import CalibrationGroup, Packet, Person, ReviewCycle

    if connection.vendor != "postgresql":
        sys.exit("Point DATABASE_URL at a PostgreSQL database kept for this benchmark.")
    built = Person.objects.count()
    if args.rebuild or built != args.people or not ReviewCycle.objects.filter(name=BENCH_CYCLE).exists():
        started = time.perf_counter()
        company_build(args.people)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        print(f"built {Person.objects.count():,} people, {Packet.objects.count():,} packets "
              f"in {time.perf_counter() - started:.0f} s")  # fmt: skip
    cycle = ReviewCycle.objects.get(name=BENCH_CYCLE)
    group = CalibrationGroup.objects.get(cycle=cycle)
    manager = Person.objects.get(email=MANAGER_EMAIL)
    client = Client()
    assert manager.user is not None
    client.force_login(manager.user)
    pages = {
        "team page": f"/cycles/{cycle.pk}/team/",
        "team page, state=draft": f"/cycles/{cycle.pk}/team/?state=draft",
        "calibration sheet (reports)": f"/cycles/{cycle.pk}/calibration/",
        "calibration sheet (group)": f"/calibration-groups/{group.pk}/",
        "API team": f"/api/cycles/{cycle.pk}/team/",
        "API group sheet": f"/api/calibration-groups/{group.pk}/sheet/",
    }
    print(f"{Person.objects.count():,} people, {Packet.objects.count():,} packets; {args.requests} requests each")
    print(f"{'page':32} {'median ms':>10} {'p95 ms':>8} {'queries':>8}")
    for name, url in pages.items():
        median, p95, queries = measure(client, url, args.requests)
        print(f"{name:32} {median:10.1f} {p95:8.1f} {queries:8d}")


if __name__ == "__main__":
    main()

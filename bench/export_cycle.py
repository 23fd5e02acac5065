"""Cycle export throughput: packets per second with 1 and 2 worker processes, for 500 and 2,000 people.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/tp_packet CELERY_BROKER_URL=redis://127.0.0.1:6379/14 \\
        .venv/bin/python bench/export_cycle.py --people 500 2000 --workers 1 2

Each run is a real packet run then export: `celery worker --pool=prefork --concurrency=N` subprocesses render every
packet (typical sample facts stand in for the evidence engine, seeded per person), then, since an export generates
nothing, cycle_export_start queues finalize_export, which writes the PDFs, summary.csv, the org report and the ZIP.
The clock runs from evidence_run_start to the export row's DONE.
The database is wiped and rebuilt for each population: point DATABASE_URL at a database kept for this.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
if TYPE_CHECKING:
    from evidence.facts.schema import EvidenceFactsDict

DATA_DIR = Path(os.environ.setdefault("TOKENPROOF_DATA_DIR", tempfile.mkdtemp(prefix="tokenproof-bench-")))
TEAM_SIZE = 8


def sample_facts(*, packet: Any) -> EvidenceFactsDict:
    from tests.reviews.facts_samples import typical_facts

    person = packet.person
    return typical_facts(seed=person.pk, name=person.name, email=person.email, team=person.team)


def run_worker(argv: list[str]) -> None:
    """A celery worker whose packets are built from typical sample facts (the engine's shape, seeded per person)."""
    import django

    django.setup()
    import reviews.services.packets

    setattr(reviews.services.packets, "packet_facts_get", sample_facts)  # noqa: B010 -- the engine stand-in
    from config.celery import app

    app.worker_main(["worker", *argv])


def population_build(people: int) -> Any:
    from reviews.models import Person, ReviewCycle

    ReviewCycle.objects.all().delete()
    Person.objects.all().delete()
    Person.objects.bulk_create(
        Person(
            email=f"bench{index:05d}@example.com",
            name=f"Bench Person {index:05d}",
            team=f"Team {index // TEAM_SIZE:03d}",
        )
        for index in range(people)
    )
    return ReviewCycle.objects.create(
        name=f"Bench {people}", start=date(2026, 7, 1), end=date(2026, 12, 31), state=ReviewCycle.State.OPEN
    )


def export_once(cycle: Any, workers: int, out_dir: Path) -> tuple[float, float, int]:
    from config.celery import app
    from reviews.models import CycleExport, EvidenceRun
    from reviews.tasks import cycle_export_start, evidence_run_start

    app.control.purge()
    log = (DATA_DIR / f"worker-{cycle.pk}-{workers}.log").open("wb")
    worker = subprocess.Popen(
        [sys.executable, __file__, "worker", "--pool=prefork", f"--concurrency={workers}", "-Q", "default,render",
         "--without-gossip", "--without-mingle", "--loglevel=WARNING", f"--hostname=bench{workers}-{os.getpid()}@%h"],
        cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
    )  # fmt: skip
    try:
        time.sleep(4)  # the worker imports and forks its pool; the clock starts when the work is queued
        started = time.monotonic()
        # Generating is its own action: a packet run, then the export of the packets it made.
        run = evidence_run_start(cycle=cycle)
        while run.status not in EvidenceRun.TERMINAL:
            time.sleep(0.5)
            run.refresh_from_db()
        rendered_at = time.monotonic()
        export = cycle_export_start(cycle=cycle, out_dir=out_dir)
        while export.status not in CycleExport.TERMINAL:
            time.sleep(0.5)
            export.refresh_from_db()
        finished = time.monotonic()
        assert export.status == "done", export.error
        return finished - started, rendered_at - started, run.done
    finally:
        os.killpg(worker.pid, 15)
        worker.wait(timeout=60)
        log.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--people", type=int, nargs="+", default=[500, 2000])
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL") or not os.environ.get("CELERY_BROKER_URL"):
        sys.exit("Set DATABASE_URL (a database this may wipe) and CELERY_BROKER_URL: see the docstring.")

    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    print(f"{os.cpu_count()} CPUs; data under {DATA_DIR}", flush=True)
    print(
        f"{'people':>6s} {'workers':>7s} {'export s':>9s} {'packets s':>9s} {'packets/s':>9s} {'files s':>7s}",
        flush=True,
    )
    for people in args.people:
        cycle = population_build(people)
        for workers in args.workers:
            total, rendering, done = export_once(cycle, workers, DATA_DIR / f"export-{people}-{workers}")
            print(
                f"{people:6d} {workers:7d} {total:9.1f} {rendering:9.1f} {done / total:9.2f} {total - rendering:7.1f}",
                flush=True,
            )


if __name__ == "__main__":
    if sys.argv[1:2] == ["worker"]:
        run_worker(sys.argv[2:])
    else:
        main()

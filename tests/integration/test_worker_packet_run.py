"""The skeleton run through a real Celery worker process, a real broker and the real database."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from reviews.models import EvidenceRun, Packet
from reviews.services.packets import evidence_run_start
from tests.factories import make_cycle, make_person
from tests.integration.conftest import wait_until_terminal

pytestmark = pytest.mark.integration


def wait_for_run(run_id: int) -> EvidenceRun:
    run: EvidenceRun = wait_until_terminal(EvidenceRun, run_id)
    return run


def test_worker_process_builds_every_packet_of_a_run(start_worker: Any) -> None:
    worker = start_worker(concurrency=2)
    people = [make_person(name=f"Worker Person {index}") for index in range(6)]
    cycle = make_cycle(name="Integration", start=date(2026, 1, 1), end=date(2026, 6, 30))

    run = wait_for_run(evidence_run_start(cycle=cycle).pk)

    assert (run.status, run.done, run.failed, run.finalize_count) == ("done", 6, 0, 1), worker.log()[-3000:]
    packets = Packet.objects.filter(run=run)
    assert sorted(packets.values_list("person_id", flat=True)) == sorted(person.pk for person in people)
    for packet in packets:
        with packet.pdf.open("rb") as handle:
            assert handle.read(5) == b"%PDF-"
        assert packet.attempts == 1
    assert "reviews.build_packet" in worker.log()

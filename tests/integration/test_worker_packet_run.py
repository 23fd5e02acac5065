"""The skeleton run through a real Celery worker process, a real broker and the real database."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from evidence.models import EvidenceFacts
from evidence.tasks.facts import build_facts_chunk
from reviews.models import EvidenceRun, Packet
from reviews.tasks import build_packet, evidence_run_start, render_run
from tests.evidence.scenarios.builders import at, commit, pull_request, usage_day
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
    assert build_packet.name in worker.log()


def test_worker_packet_run_alone_prints_settled_team_bands(start_worker: Any) -> None:
    """No `evidence --cycle` first: the run builds the facts in chunks, settles the bands, then renders."""
    worker = start_worker(concurrency=2)
    cycle = make_cycle(name="Bands", start=date(2026, 1, 1), end=date(2026, 6, 30))
    for index in range(7):  # costs 1..7 per merged AI-assisted PR, median 4
        person = make_person(name=f"Band Person {index}", email=f"band{index}@example.com", team="Core")
        usage_day(person, day=date(2026, 2, 2), input_uncached=100, cost=str(index + 1))
        made = commit(person, day=date(2026, 2, 2), additions=10, ai="claude-trailer")
        pull_request(person, number=index + 1, opened=at(date(2026, 2, 2)), merged=at(date(2026, 2, 3)), commits=[made])

    run = wait_for_run(evidence_run_start(cycle=cycle).pk)

    assert (run.status, run.done, run.failed, run.finalize_count) == ("done", 7, 0, 1), worker.log()[-3000:]
    bands = {
        packet.person.email: packet.facts["usage"]["cost_per_merged_ai_pr"]["team_band"]
        for packet in Packet.objects.filter(run=run).select_related("person")
    }
    assert bands == {
        "band0@example.com": "below",
        "band1@example.com": "below",
        "band2@example.com": "below",
        "band3@example.com": "near",
        "band4@example.com": "near",
        "band5@example.com": "above",
        "band6@example.com": "above",
    }
    stored = {snapshot.person_id: snapshot.facts for snapshot in EvidenceFacts.objects.filter(cycle=cycle)}
    for packet in Packet.objects.filter(run=run):
        assert packet.facts == stored[packet.person_id]
    log = worker.log()
    # the order tasks started in (the startup banner lists names too, without "Task … [")
    starts = [log.index(f"Task {task.name}[") for task in (build_facts_chunk, render_run, build_packet)]
    assert starts == sorted(starts)

"""The cycle-wide evidence build through a real Celery worker process, broker and database."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from evidence.models import EvidenceFacts, FactsBuild
from evidence.tasks.facts import build_facts_chunk, facts_build_start
from tests.evidence.scenarios.builders import at, commit, pull_request, usage_day
from tests.factories import make_cycle, make_person
from tests.integration.conftest import wait_until_terminal

pytestmark = pytest.mark.integration


def wait_for_build(build_id: int) -> FactsBuild:
    build: FactsBuild = wait_until_terminal(FactsBuild, build_id)
    return build


def test_worker_builds_every_persons_facts_in_chunks(start_worker: Any) -> None:
    worker = start_worker(concurrency=2)
    cycle = make_cycle(name="Integration", start=date(2026, 1, 1), end=date(2026, 6, 30))
    people = [make_person(name=f"Evidence Person {index}", team="Core") for index in range(7)]
    for index, person in enumerate(people):
        usage_day(person, day=date(2026, 2, 2), input_uncached=100, cost=str(index + 1))
        made = commit(person, day=date(2026, 2, 2), additions=10, surviving=9, ai="claude-trailer")
        pull_request(person, number=index + 1, opened=at(date(2026, 2, 2)), merged=at(date(2026, 2, 3)), commits=[made])

    build = wait_for_build(facts_build_start(cycle=cycle, chunk_size=3).pk)

    assert (build.status, build.total, build.done, build.failed) == ("done", 7, 7, 0), worker.log()[-3000:]
    snapshots = EvidenceFacts.objects.filter(cycle=cycle)
    assert snapshots.count() == 7
    assert {snapshot.facts["outcomes"]["ai_assisted"]["survival_share"] for snapshot in snapshots} == {0.9}
    assert {snapshot.facts["usage"]["cost_per_merged_ai_pr"]["team_band"] for snapshot in snapshots} == {
        "below",
        "near",
        "above",
    }
    assert build_facts_chunk.name in worker.log()

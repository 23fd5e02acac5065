"""Building and storing facts: one person, the cycle-wide chunked build, its tasks and the command."""

from __future__ import annotations

import json
from datetime import date
from io import StringIO
from typing import Any

import jsonschema
import pytest
from django.core.management import CommandError, call_command

from evidence.models import EvidenceFacts, FactsBuild, WorkLink
from evidence.services.evidence_build import evidence_build, facts_build_chunk, facts_build_create, facts_build_finalize
from evidence.tasks.facts import build_facts, build_facts_chunk, facts_build_header, facts_build_start
from reviews.errors import ApplicationError
from tests.evidence.scenarios.builders import at, commit, pull_request, usage_day
from tests.evidence.scenarios.checks import facts_schema
from tests.factories import make_cycle, make_person

D = date


@pytest.mark.django_db
def test_rebuilding_a_person_replaces_the_snapshot_and_links() -> None:
    cycle = make_cycle(name="2026-H1", start=D(2026, 1, 1), end=D(2026, 6, 30))
    person = make_person()
    usage_day(person, day=D(2026, 2, 2), input_uncached=100, cost="1.00")
    made = commit(person, day=D(2026, 2, 2), additions=10, ai="claude-trailer")
    pull_request(person, number=1, opened=at(D(2026, 2, 2)), merged=at(D(2026, 2, 3)), commits=[made])

    first = evidence_build(person=person, cycle=cycle)
    second = evidence_build(person=person, cycle=cycle)

    assert EvidenceFacts.objects.count() == 1
    assert first.pk == second.pk
    assert second.facts == first.facts
    assert second.cost_per_merged_ai_pr_usd == 1.0
    assert WorkLink.objects.count() == 2  # the commit's trailer and its PR, once each


@pytest.mark.django_db
def test_cycle_build_fans_out_in_chunks_and_settles_team_bands(django_capture_on_commit_callbacks: Any) -> None:
    cycle = make_cycle(name="2026-H1", start=D(2026, 1, 1), end=D(2026, 6, 30))
    people = [make_person(name=f"P{index}", email=f"p{index}@example.com", team="Core") for index in range(7)]
    for index, person in enumerate(people):
        usage_day(person, day=D(2026, 2, 2), input_uncached=100, cost=str(index + 1))
        made = commit(person, day=D(2026, 2, 2), additions=10, ai="claude-trailer")
        pull_request(person, number=index + 1, opened=at(D(2026, 2, 2)), merged=at(D(2026, 2, 3)), commits=[made])

    with django_capture_on_commit_callbacks(execute=True):  # the fan-out is sent on commit; tasks run in-process
        build = facts_build_start(cycle=cycle, chunk_size=3)  # 3 chunks, then finalize
    build.refresh_from_db()

    assert (build.status, build.total, build.done, build.failed) == ("done", 7, 7, 0)
    bands = {
        snapshot.person.name: snapshot.facts["usage"]["cost_per_merged_ai_pr"]["team_band"]
        for snapshot in EvidenceFacts.objects.select_related("person")
    }
    # costs 1..7, median 4: below 3.2, above 5.0 — the first person saw no teammates when built, finalize fixed it
    assert bands == {
        "P0": "below",
        "P1": "below",
        "P2": "below",
        "P3": "near",
        "P4": "near",
        "P5": "above",
        "P6": "above",
    }


@pytest.mark.django_db
def test_the_facts_phase_is_handed_over_as_one_chunk_task_per_chunk_and_not_sent() -> None:
    cycle = make_cycle(name="2026-H1", start=D(2026, 1, 1), end=D(2026, 6, 30))
    ids = [make_person(name=f"P{index}").pk for index in range(5)]
    build = facts_build_create(cycle=cycle, chunk_size=2)

    header = facts_build_header(build_id=build.pk)

    assert [(task.task, task.args) for task in header.tasks] == [
        (build_facts_chunk.name, (build.pk, ids[0:2])),
        (build_facts_chunk.name, (build.pk, ids[2:4])),
        (build_facts_chunk.name, (build.pk, ids[4:5])),
    ]
    build.refresh_from_db()
    assert (build.status, build.done, build.failed) == ("queued", 0, 0)
    assert not EvidenceFacts.objects.exists()


@pytest.mark.django_db
def test_a_chunk_delivered_twice_and_finalize_called_twice_change_nothing() -> None:
    cycle = make_cycle(name="2026-H1", start=D(2026, 1, 1), end=D(2026, 6, 30))
    people = [make_person(name=f"P{index}") for index in range(2)]
    build = FactsBuild.objects.create(cycle=cycle, total=2)
    ids = [person.pk for person in people]

    assert facts_build_chunk(build_id=build.pk, person_ids=ids) == 2
    assert facts_build_chunk(build_id=build.pk, person_ids=ids) == 0
    first = facts_build_finalize(build_id=build.pk)
    second = facts_build_finalize(build_id=build.pk)

    assert (first.status, first.done, first.failed) == ("done", 2, 0)
    assert (second.finished_at, second.done) == (first.finished_at, 2)
    assert facts_build_chunk(build_id=build.pk, person_ids=ids) == 0  # a late redelivery after the end


@pytest.mark.django_db
def test_a_failing_person_is_counted_and_the_build_is_partial(monkeypatch: pytest.MonkeyPatch) -> None:
    cycle = make_cycle(name="2026-H1", start=D(2026, 1, 1), end=D(2026, 6, 30))
    good, bad = make_person(name="Good"), make_person(name="Bad")
    build = FactsBuild.objects.create(cycle=cycle, total=2)
    from evidence.services import evidence_build as service

    real = service.evidence_build

    def failing(**kwargs: object) -> EvidenceFacts:
        if kwargs["person"] == bad:
            raise ValueError("corrupt row")
        return real(**kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(service, "evidence_build", failing)
    facts_build_chunk(build_id=build.pk, person_ids=[good.pk, bad.pk])
    finished = facts_build_finalize(build_id=build.pk)
    assert (finished.status, finished.done, finished.failed) == ("partial", 1, 1)


@pytest.mark.django_db
def test_empty_cycle_is_refused() -> None:
    cycle = make_cycle(name="Empty", start=D(2026, 1, 1), end=D(2026, 6, 30))
    with pytest.raises(ApplicationError, match="nobody in it"):
        facts_build_start(cycle=cycle)


@pytest.mark.django_db
def test_build_facts_task_stores_the_snapshot() -> None:
    cycle = make_cycle(name="2026-H1", start=D(2026, 1, 1), end=D(2026, 6, 30))
    person = make_person()
    stored_id = build_facts.delay(person.pk, cycle.pk).get()
    assert EvidenceFacts.objects.get(pk=stored_id).person == person


@pytest.mark.django_db
def test_command_prints_schema_valid_json_for_one_person() -> None:
    make_cycle(name="2026-H1", start=D(2026, 1, 1), end=D(2026, 6, 30))
    person = make_person(email="ann@example.com", name="Ann")
    commit(person, day=D(2026, 2, 2), additions=10, surviving=10)
    out = StringIO()
    call_command("evidence", "--cycle", "2026-H1", "--person", "ANN@example.com", "--json", stdout=out)
    facts = json.loads(out.getvalue())
    jsonschema.validate(facts, facts_schema())
    assert facts["outcomes"]["other"]["commits"] == 1

    text = StringIO()
    call_command("evidence", "--cycle", "2026-H1", "--person", "ann@example.com", stdout=text)
    assert "other: 1 commits" in text.getvalue()


@pytest.mark.django_db
def test_command_names_an_unknown_cycle_or_person_in_one_line() -> None:
    make_cycle(name="2026-H1", start=D(2026, 1, 1), end=D(2026, 6, 30))
    with pytest.raises(CommandError, match="No review cycle named 'nope'"):
        call_command("evidence", "--cycle", "nope", "--person", "x@example.com")
    with pytest.raises(CommandError, match="No person with the email"):
        call_command("evidence", "--cycle", "2026-H1", "--person", "x@example.com")


@pytest.mark.django_db
def test_command_without_person_builds_the_whole_cycle(django_capture_on_commit_callbacks: Any) -> None:
    make_cycle(name="2026-H1", start=D(2026, 1, 1), end=D(2026, 6, 30))
    for index in range(3):
        make_person(name=f"P{index}")
    out = StringIO()
    # the fan-out is sent on commit: inside the test's transaction that is when the callbacks run
    with django_capture_on_commit_callbacks(execute=True):
        call_command("evidence", "--cycle", "2026-H1", "--chunk-size", "2", stdout=out)
    assert "2026-H1: facts built for 0 of 3 people (queued)" in out.getvalue()
    build = FactsBuild.objects.get()
    assert (build.status, build.done, build.total, build.chunk_size) == ("done", 3, 3, 2)
    assert EvidenceFacts.objects.count() == 3

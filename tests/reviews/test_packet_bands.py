"""A packet run builds everyone's facts and settles the team bands before it renders a single packet."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from pytest_django import Settings as SettingsWrapper

from evidence.models import EvidenceFacts, FactsBuild
from evidence.services.evidence_build import facts_build_chunk, facts_build_create
from evidence.tasks.facts import facts_build_start
from reviews.models import EvidenceRun, Packet, Person, ReviewCycle
from reviews.services.packets import evidence_run_create, evidence_runs_stalled, packet_facts_get
from reviews.tasks import evidence_run_start, reconcile_runs, render_run
from tests.evidence.scenarios.builders import at, commit, pull_request, usage_day
from tests.factories import make_cycle, make_person

pytestmark = pytest.mark.django_db(transaction=True)
D = date


def core_team_with_costs() -> ReviewCycle:
    """Seven people in one team, each with one merged AI-assisted PR costing 1..7 dollars: median 4."""
    cycle = make_cycle(name="2026-H1", start=D(2026, 1, 1), end=D(2026, 6, 30))
    for index in range(7):
        person = make_person(name=f"Core {index}", email=f"core{index}@example.com", team="Core")
        usage_day(person, day=D(2026, 2, 2), input_uncached=100, cost=str(index + 1))
        made = commit(person, day=D(2026, 2, 2), additions=10, ai="claude-trailer")
        pull_request(person, number=index + 1, opened=at(D(2026, 2, 2)), merged=at(D(2026, 2, 3)), commits=[made])
    return cycle


def packet_bands(run: EvidenceRun) -> dict[str, Any]:
    return {
        packet.person.name: packet.facts["usage"]["cost_per_merged_ai_pr"]
        for packet in Packet.objects.filter(run=run).select_related("person")
    }


def test_packets_alone_show_the_bands_the_cycle_build_gives() -> None:
    cycle = core_team_with_costs()
    assert not EvidenceFacts.objects.exists()  # nobody ran `evidence --cycle` first

    run = evidence_run_start(cycle=cycle)

    run.refresh_from_db()
    assert (run.status, run.done, run.failed) == ("done", 7, 0)
    from_packets = packet_bands(run)
    # costs 1..7 against the median 4: below under 3.2, above over 5.0
    assert {name: band["team_band"] for name, band in from_packets.items()} == {
        "Core 0": "below",
        "Core 1": "below",
        "Core 2": "below",
        "Core 3": "near",
        "Core 4": "near",
        "Core 5": "above",
        "Core 6": "above",
    }
    facts_build_start(cycle=cycle)  # the cycle-wide build on its own, afterwards
    from_cycle_build = {
        snapshot.person.name: snapshot.facts["usage"]["cost_per_merged_ai_pr"]
        for snapshot in EvidenceFacts.objects.select_related("person")
    }
    assert from_packets == from_cycle_build
    assert run.facts_build_id is not None
    assert FactsBuild.objects.get(pk=run.facts_build_id).status == "done"


def test_each_packet_prints_the_facts_the_runs_build_stored() -> None:
    cycle = core_team_with_costs()

    run = evidence_run_start(cycle=cycle)

    stored = {snapshot.person_id: snapshot for snapshot in EvidenceFacts.objects.filter(build_id=run.facts_build_id)}
    packets = list(Packet.objects.filter(run=run))
    assert len(stored) == len(packets) == 7
    for packet in packets:
        assert packet.facts == stored[packet.person_id].facts


def test_rendering_a_run_twice_settles_and_sends_nothing_new() -> None:
    cycle = core_team_with_costs()
    run = evidence_run_start(cycle=cycle)
    finished = {packet.pk: packet.sha256 for packet in Packet.objects.filter(run=run)}

    render_run.delay(run.pk)  # a redelivered render step

    run.refresh_from_db()
    assert (run.status, run.done, run.finalize_count) == ("done", 7, 1)
    assert {packet.pk: packet.sha256 for packet in Packet.objects.filter(run=run)} == finished
    assert [packet.attempts for packet in Packet.objects.filter(run=run)] == [1] * 7


def test_reconciler_holds_packets_while_facts_are_built_and_resends_a_lost_render_step(
    settings: SettingsWrapper,
) -> None:
    settings.TOKENPROOF_STALE_RENDER_SECONDS = 60
    person = make_person()
    cycle = make_cycle()
    build = facts_build_create(cycle=cycle)
    run = EvidenceRun.objects.create(cycle=cycle, total=1, facts_build_id=build.pk)
    EvidenceRun.objects.filter(pk=run.pk).update(created_at=timezone.now() - timedelta(hours=1))
    Packet.objects.create(run=run, cycle=cycle, person=person, version=1)

    stalled = evidence_runs_stalled()  # the facts are still being built: nothing is sent
    assert (stalled.packets, stalled.renders, stalled.finalizes) == ({}, [], [])

    FactsBuild.objects.filter(pk=build.pk).update(done=1)  # every person built, but the chord's body never came
    stalled = evidence_runs_stalled()
    assert (stalled.packets, stalled.renders, stalled.finalizes) == ({}, [run.pk], [])


def test_reconciler_renders_a_run_whose_facts_were_built_but_whose_render_step_was_lost(
    settings: SettingsWrapper,
) -> None:
    settings.TOKENPROOF_STALE_RENDER_SECONDS = 60
    cycle = core_team_with_costs()
    run = evidence_run_create(cycle=cycle)  # the rows alone: no message was ever sent
    assert run.facts_build_id is not None
    facts_build_chunk(build_id=run.facts_build_id, person_ids=list(run.packets.values_list("person_id", flat=True)))
    EvidenceRun.objects.filter(pk=run.pk).update(created_at=timezone.now() - timedelta(hours=1))

    reconcile_runs()

    run.refresh_from_db()
    assert (run.status, run.done, run.failed, run.finalize_count) == ("done", 7, 0, 1)
    assert packet_bands(run)["Core 0"]["team_band"] == "below"  # settled against the whole team, median 4
    assert FactsBuild.objects.get(pk=run.facts_build_id).status == "done"


def test_the_packet_path_reads_stored_facts_with_a_bounded_query_count() -> None:
    cycle = core_team_with_costs()
    run = evidence_run_start(cycle=cycle)
    packet = Packet.objects.select_related("person", "cycle", "run").filter(run=run).first()
    assert packet is not None

    with CaptureQueriesContext(connection) as queries:
        facts = packet_facts_get(packet=packet)
    assert facts == packet.facts
    assert len(queries) == 1  # the stored snapshot: nothing recomputed


def test_a_run_building_facts_shows_that_phase_in_the_api_and_on_the_home_page() -> None:
    cycle = core_team_with_costs()
    hr = make_person(name="Harriet", email="hr@example.com", role=Person.Role.HR)
    build = FactsBuild.objects.create(cycle=cycle, status=FactsBuild.Status.RUNNING, total=8, done=3)
    run = EvidenceRun.objects.create(cycle=cycle, total=8, facts_build_id=build.pk)
    client = Client()
    assert hr.user is not None
    client.force_login(hr.user)

    phase = client.get(f"/api/runs/{run.pk}/").json()["phase"]
    page = client.get("/").content.decode()

    assert phase == {"name": "facts", "done": 3, "failed": 0, "total": 8}
    assert "building evidence 3/8 people, then packets" in page
    build.status, build.done = FactsBuild.Status.DONE, 8
    build.save()
    run.done = 2
    run.save()
    assert client.get(f"/api/runs/{run.pk}/").json()["phase"] == {"name": "packets", "done": 2, "failed": 0, "total": 8}
    assert "2/8" in client.get("/").content.decode()

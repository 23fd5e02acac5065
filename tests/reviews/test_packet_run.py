from __future__ import annotations

import io
from datetime import date, timedelta
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import timezone
from pypdf import PdfReader
from pytest_django import Settings as SettingsWrapper

from evidence.facts.schema import EvidenceFactsDict
from reviews.models import EvidenceRun, Packet
from reviews.services.packets import evidence_run_finalize, evidence_runs_stalled, packet_build
from reviews.tasks import evidence_run_start, reconcile_runs
from tests.factories import make_cycle, make_person, org_chart

pytestmark = pytest.mark.django_db(transaction=True)


def pdf_text(packet: Packet) -> str:
    with packet.pdf.open("rb") as handle:
        return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(handle.read())).pages)


def test_run_builds_a_real_pdf_per_person_through_the_task_path() -> None:
    people = org_chart()
    cycle = make_cycle(name="2026-H1", start=date(2026, 1, 1), end=date(2026, 6, 30))

    run = evidence_run_start(cycle=cycle)

    run.refresh_from_db()
    assert (run.status, run.total, run.done, run.failed, run.finalize_count) == ("done", 5, 5, 0, 1)
    alice = Packet.objects.get(person=people["alice"])
    with alice.pdf.open("rb") as handle:
        assert handle.read(5) == b"%PDF-"
    text = pdf_text(alice)
    for expected in ("Alice", "Payments", "Manager", "2026-H1", "1 Jan 2026", "30 Jun 2026"):
        assert expected in text
    assert len(alice.sha256) == 64
    assert alice.facts["schema"] == "tokenproof.evidence/1"


def test_regenerating_makes_a_new_version_and_keeps_the_old_one() -> None:
    person = make_person()
    cycle = make_cycle()
    evidence_run_start(cycle=cycle)
    evidence_run_start(cycle=cycle)

    versions = list(Packet.objects.filter(person=person).order_by("version").values_list("version", "status"))
    assert versions == [(1, "done"), (2, "done")]


def test_people_outside_their_employment_dates_get_no_packet() -> None:
    make_person(email="left@example.com", employed_to=date(2025, 12, 31))
    make_person(email="joins-later@example.com", employed_from=date(2026, 7, 1))
    stays = make_person(email="stays@example.com")
    run = evidence_run_start(cycle=make_cycle(start=date(2026, 1, 1), end=date(2026, 6, 30)))
    assert list(run.packets.values_list("person", flat=True)) == [stays.pk]


def test_rebuilding_a_finished_packet_changes_nothing() -> None:
    make_person()
    run = evidence_run_start(cycle=make_cycle())
    packet = run.packets.get()
    before = (packet.sha256, packet.pdf.name, packet.attempts)

    assert packet_build(packet_id=packet.pk) == Packet.Status.DONE
    evidence_run_finalize(run_id=run.pk)

    packet.refresh_from_db()
    run.refresh_from_db()
    assert (packet.sha256, packet.pdf.name, packet.attempts) == before
    assert (run.done, run.finalize_count) == (1, 1)


def test_a_render_failure_is_recorded_and_the_run_still_finalizes(monkeypatch: pytest.MonkeyPatch) -> None:
    make_person(name="Fine")
    broken = make_person(name="Broken")
    real = __import__("reviews.services.packets", fromlist=["packet_render_pdf"]).packet_render_pdf

    def render(*, facts: EvidenceFactsDict, annotations: list[dict[str, Any]], version: int) -> bytes:
        if facts["person"]["name"] == "Broken":
            raise RuntimeError("layout exploded")
        return real(facts=facts, annotations=annotations, version=version)  # type: ignore[no-any-return]

    monkeypatch.setattr("reviews.services.packets.packet_render_pdf", render)
    run = evidence_run_start(cycle=make_cycle())

    run.refresh_from_db()
    assert (run.status, run.done, run.failed) == ("partial", 1, 1)
    failed = Packet.objects.get(person=broken)
    assert failed.status == "failed"
    assert "layout exploded" in failed.error


def test_a_packet_redelivered_past_its_attempt_cap_fails_once(settings: SettingsWrapper) -> None:
    settings.TOKENPROOF_MAX_TASK_ATTEMPTS = 3
    make_person()
    run = EvidenceRun.objects.create(cycle=make_cycle(), total=1)
    packet = Packet.objects.create(run=run, cycle=run.cycle, person=make_person(), version=1)
    EvidenceRun.objects.filter(pk=run.pk).update(total=1)
    # Three deliveries each died with their worker mid-render.
    Packet.objects.filter(pk=packet.pk).update(status=Packet.Status.RENDERING, attempts=3)

    assert packet_build(packet_id=packet.pk) == Packet.Status.FAILED
    assert packet_build(packet_id=packet.pk) == Packet.Status.FAILED

    packet.refresh_from_db()
    run.refresh_from_db()
    assert packet.error == "gave up after 3 attempts (the worker died each time)"
    assert run.failed == 1


def test_finalize_runs_once_however_often_it_is_called() -> None:
    make_person()
    run = evidence_run_start(cycle=make_cycle())
    for _ in range(3):
        evidence_run_finalize(run_id=run.pk)
    run.refresh_from_db()
    assert run.finalize_count == 1


def test_reconciler_finishes_a_run_whose_chord_was_lost(settings: SettingsWrapper) -> None:
    settings.TOKENPROOF_STALE_RENDER_SECONDS = 0
    person = make_person()
    run = EvidenceRun.objects.create(cycle=make_cycle(), total=1)
    Packet.objects.create(run=run, cycle=run.cycle, person=person, version=1)

    assert reconcile_runs.delay().get() == 1

    run.refresh_from_db()
    assert (run.status, run.done, run.finalize_count) == ("done", 1, 1)


def test_generate_packets_command_shows_progress() -> None:
    make_person()
    cycle = make_cycle(name="Progress")
    out = io.StringIO()
    call_command("generate_packets", "Progress", stdout=out)
    assert "facts for Progress: 1/1" in out.getvalue()
    assert "packets for Progress: 1/1" in out.getvalue()
    assert "Done, 1 built, 0 failed" in out.getvalue()
    assert cycle.packets.get().status == "done"


def test_a_duplicate_delivery_leaves_a_live_render_alone() -> None:
    make_person()
    run = EvidenceRun.objects.create(cycle=make_cycle(), total=1)
    packet = Packet.objects.create(run=run, cycle=run.cycle, person=make_person(), version=1)
    # Another worker claimed it a moment ago and is still drawing it.
    Packet.objects.filter(pk=packet.pk).update(status=Packet.Status.RENDERING, attempts=1, claimed_at=timezone.now())

    assert packet_build(packet_id=packet.pk) == Packet.Status.RENDERING

    packet.refresh_from_db()
    assert (packet.status, packet.attempts) == ("rendering", 1)


def test_a_stale_render_is_taken_over(settings: SettingsWrapper) -> None:
    settings.TOKENPROOF_STALE_RENDER_SECONDS = 60
    make_person()
    run = EvidenceRun.objects.create(cycle=make_cycle(), total=1)
    packet = Packet.objects.create(run=run, cycle=run.cycle, person=make_person(), version=1)
    claimed_long_ago = timezone.now() - timedelta(minutes=5)
    Packet.objects.filter(pk=packet.pk).update(status=Packet.Status.RENDERING, attempts=1, claimed_at=claimed_long_ago)

    assert packet_build(packet_id=packet.pk) == Packet.Status.DONE

    packet.refresh_from_db()
    assert (packet.status, packet.attempts) == ("done", 2)


def test_reconciler_leaves_queued_packets_alone_while_the_run_progresses(settings: SettingsWrapper) -> None:
    settings.TOKENPROOF_STALE_RENDER_SECONDS = 60
    cycle = make_cycle()
    run = EvidenceRun.objects.create(cycle=cycle, total=2)
    EvidenceRun.objects.filter(pk=run.pk).update(created_at=timezone.now() - timedelta(hours=1))
    busy = Packet.objects.create(run=run, cycle=cycle, person=make_person(), version=1)
    queued = Packet.objects.create(run=run, cycle=cycle, person=make_person(), version=1)
    Packet.objects.filter(pk=busy.pk).update(status=Packet.Status.RENDERING, claimed_at=timezone.now())

    assert evidence_runs_stalled().packets == {}

    Packet.objects.filter(pk=busy.pk).update(claimed_at=timezone.now() - timedelta(minutes=5))
    assert {run_id: sorted(ids) for run_id, ids in evidence_runs_stalled().packets.items()} == {
        run.pk: sorted([busy.pk, queued.pk])
    }

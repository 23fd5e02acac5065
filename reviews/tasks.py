"""The packet run, end to end: its Celery tasks (thin, ids only, stable names) and the canvas that links them.

evidence_run_start creates the rows; after commit, one chord: evidence's facts phase (its header, from
evidence.tasks.facts) → render_run, which settles the team bands and sends a chord of build_packet → finalize_run,
which decides from the rows. A cycle export generates nothing: cycle_export_start sends finalize_export, which
writes the packets that exist.
reconcile_runs (beat) sends again what lost messages and dead workers left behind. The work is in
reviews.services; every task is rerun-safe.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial
from pathlib import Path

from celery import chord, shared_task
from django.contrib.auth.models import User
from django.db import transaction

from evidence.tasks.facts import facts_build_header
from reviews.models import CycleExport, EvidenceRun, Packet, Person, ReviewCycle
from reviews.services.exports import cycle_export_create, cycle_export_finalize, cycle_exports_stalled
from reviews.services.packets import (
    evidence_run_create,
    evidence_run_finalize,
    evidence_run_packet_ids,
    evidence_run_person_ids,
    evidence_run_settle,
    evidence_runs_stalled,
    packet_build,
)
from reviews.services.self_review import packet_version_check

# Rendering PDFs is the heavy work: its own queue lets render workers scale apart from the rest.
RENDER_QUEUE = "render"


@shared_task(name="reviews.build_packet", acks_late=True, ignore_result=False, queue=RENDER_QUEUE)
def build_packet(packet_id: int) -> str:
    return str(packet_build(packet_id=packet_id))


@shared_task(name="reviews.render_run", acks_late=True)
def render_run(run_id: int) -> None:
    """Once every person's facts are stored: settle the team bands, then send one build_packet per packet."""
    evidence_run_settle(run_id=run_id)
    _packets_send(run_id=run_id, packet_ids=evidence_run_packet_ids(run_id=run_id))


@shared_task(name="reviews.finalize_run", acks_late=True, queue=RENDER_QUEUE)
def finalize_run(run_id: int) -> str:
    """Decide the run from its packet rows."""
    return str(evidence_run_finalize(run_id=run_id).status)


@shared_task(name="reviews.finalize_export", acks_late=True, queue=RENDER_QUEUE)
def finalize_export(export_id: int) -> str:
    return str(cycle_export_finalize(export_id=export_id).status)


@shared_task(name="reviews.reconcile_runs")
def reconcile_runs() -> int:
    """Send again what lost messages and dead workers left behind; returns how many packets were sent again."""
    stalled = evidence_runs_stalled()
    for run_id in stalled.renders:
        render_run.delay(run_id)
    for run_id, packet_ids in stalled.packets.items():
        _packets_send(run_id=run_id, packet_ids=packet_ids)
    for run_id in stalled.finalizes:
        finalize_run.delay(run_id)
    for export_id in cycle_exports_stalled():
        finalize_export.delay(export_id)
    return sum(len(packet_ids) for packet_ids in stalled.packets.values())


def evidence_run_start(
    *, cycle: ReviewCycle, requested_by: User | None = None, people: Sequence[Person] | None = None
) -> EvidenceRun:
    """Create the run, a pending packet per person and the facts build; after commit, send the run's chord.

    Each packet is a new draft version: what managers see changes only when its person releases it. `people`
    narrows the run to them (an employee making a new version of their own packet); by default it is everyone
    employed during the cycle. Raises ApplicationError when there is nobody to run for.
    """
    with transaction.atomic():
        run = evidence_run_create(cycle=cycle, requested_by=requested_by, people=people)
        transaction.on_commit(partial(_run_send, run=run))
    return run


def packet_version_start(*, person: Person, cycle: ReviewCycle, user: User) -> Packet:
    """A new draft version of this person's packet, through the same tasks as a cycle's run (facts, then render).

    Returns the pending packet row; its status moves to done (or failed) as the tasks run. Raises ApplicationError
    for anyone but the owner, in a closed cycle, or while an earlier version is still being made.
    """
    with transaction.atomic():
        packet_version_check(person=person, cycle=cycle, user=user)
        run = evidence_run_start(cycle=cycle, requested_by=user, people=[person])
    return Packet.objects.get(run=run, person=person)


def cycle_export_start(
    *, cycle: ReviewCycle, out_dir: Path | None = None, requested_by: User | None = None
) -> CycleExport:
    """Export the packets that exist (each person's latest version) to out_dir; generates none.

    Raises ApplicationError when the cycle has no packet yet.
    """
    with transaction.atomic():
        export = cycle_export_create(cycle=cycle, out_dir=out_dir, requested_by=requested_by)
        transaction.on_commit(partial(finalize_export.delay, export.pk))
    export.refresh_from_db()  # without a broker the files are written by now
    return export


def _run_send(*, run: EvidenceRun) -> None:
    """The run's chord: evidence's facts phase, then render_run. Sent only once the run's rows are committed."""
    if run.facts_build_id is None:
        raise ValueError(f"run {run.pk} has no facts build: evidence_run_create makes one with every run")
    header = facts_build_header(build_id=run.facts_build_id, person_ids=evidence_run_person_ids(run_id=run.pk))
    chord(header)(render_run.si(run.pk))


def _packets_send(*, run_id: int, packet_ids: list[int]) -> None:
    """One build_packet per packet, then finalize_run, which reads the rows rather than the results."""
    chord(build_packet.si(packet_id) for packet_id in packet_ids)(finalize_run.si(run_id))

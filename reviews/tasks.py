"""The packet run, end to end: its Celery tasks (thin, ids only, stable names) and the canvas that links them.

evidence_run_start (or cycle_export_start) creates the rows; after commit, one chord: evidence's facts phase (its
header, from evidence.tasks.facts) → render_run, which settles the team bands and sends a chord of build_packet →
finalize_run, which decides from the rows and sends finalize_export when a cycle export waits on the run.
reconcile_runs (beat) sends again what lost messages and dead workers left behind. The work is in
reviews.services; every task is rerun-safe.
"""

from __future__ import annotations

from functools import partial
from pathlib import Path

from celery import chord, shared_task
from django.contrib.auth.models import User
from django.db import transaction

from evidence.tasks.facts import facts_build_send
from reviews.models import CycleExport, EvidenceRun, ReviewCycle
from reviews.services.exports import (
    cycle_export_create,
    cycle_export_finalize,
    cycle_exports_stalled,
    cycle_exports_waiting,
)
from reviews.services.packets import (
    evidence_run_create,
    evidence_run_finalize,
    evidence_run_packet_ids,
    evidence_run_settle,
    evidence_runs_stalled,
    packet_build,
)

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
    """Decide the run from its packet rows; once it has ended, send the finalize of any export waiting on it."""
    run = evidence_run_finalize(run_id=run_id)
    if run.status in EvidenceRun.TERMINAL:
        for export_id in cycle_exports_waiting(run_id=run_id):
            finalize_export.delay(export_id)
    return str(run.status)


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


def evidence_run_start(*, cycle: ReviewCycle, requested_by: User | None = None) -> EvidenceRun:
    """Create the run, a pending packet per person and the facts build; after commit, send the run's chord.

    Raises ApplicationError when nobody is employed during the cycle.
    """
    with transaction.atomic():
        run = evidence_run_create(cycle=cycle, requested_by=requested_by)
        transaction.on_commit(partial(_run_send, run=run))
    return run


def cycle_export_start(
    *, cycle: ReviewCycle, out_dir: Path | None = None, requested_by: User | None = None
) -> CycleExport:
    """Start a packet run for the cycle and the export that writes its folder (out_dir) when the run ends.

    Raises ApplicationError when nobody is employed during the cycle.
    """
    with transaction.atomic():
        export = cycle_export_create(cycle=cycle, out_dir=out_dir, requested_by=requested_by)
        transaction.on_commit(partial(_run_send, run=export.run))
    export.refresh_from_db()  # without a broker the whole run has happened by now
    return export


def _run_send(*, run: EvidenceRun) -> None:
    """The run's canvas: durability, evidence's facts phase, then render_run. Sent once the run's rows are committed."""
    if run.facts_build_id is None:
        raise ValueError(f"run {run.pk} has no facts build: evidence_run_create makes one with every run")
    facts_build_send(build_id=run.facts_build_id, then=render_run.si(run.pk))


def _packets_send(*, run_id: int, packet_ids: list[int]) -> None:
    """One build_packet per packet, then finalize_run, which reads the rows rather than the results."""
    chord(build_packet.si(packet_id) for packet_id in packet_ids)(finalize_run.si(run_id))

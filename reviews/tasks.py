"""The packet run, end to end: its Celery tasks (thin, ids only, stable names) and the canvas that links them.

evidence_run_start creates the rows; after commit, one chord: evidence's facts phase (its header, from
evidence.tasks.facts) → render_run, which settles the team bands and sends a chord of build_packet → finalize_run,
which decides from the rows. A cycle export generates nothing: cycle_export_start sends finalize_export, which
writes the packets that exist.
reconcile_runs (beat) sends again what lost messages and dead workers left behind. The work is in
reviews.services; every task is rerun-safe.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Sequence
from functools import partial
from pathlib import Path

from celery import chord, current_app, shared_task
from django.contrib.auth.models import User
from django.db import connections, transaction

from evidence.tasks.facts import facts_build_send
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
from reviews.services.runs import evidence_run_retry_failed
from reviews.services.self_review import packet_version_check

logger = logging.getLogger("tokenproof.runs")
# Rendering PDFs is the heavy work: its own queue lets render workers scale apart from the rest.
RENDER_QUEUE = "render"
# Background threads (embedded default, started by a page) carry this prefix, so tests and thread dumps find them.
BACKGROUND_THREAD_PREFIX = "tokenproof-background-"


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
    *,
    cycle: ReviewCycle,
    requested_by: User | None = None,
    people: Sequence[Person] | None = None,
    in_background: bool = False,
) -> EvidenceRun:
    """Create the run, a pending packet per person and the facts build; after commit, send the run's chord.

    Each packet is a new draft version: what managers see changes only when its person releases it. `people`
    narrows the run to them (an employee making a new version of their own packet); by default it is everyone
    employed during the cycle. in_background: for pages and the API, which must answer at once; see
    `_send_after_commit`. Raises ApplicationError when the cycle cannot be run (a draft, closed,
    or not started yet) or there is nobody to run for.
    """
    with transaction.atomic():
        run = evidence_run_create(cycle=cycle, requested_by=requested_by, people=people)
        _send_after_commit(partial(_run_send, run=run), in_background=in_background)
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
    *, cycle: ReviewCycle, out_dir: Path | None = None, requested_by: User | None = None, in_background: bool = False
) -> CycleExport:
    """Export the packets that exist (each person's latest version) to out_dir; generates none.

    in_background: for pages and the API, which must answer at once; see `_send_after_commit`.
    Raises ApplicationError when the cycle has no packet yet.
    """
    with transaction.atomic():
        export = cycle_export_create(cycle=cycle, out_dir=out_dir, requested_by=requested_by)
        _send_after_commit(partial(_export_send, export_id=export.pk), in_background=in_background)
    export.refresh_from_db()  # without a broker (and not in_background) the files are written by now
    return export


def evidence_run_retry(*, run: EvidenceRun, requested_by: User | None = None, in_background: bool = False) -> None:
    """Send the run's failed packets again (evidence_run_retry_failed), then its finalize, after commit.

    Raises ApplicationError when the run has not ended or has no failed packet.
    """
    with transaction.atomic():
        packet_ids = evidence_run_retry_failed(run_id=run.pk, requested_by=requested_by)
        _send_after_commit(partial(_packets_send, run_id=run.pk, packet_ids=packet_ids), in_background=in_background)


def _export_send(*, export_id: int) -> None:
    finalize_export.delay(export_id)


def _send_after_commit(send: Callable[[], None], *, in_background: bool) -> None:
    """Send once the rows are committed. With a broker, sending only queues: it returns at once either way.

    Without one (the embedded default) Celery runs the whole canvas where it is sent, so a command waits for it,
    as it should; with in_background it runs in a thread of this process instead, and an HTTP request that
    started it answers at once while the page polls the rows.
    """
    if in_background and current_app.conf.task_always_eager:
        transaction.on_commit(partial(_thread_start, send))
    else:
        transaction.on_commit(send)


def _thread_start(work: Callable[[], None]) -> None:
    threading.Thread(target=_thread_run, args=(work,), name=f"{BACKGROUND_THREAD_PREFIX}run", daemon=True).start()


def _thread_run(work: Callable[[], None]) -> None:
    try:
        work()
    except Exception:  # a thread has nobody to raise to: the rows keep the state, the log keeps the reason
        logger.exception("background work failed")
    finally:
        connections.close_all()  # the thread's own database connections, which nothing else would close


def _run_send(*, run: EvidenceRun) -> None:
    """The run's canvas: durability, evidence's facts phase, then render_run. Sent once the run's rows are committed."""
    if run.facts_build_id is None:
        raise ValueError(f"run {run.pk} has no facts build: evidence_run_create makes one with every run")
    facts_build_send(
        build_id=run.facts_build_id, then=render_run.si(run.pk), person_ids=evidence_run_person_ids(run_id=run.pk)
    )


def _packets_send(*, run_id: int, packet_ids: list[int]) -> None:
    """One build_packet per packet, then finalize_run, which reads the rows rather than the results."""
    chord(build_packet.si(packet_id) for packet_id in packet_ids)(finalize_run.si(run_id))

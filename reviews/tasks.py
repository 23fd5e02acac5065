"""Celery tasks for packets: thin, ids only, stable names. The work is in reviews.services.packets."""

from __future__ import annotations

from celery import chord, shared_task

from reviews.models import EvidenceRun, Packet


@shared_task(name="reviews.build_packet", acks_late=True, ignore_result=False)
def build_packet(packet_id: int) -> str:
    from reviews.services.packets import packet_build

    return str(packet_build(packet_id=packet_id))


@shared_task(name="reviews.render_run", acks_late=True)
def render_run(run_id: int) -> None:
    from reviews.services.packets import evidence_run_render

    evidence_run_render(run_id=run_id)


@shared_task(name="reviews.finalize_run", acks_late=True)
def finalize_run(run_id: int) -> str:
    from reviews.services.packets import evidence_run_finalize

    return str(evidence_run_finalize(run_id=run_id).status)


@shared_task(name="reviews.finalize_export", acks_late=True)
def finalize_export(export_id: int) -> str:
    from reviews.services.exports import cycle_export_finalize

    return str(cycle_export_finalize(export_id=export_id).status)


@shared_task(name="reviews.reconcile_runs")
def reconcile_runs() -> int:
    from reviews.services.packets import evidence_runs_reconcile

    return len(evidence_runs_reconcile())


def run_fan_out_rollback_unsafe(*, run_id: int) -> None:
    """Build everyone's facts in chunks, then render: render_run settles the bands and sends the packets.

    Call it only after the run's rows are committed (evidence_run_start does, from on_commit).
    """
    from evidence.services.evidence_build import facts_build_fan_out_rollback_unsafe

    build_id = EvidenceRun.objects.values_list("facts_build_id", flat=True).get(pk=run_id)
    if build_id is None:
        raise ValueError(f"run {run_id} has no facts build: evidence_run_start creates one with every run")
    people = list(Packet.objects.filter(run_id=run_id).order_by("person_id").values_list("person_id", flat=True))
    facts_build_fan_out_rollback_unsafe(build_id=build_id, then=render_run.si(run_id), person_ids=people)


def packets_fan_out_rollback_unsafe(*, run_id: int) -> None:
    """Send the chord: one build per packet, then finalize, which reads the rows rather than the results."""
    packet_ids = list(Packet.objects.filter(run_id=run_id).order_by("person__name").values_list("pk", flat=True))
    chord(build_packet.si(packet_id) for packet_id in packet_ids)(finalize_run.si(run_id))

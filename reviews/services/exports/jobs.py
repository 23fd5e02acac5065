"""Creating, finishing and finding stalled cycle exports. Every step is rerun-safe; nothing here sends a task.

An export never generates packets: it writes the packets that exist, each person's latest version with its release
state, so exporting never makes a version nobody released. Generating is a packet run, started on its own. The
export's one task (reviews.tasks.finalize_export) claims the export with a conditional UPDATE and writes the
folder; the reconciler sends it again for an export whose task was lost or whose writer died.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from reviews.errors import ApplicationError
from reviews.models import AuditEvent, CycleExport, Packet, PacketRelease, ReviewCycle
from reviews.services.audit import PacketAction, audit_record
from reviews.services.exports.files import (
    ReleaseState,
    manifest_and_zip_write,
    packet_pdf_copy,
    summary_csv_write,
    write_atomically,
)
from reviews.services.exports.org_report import org_report_pdf

logger = logging.getLogger("tokenproof.exports")
SUMMARY_NAME, ORG_REPORT_NAME = "summary.csv", "org-report.pdf"


def cycle_export_create(
    *, cycle: ReviewCycle, out_dir: Path | None = None, requested_by: User | None = None
) -> CycleExport:
    """The export's row, audited; reviews.tasks sends its task after commit. It creates no packet version.

    Raises ApplicationError when the cycle has no packet yet: generate them first.
    """
    if not Packet.objects.filter(cycle=cycle).exists():
        raise ApplicationError(f"Cycle {cycle.name!r} has no packets yet: generate them first, then export.")
    with transaction.atomic():
        export = CycleExport.objects.create(cycle=cycle, out_dir="", requested_by=requested_by)
        export.out_dir = str(out_dir or Path(settings.OUTPUT_DIR) / "exports" / f"export-{export.pk}")
        export.save(update_fields=["out_dir"])
        audit_record(actor=requested_by, action="cycle.export", target=export, detail={"cycle": cycle.name})
    return export


def cycle_export_finalize(*, export_id: int) -> CycleExport:
    """Write the export's folder once its run has ended. A second delivery finds the claim taken and returns."""
    export = _export_claim(export_id=export_id)
    if export is None:
        return CycleExport.objects.get(pk=export_id)
    try:
        written, zip_sha256, exported = _export_files_write(export=export)
    except Exception as error:  # recorded on the row: HR sees the reason, the reconciler does not loop on it
        logger.exception("export %s failed", export_id)
        CycleExport.objects.filter(pk=export_id, status=CycleExport.Status.WRITING).update(
            status=CycleExport.Status.FAILED,
            error=f"{type(error).__name__}: {error}"[:2000],
            finished_at=timezone.now(),
        )
        return CycleExport.objects.get(pk=export_id)
    with transaction.atomic():
        locked = CycleExport.objects.select_for_update().get(pk=export_id)
        if locked.status == CycleExport.Status.WRITING:
            locked.status, locked.files_written, locked.zip_sha256 = CycleExport.Status.DONE, written, zip_sha256
            written_packets = [packet for packet in exported if packet.status == Packet.Status.DONE and packet.pdf]
            locked.people, locked.packets = len(exported), len(written_packets)
            locked.finished_at, locked.finalize_count = timezone.now(), F("finalize_count") + 1
            locked.save(
                update_fields=[
                    "status",
                    "files_written",
                    "zip_sha256",
                    "people",
                    "packets",
                    "finished_at",
                    "finalize_count",
                ]
            )
            _exported_packets_audit(export=locked, packets=written_packets)
    return CycleExport.objects.get(pk=export_id)


def _exported_packets_audit(*, export: CycleExport, packets: list[Packet]) -> None:
    """One packet.export event per packet version written, so each employee's access log shows the export."""
    actor = export.requested_by
    AuditEvent.objects.bulk_create(
        AuditEvent(
            actor=actor,
            actor_label=actor.get_username() if actor is not None else "system",
            action=PacketAction.EXPORT,
            object_type=Packet._meta.label_lower,
            object_id=str(packet.pk),
            detail={"role": "hr", "export": export.pk},
        )
        for packet in packets
    )


def _export_claim(*, export_id: int) -> CycleExport | None:
    """Take the export for writing, unless a live writer holds it or it is finished."""
    stale_before = timezone.now() - _stale_after()
    free = Q(status=CycleExport.Status.QUEUED) | Q(status=CycleExport.Status.WRITING, claimed_at__lt=stale_before)
    claimed = (
        CycleExport.objects.filter(pk=export_id)
        .filter(free)
        .update(status=CycleExport.Status.WRITING, claimed_at=timezone.now())
    )
    if not claimed:
        return None
    return CycleExport.objects.select_related("cycle", "requested_by").get(pk=export_id)


def _stale_after() -> timedelta:
    return timedelta(seconds=settings.TOKENPROOF_STALE_RENDER_SECONDS)


def latest_versions_get(*, cycle: ReviewCycle) -> list[Packet]:
    """Each person's latest packet version for the cycle, whatever its status, by name."""
    latest: dict[int, Packet] = {}
    versions = Packet.objects.filter(cycle=cycle).select_related("person__manager", "cycle").order_by("-version")
    for packet in versions:
        latest.setdefault(packet.person_id, packet)
    return sorted(latest.values(), key=lambda packet: (packet.person.name.casefold(), packet.person.email))


def release_states_get(*, packets: list[Packet]) -> dict[int, ReleaseState]:
    """For each packet's person, whether this version is the one released and which version is (one query)."""
    in_force: dict[int, Packet] = {}
    releases = (
        PacketRelease.objects.filter(
            cycle_id__in={packet.cycle_id for packet in packets},
            person_id__in=[packet.person_id for packet in packets],
            withdrawn_at__isnull=True,
        )
        .select_related("packet")
        .order_by("released_at", "pk")
    )
    for release in releases:
        in_force[release.person_id] = release.packet
    states = {}
    for packet in packets:
        released = in_force.get(packet.person_id)
        states[packet.pk] = ReleaseState(
            state="released" if released is not None and released.pk == packet.pk else "draft",
            released_version=released.version if released else None,
        )
    return states


def _export_files_write(*, export: CycleExport) -> tuple[int, str, list[Packet]]:
    out_dir = Path(export.out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    packets = latest_versions_get(cycle=export.cycle)
    done = [packet for packet in packets if packet.status == Packet.Status.DONE and packet.pdf]
    pdf_names = {packet.pk: packet_pdf_copy(packet=packet, out_dir=out_dir) for packet in done}
    summary_csv_write(
        packets=packets, pdf_names=pdf_names, releases=release_states_get(packets=packets), path=out_dir / SUMMARY_NAME
    )
    generated_on = timezone.localdate()
    write_atomically(
        out_dir / ORG_REPORT_NAME, org_report_pdf(cycle=export.cycle, packets=done, generated_on=generated_on)
    )
    names = [*pdf_names.values(), SUMMARY_NAME, ORG_REPORT_NAME]
    header = {
        "tokenproof_export": export.pk,
        "cycle": export.cycle.name,
        "packets": len(done),
        "not_finished": len(packets) - len(done),
        "generated_on": generated_on.isoformat(),
    }
    zip_path = out_dir / zip_file_name(export.cycle.name, export.pk)
    zip_sha256 = manifest_and_zip_write(out_dir=out_dir, names=names, zip_path=zip_path, header=header)
    return len(names) + 1, zip_sha256, packets


def zip_file_name(cycle_name: str, export_id: int) -> str:
    safe = "".join(character if character.isalnum() or character in "-_." else "_" for character in cycle_name)
    return f"tokenproof-{safe}-export-{export_id}.zip"


def cycle_exports_stalled() -> list[int]:
    """Exports whose files were never (or only half) written: their task was lost, or their writer died."""
    stale_before = timezone.now() - _stale_after()
    waiting = CycleExport.objects.filter(
        Q(status=CycleExport.Status.QUEUED, created_at__lt=stale_before)
        | Q(status=CycleExport.Status.WRITING, claimed_at__lt=stale_before)
    )
    return list(waiting.values_list("pk", flat=True))

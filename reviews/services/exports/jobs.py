"""Creating, finishing and finding stalled cycle exports. Every step is rerun-safe; nothing here sends a task.

The packets come from an ordinary packet run (reviews.tasks owns it). When the run ends, its finalize sends the
export's finalize, which claims the export with a conditional UPDATE and writes the folder; the reconciler sends
it again for an export whose finalize was lost or whose writer died.
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

from reviews.models import CycleExport, EvidenceRun, Packet, ReviewCycle
from reviews.services.audit import audit_record
from reviews.services.exports.files import (
    manifest_and_zip_write,
    packet_pdf_copy,
    summary_csv_write,
    write_atomically,
)
from reviews.services.exports.org_report import org_report_pdf
from reviews.services.packets import evidence_run_create

logger = logging.getLogger("tokenproof.exports")
SUMMARY_NAME, ORG_REPORT_NAME = "summary.csv", "org-report.pdf"


def cycle_export_create(
    *, cycle: ReviewCycle, out_dir: Path | None = None, requested_by: User | None = None
) -> CycleExport:
    """The rows of a packet run for the cycle and of the export that writes its folder when the run ends.

    reviews.tasks sends the run after commit. Raises ApplicationError when nobody is employed during the cycle.
    """
    with transaction.atomic():
        run = evidence_run_create(cycle=cycle, requested_by=requested_by)
        export = CycleExport.objects.create(cycle=cycle, run=run, out_dir="", requested_by=requested_by)
        export.out_dir = str(out_dir or Path(settings.OUTPUT_DIR) / "exports" / f"export-{export.pk}")
        export.save(update_fields=["out_dir"])
        audit_record(
            actor=requested_by, action="cycle.export", target=export, detail={"cycle": cycle.name, "people": run.total}
        )
    return export


def cycle_export_finalize(*, export_id: int) -> CycleExport:
    """Write the export's folder once its run has ended. A second delivery finds the claim taken and returns."""
    export = _export_claim(export_id=export_id)
    if export is None:
        return CycleExport.objects.get(pk=export_id)
    try:
        written, zip_sha256 = _export_files_write(export=export)
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
            locked.finished_at, locked.finalize_count = timezone.now(), F("finalize_count") + 1
            locked.save(update_fields=["status", "files_written", "zip_sha256", "finished_at", "finalize_count"])
    return CycleExport.objects.get(pk=export_id)


def _export_claim(*, export_id: int) -> CycleExport | None:
    """Take the export for writing: only once its run has ended, and only if no live writer holds it."""
    stale_before = timezone.now() - _stale_after()
    run_ended = Q(run__status__in=EvidenceRun.TERMINAL)
    free = Q(status=CycleExport.Status.RENDERING) | Q(status=CycleExport.Status.WRITING, claimed_at__lt=stale_before)
    # Filtering through the run needs a subquery for UPDATE on some databases: resolve the id first.
    candidate = CycleExport.objects.filter(run_ended & free, pk=export_id).values_list("pk", flat=True).first()
    if candidate is None:
        return None
    claimed = (
        CycleExport.objects.filter(pk=export_id)
        .filter(free)
        .update(status=CycleExport.Status.WRITING, claimed_at=timezone.now())
    )
    if not claimed:
        return None
    return CycleExport.objects.select_related("cycle", "run").get(pk=export_id)


def _stale_after() -> timedelta:
    return timedelta(seconds=settings.TOKENPROOF_STALE_RENDER_SECONDS)


def _export_files_write(*, export: CycleExport) -> tuple[int, str]:
    out_dir = Path(export.out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    packets = list(
        Packet.objects.filter(run=export.run).select_related("person__manager", "cycle").order_by("person__name")
    )
    done = [packet for packet in packets if packet.status == Packet.Status.DONE and packet.pdf]
    pdf_names = {packet.pk: packet_pdf_copy(packet=packet, out_dir=out_dir) for packet in done}
    summary_csv_write(packets=packets, pdf_names=pdf_names, path=out_dir / SUMMARY_NAME)
    generated_on = timezone.localdate()
    write_atomically(
        out_dir / ORG_REPORT_NAME, org_report_pdf(cycle=export.cycle, packets=done, generated_on=generated_on)
    )
    names = [*pdf_names.values(), SUMMARY_NAME, ORG_REPORT_NAME]
    header = {
        "tokenproof_export": export.pk,
        "cycle": export.cycle.name,
        "packets": len(done),
        "failed": len(packets) - len(done),
        "generated_on": generated_on.isoformat(),
    }
    zip_path = out_dir / zip_file_name(export.cycle.name, export.pk)
    return len(names) + 1, manifest_and_zip_write(out_dir=out_dir, names=names, zip_path=zip_path, header=header)


def zip_file_name(cycle_name: str, export_id: int) -> str:
    safe = "".join(character if character.isalnum() or character in "-_." else "_" for character in cycle_name)
    return f"tokenproof-{safe}-export-{export_id}.zip"


def cycle_exports_waiting(*, run_id: int) -> list[int]:
    """The exports of this run whose folder is not written yet: the run's finalize sends theirs."""
    return list(
        CycleExport.objects.filter(run_id=run_id, status=CycleExport.Status.RENDERING).values_list("pk", flat=True)
    )


def cycle_exports_stalled() -> list[int]:
    """Exports whose run has ended but whose files were never (or only half) written: their finalize was lost."""
    stale_before = timezone.now() - _stale_after()
    waiting = CycleExport.objects.filter(run__status__in=EvidenceRun.TERMINAL).filter(
        Q(status=CycleExport.Status.RENDERING, run__finished_at__lt=stale_before)
        | Q(status=CycleExport.Status.WRITING, claimed_at__lt=stale_before)
    )
    return list(waiting.values_list("pk", flat=True))

"""evidence_run_retry_failed: give a finished run's failed packets another try, in the same run."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.db import transaction

from reviews.errors import ApplicationError
from reviews.models import EvidenceRun, Packet
from reviews.services.audit import audit_record


def evidence_run_retry_failed(*, run_id: int, requested_by: User | None = None) -> list[int]:
    """Put the run's failed packets back to pending (attempts and reason cleared) and the run back to running.

    Returns their ids by person name, for reviews.tasks to send after commit; audited as run.retry. The versions
    stay the ones the run made, so a retry makes no new version. Raises ApplicationError when the run has not
    ended yet or has no failed packet.
    """
    with transaction.atomic():
        run = EvidenceRun.objects.select_for_update().select_related("cycle").get(pk=run_id)
        if run.status not in EvidenceRun.TERMINAL:
            raise ApplicationError(f"Run {run.pk} of {run.cycle.name!r} is still going: retry once it has ended.")
        failed = run.packets.filter(status=Packet.Status.FAILED)
        packet_ids = list(failed.order_by("person__name").values_list("pk", flat=True))
        if not packet_ids:
            raise ApplicationError(f"Run {run.pk} of {run.cycle.name!r} has no failed packet to retry.")
        failed.update(status=Packet.Status.PENDING, attempts=0, error="", claimed_at=None)
        run.status, run.failed, run.finished_at = EvidenceRun.Status.RUNNING, 0, None
        run.save(update_fields=["status", "failed", "finished_at"])
        audit_record(actor=requested_by, action="run.retry", target=run, detail={"packets": len(packet_ids)})
    return packet_ids

"""export_file_open: one file of a finished cycle export, for HR, audited."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import BinaryIO

from django.contrib.auth.models import User

from reviews.errors import ApplicationError
from reviews.models import CycleExport
from reviews.services.audit import audit_record
from reviews.services.exports.jobs import ORG_REPORT_NAME, SUMMARY_NAME, zip_file_name


class ExportFile(StrEnum):
    """The files of an export HR downloads one by one, named as they appear in URLs."""

    ZIP = "zip"
    ORG_REPORT = "org-report"
    SUMMARY = "summary"


def export_file_open(
    *, export: CycleExport, file: ExportFile, actor: User | None, ip_address: str | None = None
) -> tuple[BinaryIO, str]:
    """The open file (binary) and its name; audited as cycle.export.download with the file's name.

    The ZIP holds every packet PDF, summary.csv, the org report and a manifest; the other two are also in it.
    Raises ApplicationError when the export has not finished (or failed): its files are not all written.
    """
    if export.status != CycleExport.Status.DONE:
        raise ApplicationError(f"Export {export.pk} is {export.get_status_display().lower()}: its files are not ready.")
    name = {
        ExportFile.ZIP: zip_file_name(export.cycle.name, export.pk),
        ExportFile.ORG_REPORT: ORG_REPORT_NAME,
        ExportFile.SUMMARY: SUMMARY_NAME,
    }[file]
    handle = (Path(export.out_dir) / name).open("rb")
    audit_record(
        actor=actor, action="cycle.export.download", target=export, ip_address=ip_address, detail={"file": name}
    )
    return handle, name

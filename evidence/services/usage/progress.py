"""Progress of a running usage import, readable by any process while the file's transaction is still open.

The ImportBatch row cannot carry it: a file imports in one transaction, so the row's updates would show only at
commit, and on SQLite a second connection writing the row would wait for the import's write lock. Progress
therefore goes to a small JSON file per batch under the data directory, which the web process and the workers
share already (uploads wait there for their import task). The importer replaces the file atomically after each
chunk and removes it when the batch finishes; the batch row then holds the final counts.
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from evidence.models import ImportBatch


@dataclass(frozen=True)
class ImportProgress:
    records_read: int
    bytes_read: int
    size_bytes: int
    updated_at: str  # ISO 8601, UTC; empty when the batch has not started

    @property
    def percent(self) -> float:
        if self.size_bytes <= 0:
            return 0.0
        return round(min(100.0, 100 * self.bytes_read / self.size_bytes), 1)

    def as_json(self) -> dict[str, object]:
        return {
            "records_read": self.records_read,
            "bytes_read": self.bytes_read,
            "size_bytes": self.size_bytes,
            "percent": self.percent,
            "updated_at": self.updated_at,
        }


def progress_path(batch_id: int) -> Path:
    return Path(settings.DATA_DIR) / "progress" / "usage" / f"batch-{batch_id}.json"


def import_progress_write(*, batch_id: int, records_read: int, bytes_read: int, size_bytes: int) -> None:
    """Replace the batch's progress file (atomically: a reader sees the old or the new figures, never half)."""
    path = progress_path(batch_id)
    path.parent.mkdir(parents=True, exist_ok=True)
    figures = {
        "records_read": records_read,
        "bytes_read": bytes_read,
        "size_bytes": size_bytes,
        "updated_at": timezone.now().isoformat(),
    }
    with tempfile.NamedTemporaryFile("w", dir=path.parent, prefix=".incoming-", delete=False) as handle:
        json.dump(figures, handle)
    os.replace(handle.name, path)


def import_progress_clear(*, batch_id: int) -> None:
    progress_path(batch_id).unlink(missing_ok=True)


def import_progress_get(*, batch: ImportBatch) -> ImportProgress:
    """How far the batch's import has come: from its progress file while it runs, from its row once finished."""
    if batch.status == ImportBatch.Status.RUNNING:
        with contextlib.suppress(OSError, ValueError):
            figures = json.loads(progress_path(batch.pk).read_text())
            return ImportProgress(
                records_read=int(figures["records_read"]),
                bytes_read=int(figures["bytes_read"]),
                size_bytes=int(figures["size_bytes"]),
                updated_at=str(figures["updated_at"]),
            )
    if batch.status == ImportBatch.Status.DONE:
        when = batch.finished_at.isoformat() if batch.finished_at else ""
        return ImportProgress(batch.read, batch.size_bytes, batch.size_bytes, when)
    return ImportProgress(batch.read, 0, batch.size_bytes, "")  # queued, rejected, or running without figures yet

"""usage_import: read provider usage files into raw records and canonical facts, one file all or nothing.

Each file streams through its importer in chunks of records (evidence.services.usage.chunk_writer writes each chunk)
inside one transaction, so a bad record anywhere rejects the whole file and nothing stored before changes.
Uploads through the API are stored, imported by a Celery task, then deleted.
"""

from __future__ import annotations

import gc
import hashlib
import logging
import tempfile
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from evidence.importers import IMPORTERS
from evidence.importers.base import TOKEN_KINDS, Importer, RecordError
from evidence.importers.detection import record_explained
from evidence.importers.reading import ReadError, ReadPosition, records_read
from evidence.models import ImportBatch, SourceActor
from evidence.services.usage.chunk_writer import (
    CallTotals,
    ChunkWriter,
    Counts,
    Pending,
    RecordRejectedError,
    indistinguishable,
)
from evidence.services.usage.progress import import_progress_clear, import_progress_get, import_progress_write
from reviews.errors import ApplicationError

logger = logging.getLogger(__name__)

CHUNK_RECORDS = 2000
DEFAULT_COLLECTOR_THRESHOLDS = gc.get_threshold()
PROGRESS_LOG_EVERY = 100_000
Progress = Callable[[ImportBatch], None]


@dataclass
class ImportSummary:
    batches: list[ImportBatch]
    totals: CallTotals

    @property
    def rejected(self) -> list[ImportBatch]:
        return [batch for batch in self.batches if batch.status == ImportBatch.Status.REJECTED]

    def as_json(self) -> dict[str, Any]:
        actors = SourceActor.objects.filter(
            pk__in=list(self.totals.actor_tokens), owner=SourceActor.Owner.UNRESOLVED
        ).order_by("kind", "value")
        return {
            "files": [batch_json(batch) for batch in self.batches],
            "tokens": dict(self.totals.tokens),
            "cost_usd": str(self.totals.cost_usd.quantize(Decimal("0.000001"))),
            "unresolved_identities": [
                {
                    "kind": actor.kind,
                    "provider": actor.provider,
                    "value": actor.value,
                    "tokens": self.totals.actor_tokens[actor.pk],
                }
                for actor in actors
            ],
        }


def batch_json(batch: ImportBatch) -> dict[str, Any]:
    return {
        "batch": batch.pk,
        "path": batch.file_name,
        "source": batch.source,
        "status": batch.status,
        **{name: getattr(batch, name) for name in ("read", "created", "updated", "unchanged", "rejected")},
        "error": batch.error,
        "progress": import_progress_get(batch=batch).as_json(),
    }


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1024 * 1024), b""):
            digest.update(block)
    return digest.hexdigest()


def importer_get(source: str) -> Importer:
    try:
        return IMPORTERS[source]
    except KeyError:
        names = ", ".join(sorted(IMPORTERS))
        raise ApplicationError(f"unknown source {source!r}; the sources are: {names}") from None


def import_batch_create(
    *, source: str, path: Path, file_name: str = "", imported_by_id: int | None = None
) -> ImportBatch:
    """Record a file as queued for import (the API stores an upload, then a task imports it)."""
    importer_get(source)
    if not path.is_file():
        raise ApplicationError(f"{file_name or path}: no such file")
    return ImportBatch.objects.create(
        source=source,
        file_name=(file_name or str(path))[-255:],
        file_sha256=file_sha256(path),
        size_bytes=path.stat().st_size,
        imported_by_id=imported_by_id,
    )


def usage_import(
    *,
    source: str,
    paths: Sequence[Path],
    imported_by_id: int | None = None,
    allow_duplicate: bool = False,
    progress: Progress | None = None,
) -> ImportSummary:
    """Import files of one source, each all or nothing. Rejected files are reported in the summary, not raised."""
    importer_get(source)
    totals = CallTotals()
    batches = []
    for path in paths:
        batch = import_batch_create(source=source, path=path, imported_by_id=imported_by_id)
        batches.append(
            import_batch_run(batch=batch, path=path, allow_duplicate=allow_duplicate, progress=progress, totals=totals)
        )
    return ImportSummary(batches, totals)


def import_batch_run(
    *,
    batch: ImportBatch,
    path: Path,
    allow_duplicate: bool = False,
    progress: Progress | None = None,
    totals: CallTotals | None = None,
    before_finish: Callable[[], None] | None = None,
) -> ImportBatch:
    """Import one queued file. A bad file leaves the batch rejected with file, record and reason; nothing else changes.

    `before_finish` runs just before the batch is saved as done or rejected (the task deletes the upload there, so
    whoever sees the batch finished never finds its upload).
    """
    if batch.status in {ImportBatch.Status.DONE, ImportBatch.Status.REJECTED}:
        return batch  # a rerun of a finished batch does nothing
    importer = importer_get(batch.source)
    totals = totals if totals is not None else CallTotals()
    duplicate = (
        ImportBatch.objects.filter(source=batch.source, file_sha256=batch.file_sha256, status=ImportBatch.Status.DONE)
        .exclude(pk=batch.pk)
        .first()
    )
    if duplicate and not allow_duplicate:
        when = timezone.localtime(duplicate.finished_at or duplicate.started_at).strftime("%Y-%m-%d %H:%M")
        return _reject(
            batch,
            f"{batch.file_name}: duplicate upload: the same file was imported as batch {duplicate.pk} on {when}",
            before_finish=before_finish,
        )
    batch.status = ImportBatch.Status.RUNNING
    batch.save(update_fields=["status"])
    counts = Counts()
    call_totals = CallTotals()
    try:
        with transaction.atomic():
            _file_import(
                batch=batch, path=path, importer=importer, counts=counts, totals=call_totals, progress=progress
            )
    except (RecordRejectedError, ReadError) as error:
        where = error.where
        return _reject(
            batch,
            f"{batch.file_name}, {where}: {error.reason}" if where else f"{batch.file_name}: {error.reason}",
            read=counts.read,
            before_finish=before_finish,
        )
    for kind in TOKEN_KINDS:
        totals.tokens[kind] += call_totals.tokens[kind]
    totals.cost_usd += call_totals.cost_usd
    for actor_id, tokens in call_totals.actor_tokens.items():
        totals.actor_tokens[actor_id] += tokens
    batch.status = ImportBatch.Status.DONE
    batch.read, batch.created, batch.updated, batch.unchanged = (
        counts.read,
        counts.created,
        counts.updated,
        counts.unchanged,
    )
    batch.summary = {"tokens": call_totals.tokens, "cost_usd": str(call_totals.cost_usd)}
    batch.finished_at = timezone.now()
    _before_finish(batch, before_finish)
    batch.save()
    logger.info("usage import batch %s (%s) done: %s records read", batch.pk, batch.source, batch.read)
    return batch


def _before_finish(batch: ImportBatch, before_finish: Callable[[], None] | None) -> None:
    import_progress_clear(batch_id=batch.pk)
    if before_finish:
        before_finish()


def _reject(
    batch: ImportBatch, message: str, *, read: int = 0, before_finish: Callable[[], None] | None = None
) -> ImportBatch:
    batch.status, batch.error, batch.rejected = ImportBatch.Status.REJECTED, message[:2000], 1
    batch.read, batch.created, batch.updated, batch.unchanged = read, 0, 0, 0
    batch.finished_at = timezone.now()
    _before_finish(batch, before_finish)
    batch.save()
    logger.info("usage import batch %s rejected", batch.pk)  # the message may quote a record, so it is not logged
    return batch


def _file_import(
    *,
    batch: ImportBatch,
    path: Path,
    importer: Importer,
    counts: Counts,
    totals: CallTotals,
    progress: Progress | None,
) -> None:
    writer = ChunkWriter(batch=batch, importer=importer, counts=counts, totals=totals)
    try:
        with _rare_garbage_collections():
            _chunks_write(batch=batch, path=path, importer=importer, counts=counts, writer=writer, progress=progress)
    finally:
        writer.close()


_collector_lock = threading.Lock()
_imports_running = 0


@contextmanager
def _rare_garbage_collections() -> Iterator[None]:
    """Let Python's cycle collector run rarely while a file is imported.

    A file's records make millions of short-lived objects, freed by reference counting; the collector still ran
    every 700 allocations and walked every live object, Django's included, a share of the import's time worth
    saving (docs/benchmarks.md). Objects that exist before the import are frozen out of its walks, and it runs
    after 50,000 allocations instead of 700. Settings are process-wide: the first import in sets them, the
    last one out restores them.
    """
    global _imports_running  # one count for the process, like the collector itself
    with _collector_lock:
        _imports_running += 1
        if _imports_running == 1:
            gc.freeze()
            gc.set_threshold(50_000, 20, 100)
    try:
        yield
    finally:
        with _collector_lock:
            _imports_running -= 1
            if _imports_running == 0:
                gc.set_threshold(*DEFAULT_COLLECTOR_THRESHOLDS)
                gc.unfreeze()


def _chunks_write(
    *,
    batch: ImportBatch,
    path: Path,
    importer: Importer,
    counts: Counts,
    writer: ChunkWriter,
    progress: Progress | None,
) -> None:
    pending: Pending = {}
    position = ReadPosition()

    def report() -> None:
        batch.read = counts.read
        import_progress_write(
            batch_id=batch.pk, records_read=counts.read, bytes_read=position.bytes_read(), size_bytes=batch.size_bytes
        )
        if progress:
            progress(batch)

    report()
    for where, record in records_read(path, importer, position=position):
        item_where = where
        try:
            for index, item in enumerate(importer.expand(record)):
                item_where = (
                    f"{where}, item {index + 1}" if index else where
                )  # a bucket's results, an OTLP line's events
                kept = importer.keep(item)
                key = (
                    kept.natural_key
                    if len(kept.natural_key) <= 255
                    else hashlib.sha256(kept.natural_key.encode()).hexdigest()
                )
                counts.read += 1
                earlier = pending.get(key)
                if earlier is None:
                    pending[key] = (item_where, kept, item)
                elif earlier[2] == item:  # the same record again (overlapping pages): it counts once
                    counts.unchanged += 1
                    counts.repeated += 1
                else:
                    raise RecordError(indistinguishable(earlier[0], earlier[2], item))
        except RecordError as error:
            raise RecordRejectedError(item_where, record_explained(importer, record, str(error))) from None
        if len(pending) >= CHUNK_RECORDS:
            writer.flush(pending)
            pending = {}
            report()
            if counts.read // PROGRESS_LOG_EVERY != (counts.read - CHUNK_RECORDS) // PROGRESS_LOG_EVERY:
                # the batch row is inside the file's transaction: progress goes to its file, and to the log
                logger.info("usage import batch %s: %s records read", batch.pk, counts.read)
    writer.flush(pending)
    writer.finish()
    report()


def upload_path(batch: ImportBatch) -> Path:
    """Where an uploaded file waits for its import task; deleted once imported, since it may hold prompt text."""
    return Path(settings.DATA_DIR) / "uploads" / "usage" / f"batch-{batch.pk}"


def usage_upload_accept(
    *, source: str, chunks: Iterable[bytes], file_name: str, imported_by_id: int | None = None
) -> ImportBatch:
    """Store an uploaded file, record its batch as queued, and queue the import once the batch is committed."""
    from evidence.tasks.usage import import_usage_batch

    importer_get(source)
    folder = Path(settings.DATA_DIR) / "uploads" / "usage"
    folder.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(dir=folder, prefix="incoming-", delete=False) as handle:
        for chunk in chunks:
            handle.write(chunk)
        incoming = Path(handle.name)
    try:
        with transaction.atomic():
            batch = import_batch_create(
                source=source, path=incoming, file_name=Path(file_name).name, imported_by_id=imported_by_id
            )
            incoming.replace(upload_path(batch))
            transaction.on_commit(lambda: import_usage_batch.delay(batch.pk))
    finally:
        incoming.unlink(missing_ok=True)
    return batch


def usage_batch_import(*, batch_id: int) -> ImportBatch:
    """The task's body: import a queued upload, then delete the uploaded file. Rerun-safe."""
    batch = ImportBatch.objects.get(pk=batch_id)
    path = upload_path(batch)
    if batch.status in {ImportBatch.Status.DONE, ImportBatch.Status.REJECTED}:
        path.unlink(missing_ok=True)
        return batch
    if not path.is_file():
        return _reject(batch, f"{batch.file_name}: the uploaded file is gone; upload it again")
    try:
        return import_batch_run(batch=batch, path=path, before_finish=lambda: path.unlink(missing_ok=True))
    finally:
        path.unlink(missing_ok=True)

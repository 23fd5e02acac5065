"""usage_import: read provider usage files into raw records and canonical facts, one file all or nothing.

Each file streams through its importer in chunks. Per chunk: the natural keys are looked up among the raw
records already stored; unchanged records are skipped, new ones add their facts, and revised ones add the
difference between their new and their stored payload's facts. Facts are therefore sums that any order of
imports, re-imports, revisions and overlapping files leaves the same. Writes are multi-row upserts.
"""

from __future__ import annotations

import hashlib
import json
import logging
import tempfile
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from evidence.importers import IMPORTERS
from evidence.importers.base import AliasRow, CommitRow, Facts, Importer, Kept, RecordError, SessionRow, UsageRow
from evidence.importers.reading import ReadError, records_read
from evidence.models import ImportBatch, PriceEntry, RawRecord, SourceActor, ToolReportedCommit, UsageSession
from evidence.services.identities import ActorBook, aliases_apply
from reviews.errors import ApplicationError

logger = logging.getLogger(__name__)

CHUNK_RECORDS = 2000
UPSERT_ROWS = 1000
TOKEN_KINDS = ("input_uncached", "cache_read", "cache_write", "output")
Progress = Callable[[ImportBatch], None]


class _RejectedError(Exception):
    def __init__(self, where: str, reason: str) -> None:
        super().__init__(reason)
        self.where, self.reason = where, reason


@dataclass
class CallTotals:
    """What the files of one call hold (re-imported records included): tokens, cost, and actors' volume."""

    tokens: dict[str, int] = field(default_factory=lambda: dict.fromkeys(TOKEN_KINDS, 0))
    cost_usd: Decimal = Decimal(0)
    actor_tokens: dict[int, int] = field(default_factory=lambda: defaultdict(int))


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
) -> ImportBatch:
    """Import one queued file. A bad file leaves the batch rejected with file, record and reason; nothing else changes."""
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
            batch, f"{batch.file_name}: duplicate upload: the same file was imported as batch {duplicate.pk} on {when}"
        )
    batch.status = ImportBatch.Status.RUNNING
    batch.save(update_fields=["status"])
    counts = _Counts()
    call_totals = CallTotals()
    try:
        with transaction.atomic():
            _file_import(
                batch=batch, path=path, importer=importer, counts=counts, totals=call_totals, progress=progress
            )
    except (_RejectedError, ReadError) as error:
        where = error.where
        return _reject(
            batch,
            f"{batch.file_name}, {where}: {error.reason}" if where else f"{batch.file_name}: {error.reason}",
            read=counts.read,
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
    batch.save()
    logger.info("usage import batch %s (%s) done: %s records read", batch.pk, batch.source, batch.read)
    return batch


def _reject(batch: ImportBatch, message: str, *, read: int = 0) -> ImportBatch:
    batch.status, batch.error, batch.rejected = ImportBatch.Status.REJECTED, message[:2000], 1
    batch.read, batch.created, batch.updated, batch.unchanged = read, 0, 0, 0
    batch.finished_at = timezone.now()
    batch.save()
    logger.info("usage import batch %s rejected", batch.pk)  # the message may quote a record, so it is not logged
    return batch


@dataclass
class _Counts:
    read: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0


def _file_import(
    *,
    batch: ImportBatch,
    path: Path,
    importer: Importer,
    counts: _Counts,
    totals: CallTotals,
    progress: Progress | None,
) -> None:
    writer = _ChunkWriter(batch=batch, importer=importer, counts=counts, totals=totals)
    pending: dict[str, tuple[str, Kept]] = {}
    for where, record in records_read(path, importer):
        try:
            for item in importer.expand(record):
                kept = importer.keep(item)
                key = (
                    kept.natural_key
                    if len(kept.natural_key) <= 255
                    else hashlib.sha256(kept.natural_key.encode()).hexdigest()
                )
                if key in pending:  # the same record twice in one chunk: the later copy is the newer
                    writer.flush(pending)
                    pending = {}
                pending[key] = (where, kept)
                counts.read += 1
        except RecordError as error:
            raise _RejectedError(where, str(error)) from None
        if len(pending) >= CHUNK_RECORDS:
            writer.flush(pending)
            pending = {}
            batch.read = counts.read
            if progress:
                progress(batch)
    writer.flush(pending)
    batch.read = counts.read
    if progress:
        progress(batch)


def _payload_sha256(payload: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps(payload, sort_keys=True, separators=(",", ":")).encode()).hexdigest()


class _PriceBook:
    """The price table, loaded once per file, for sources that report no cost."""

    def __init__(self) -> None:
        self.entries: dict[str, list[PriceEntry]] = defaultdict(list)
        for entry in PriceEntry.objects.order_by("model", "-valid_from"):
            self.entries[entry.model].append(entry)

    def cost(self, row: UsageRow) -> Decimal | None:
        entries = self.entries.get(row.model)
        if entries is None:
            prefixes = [model for model in self.entries if row.model.startswith(model)]
            entries = self.entries[max(prefixes, key=len)] if prefixes else []
        entry = next((entry for entry in entries if entry.valid_from <= row.day), None)
        if entry is None:
            return None
        per_token = (
            row.input_uncached * entry.input_per_mtok
            + row.cache_read * entry.cache_read_per_mtok
            + row.cache_write * entry.cache_write_per_mtok
            + row.output * entry.output_per_mtok
        )
        return per_token / 1_000_000


class _ChunkWriter:
    def __init__(self, *, batch: ImportBatch, importer: Importer, counts: _Counts, totals: CallTotals) -> None:
        self.batch, self.importer, self.counts, self.totals = batch, importer, counts, totals
        self.source = importer.source
        self.book = ActorBook()
        self.prices = _PriceBook()

    def _facts(self, where: str, payload: dict[str, Any]) -> Facts:
        try:
            return self.importer.facts(payload)
        except RecordError as error:
            raise _RejectedError(where, str(error)) from None

    def flush(self, pending: dict[str, tuple[str, Kept]]) -> None:
        if not pending:
            return
        stored = dict(
            RawRecord.objects.filter(source=self.source, natural_key__in=list(pending)).values_list(
                "natural_key", "payload_sha256"
            )
        )
        shas = {key: _payload_sha256(kept.payload) for key, (_, kept) in pending.items()}
        changed = [key for key in pending if key in stored and stored[key] != shas[key]]
        old_payloads = dict(
            RawRecord.objects.filter(source=self.source, natural_key__in=changed).values_list("natural_key", "payload")
        )
        deltas: list[tuple[int, Facts]] = []
        raw_rows = []
        for key, (where, kept) in pending.items():
            facts = self._facts(where, kept.payload)
            self._count_totals(facts)
            if key not in stored:
                self.counts.created += 1
                deltas.append((1, facts))
            elif stored[key] != shas[key]:
                self.counts.updated += 1
                deltas.append((1, facts))
                deltas.append((-1, self._facts(where, old_payloads[key])))
            else:
                self.counts.unchanged += 1
                deltas.append((0, facts))  # no change, but its actors still count towards this call's volume
                continue
            raw_rows.append(
                RawRecord(
                    source=self.source,
                    natural_key=key,
                    batch=self.batch,
                    payload=kept.payload,
                    payload_sha256=shas[key],
                )
            )
        self.book.resolve_many(
            ref
            for _, facts in deltas
            for ref in [row.actor for row in facts.usage]
            + [row.actor for row in facts.outcomes]
            + [row.actor for row in facts.sessions]
            + [row.actor for row in facts.commits]
        )
        for sign, facts in deltas:
            if sign == 0:
                for usage_row in facts.usage:
                    self.totals.actor_tokens[self.book.get(usage_row.actor).actor_id] += usage_row.tokens()
        if raw_rows:
            RawRecord.objects.bulk_create(
                raw_rows,
                batch_size=UPSERT_ROWS,
                update_conflicts=True,
                unique_fields=["source", "natural_key"],
                update_fields=["batch", "payload", "payload_sha256", "updated_at"],
            )
        changing = [(sign, facts) for sign, facts in deltas if sign]
        self._usage_write(changing)
        self._outcomes_write(changing)
        self._sessions_write(changing)
        self._commits_write([row for sign, facts in changing if sign > 0 for row in facts.commits])
        aliases: list[AliasRow] = [alias for sign, facts in changing if sign > 0 for alias in facts.aliases]
        aliases_apply(aliases=aliases, book=self.book)

    def _count_totals(self, facts: Facts) -> None:
        for row in facts.usage:
            for kind in TOKEN_KINDS:
                self.totals.tokens[kind] += getattr(row, kind)
            cost = row.cost_usd if row.cost_usd is not None else self.prices.cost(row)
            self.totals.cost_usd += cost or 0

    def _usage_write(self, deltas: list[tuple[int, Facts]]) -> None:
        merged: dict[tuple[Any, ...], list[Any]] = {}
        for sign, facts in deltas:
            for row in facts.usage:
                actor = self.book.get(row.actor)
                if sign > 0:
                    self.totals.actor_tokens[actor.actor_id] += row.tokens()
                basis = "reported" if row.cost_usd is not None else "price_table"
                cost = row.cost_usd if row.cost_usd is not None else self.prices.cost(row)
                if cost is None:
                    basis = "unknown"
                key = (actor.actor_id, row.day, row.tool, row.model[:120], row.dimension[:255])
                values = [sign * getattr(row, kind) for kind in (*TOKEN_KINDS, "requests")]
                current = merged.get(key)
                if current is None:
                    merged[key] = [
                        row.provider[:40],
                        actor.person_on(row.day),
                        *values,
                        None if cost is None else sign * cost,
                        basis,
                    ]
                    continue
                for index, value in enumerate(values, start=2):
                    current[index] += value
                if cost is not None:
                    current[7] = (current[7] or 0) + sign * cost
                    current[8] = basis
        rows = [
            (self.source, actor_id, day, tool, model, dimension, *values)
            for (actor_id, day, tool, model, dimension), values in merged.items()
        ]
        _upsert_add(
            table="evidence_usagefact",
            columns=(
                "source",
                "actor_id",
                "day",
                "tool",
                "model",
                "dimension",
                "provider",
                "person_id",
                *TOKEN_KINDS,
                "requests",
                "cost_usd",
                "cost_basis",
                "repository_name",
            ),
            key=("source", "actor_id", "day", "tool", "model", "dimension"),
            added=(*TOKEN_KINDS, "requests"),
            replaced=("person_id", "cost_basis"),
            nullable_added=("cost_usd",),
            rows=[(*row, "") for row in rows],
        )

    def _outcomes_write(self, deltas: list[tuple[int, Facts]]) -> None:
        merged: dict[tuple[Any, ...], list[Any]] = {}
        for sign, facts in deltas:
            for row in facts.outcomes:
                actor = self.book.get(row.actor)
                key = (actor.actor_id, row.day, row.tool, row.metric)
                current = merged.setdefault(key, [actor.person_on(row.day), 0])
                current[1] += sign * row.value
        _upsert_add(
            table="evidence_tooloutcomefact",
            columns=("source", "actor_id", "day", "tool", "metric", "person_id", "value"),
            key=("source", "actor_id", "day", "tool", "metric"),
            added=("value",),
            replaced=("person_id",),
            nullable_added=(),
            rows=[(self.source, *key, *values) for key, values in merged.items()],
        )

    def _sessions_write(self, deltas: list[tuple[int, Facts]]) -> None:
        merged: dict[str, tuple[int, SessionRow]] = {}
        for sign, facts in deltas:
            for row in facts.sessions:
                if row.session_id in merged:
                    _session_add(merged[row.session_id][1], row, sign)
                else:
                    total = SessionRow(row.actor, row.session_id[:128], row.tool, row.started_at, row.ended_at)
                    _session_add(total, row, sign)
                    merged[row.session_id] = (sign, total)
        if not merged:
            return
        stored = {
            session.session_id: session
            for session in UsageSession.objects.filter(source=self.source, session_id__in=[key[:128] for key in merged])
        }
        objects = []
        for _, total in merged.values():
            actor = self.book.get(total.actor)
            session = stored.get(total.session_id) or UsageSession(
                source=self.source,
                session_id=total.session_id,
                tool=total.tool,
                started_at=total.started_at,
                ended_at=total.ended_at,
                tool_calls={},
                commit_shas=[],
            )
            session.actor_id = actor.actor_id
            session.person_id = actor.person_on(total.started_at.date())
            session.started_at = min(session.started_at, total.started_at)
            session.ended_at = max(session.ended_at, total.ended_at)
            for name in ("requests", "prompts", *TOKEN_KINDS, "edits_accepted", "edits_rejected"):
                setattr(session, name, max(0, getattr(session, name) + getattr(total, name)))
            if total.cost_usd is not None:
                session.cost_usd = (session.cost_usd or Decimal(0)) + total.cost_usd
            calls = dict(session.tool_calls)
            for tool, count in total.tool_calls.items():
                calls[tool] = max(0, calls.get(tool, 0) + count)
            session.tool_calls = {tool: count for tool, count in calls.items() if count}
            session.commit_shas = sorted(set(session.commit_shas) | set(total.commit_shas))
            objects.append(session)
        UsageSession.objects.bulk_create(
            objects,
            batch_size=UPSERT_ROWS,
            update_conflicts=True,
            unique_fields=["source", "session_id"],
            update_fields=[
                "actor",
                "person",
                "started_at",
                "ended_at",
                "requests",
                "prompts",
                *TOKEN_KINDS,
                "cost_usd",
                "edits_accepted",
                "edits_rejected",
                "tool_calls",
                "commit_shas",
            ],
        )

    def _commits_write(self, rows: list[CommitRow]) -> None:
        by_sha: dict[str, ToolReportedCommit] = {}
        for row in rows:
            actor = self.book.get(row.actor)
            by_sha[row.sha] = ToolReportedCommit(
                source=self.source,
                sha=row.sha[:40],
                repository_name=row.repository_name[:255],
                tool=row.tool,
                actor_id=actor.actor_id,
                person_id=actor.person_on(row.committed_at.date() if row.committed_at else None),
                ai_lines_added=row.ai_lines_added,
                human_lines_added=row.human_lines_added,
                session_id=row.session_id[:128],
                committed_at=row.committed_at,
            )
        if by_sha:
            ToolReportedCommit.objects.bulk_create(
                list(by_sha.values()),
                batch_size=UPSERT_ROWS,
                update_conflicts=True,
                unique_fields=["source", "sha"],
                update_fields=[
                    "repository_name",
                    "tool",
                    "actor",
                    "person",
                    "ai_lines_added",
                    "human_lines_added",
                    "session_id",
                    "committed_at",
                ],
            )


def _session_add(total: SessionRow, row: SessionRow, sign: int) -> None:
    total.started_at = min(total.started_at, row.started_at)
    total.ended_at = max(total.ended_at, row.ended_at)
    for name in ("requests", "prompts", *TOKEN_KINDS, "edits_accepted", "edits_rejected"):
        setattr(total, name, getattr(total, name) + sign * getattr(row, name))
    if row.cost_usd is not None:
        total.cost_usd = (total.cost_usd or Decimal(0)) + sign * row.cost_usd
    for tool, count in row.tool_calls.items():
        total.tool_calls[tool] = total.tool_calls.get(tool, 0) + sign * count
    if sign > 0:
        total.commit_shas = sorted(set(total.commit_shas) | set(row.commit_shas))


def _upsert_add(
    *,
    table: str,
    columns: Sequence[str],
    key: Sequence[str],
    added: Sequence[str],
    replaced: Sequence[str],
    nullable_added: Sequence[str],
    rows: list[tuple[Any, ...]],
) -> None:
    """INSERT … ON CONFLICT DO UPDATE adding the counts (PostgreSQL and SQLite share this syntax).

    The ORM's bulk_create(update_conflicts=True) can only replace values, and a fact here is a sum over records.
    """
    if not rows:
        return
    quote = connection.ops.quote_name
    # A revision that lowers a count is a negative difference. CHECK constraints judge the proposed row before
    # ON CONFLICT applies, so such differences update the existing row instead of going through the upsert.
    positions = [columns.index(name) for name in (*added, *nullable_added)]
    lowering = [row for row in rows if any(row[index] is not None and row[index] < 0 for index in positions)]
    if lowering:
        _update_add(
            table=table, columns=columns, key=key, added=(*added, *nullable_added), replaced=replaced, rows=lowering
        )
        rows = [row for row in rows if row not in lowering]
        if not rows:
            return
    target = quote(table)
    updates = [f"{quote(name)} = {target}.{quote(name)} + excluded.{quote(name)}" for name in added]
    updates += [
        f"{quote(name)} = CASE WHEN {target}.{quote(name)} IS NULL AND excluded.{quote(name)} IS NULL THEN NULL "
        f"ELSE COALESCE({target}.{quote(name)}, 0) + COALESCE(excluded.{quote(name)}, 0) END"
        for name in nullable_added
    ]
    updates += [f"{quote(name)} = excluded.{quote(name)}" for name in replaced]
    placeholder = "(" + ", ".join(["%s"] * len(columns)) + ")"
    # S608: every identifier comes from this module's code, quoted by the backend; all values are parameters
    head = f"INSERT INTO {target} ({', '.join(quote(name) for name in columns)}) VALUES "  # noqa: S608
    tail = f" ON CONFLICT ({', '.join(quote(name) for name in key)}) DO UPDATE SET {', '.join(updates)}"
    with connection.cursor() as cursor:
        for start in range(0, len(rows), UPSERT_ROWS):
            chunk = rows[start : start + UPSERT_ROWS]
            params = [value for row in chunk for value in row]
            cursor.execute(head + ", ".join([placeholder] * len(chunk)) + tail, params)


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
        return import_batch_run(batch=batch, path=path)
    finally:
        path.unlink(missing_ok=True)


def _update_add(
    *,
    table: str,
    columns: Sequence[str],
    key: Sequence[str],
    added: Sequence[str],
    replaced: Sequence[str],
    rows: list[tuple[Any, ...]],
) -> None:
    """Add differences to rows that exist (a revised record's earlier contribution is always stored)."""
    quote = connection.ops.quote_name
    assignments = [f"{quote(name)} = COALESCE({quote(name)}, 0) + %s" for name in added]
    assignments += [f"{quote(name)} = %s" for name in replaced]
    conditions = [f"{quote(name)} = %s" for name in key]
    # S608: identifiers come from this module's code, quoted by the backend; all values are parameters
    statement = f"UPDATE {quote(table)} SET {', '.join(assignments)} WHERE {' AND '.join(conditions)}"  # noqa: S608
    params = [
        [row[columns.index(name)] or 0 for name in added] + [row[columns.index(name)] for name in (*replaced, *key)]
        for row in rows
    ]
    with connection.cursor() as cursor:
        cursor.executemany(statement, params)

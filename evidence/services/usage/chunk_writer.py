"""Writing one chunk of a usage file: raw records, then the facts' differences, as multi-row upserts.

Per chunk, the natural keys are looked up among the raw records already stored; unchanged records (same payload,
same contribution) add nothing, new ones add their facts, and revised ones add their new facts and subtract the
contribution stored with the record, exactly what it added before (evidence.services.usage.contributions). Facts
are therefore sums that any order of imports, re-imports, revisions and overlapping files leaves the same. A key
met twice in one file with different values means the importer cannot tell two records apart: the file is
rejected, naming the fields that differ. After the last chunk, `finish` checks that the contributions stored for
the file's records add up to the file's summary. The SQL (COPY and INSERT … SELECT … ON CONFLICT on PostgreSQL,
multi-row INSERT … ON CONFLICT on SQLite) is in evidence.services.usage.upsert; a chunk's raw records and facts
are written by its background writer while the next chunk is parsed.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import orjson
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.utils import timezone

from evidence.importers.base import (
    TOKEN_KINDS,
    ActorRef,
    AliasRow,
    CommitRow,
    Facts,
    Importer,
    Kept,
    LabelRow,
    RecordError,
    SessionRow,
    UsageRow,
    differing_fields,
)
from evidence.models import ImportBatch, PurposeLabel, RawRecord, SourceActor, ToolReportedCommit, UsageSession
from evidence.services.identities import ActorBook, aliases_apply
from evidence.services.usage.contributions import (
    contribution_decode,
    contribution_encode,
    contribution_usage_totals,
)
from evidence.services.usage.metric_fallback import StandIns
from evidence.services.usage.postgres_copy import PlannerStatistics, facts_write, rows_insert, source_import_lock
from evidence.services.usage.prices import PriceBook
from evidence.services.usage.upsert import (
    BackgroundWriter,
    raw_records_touch,
    stored_payloads,
    stored_records,
    upsert,
)

logger = logging.getLogger(__name__)

BULK_ROWS = 1000
CHECK_ROWS = 5000  # contributions read per round trip by the end-of-file check
Pending = dict[str, tuple[str, Kept, object]]  # natural key -> (where, kept, the record as the importer read it)

# what `upsert` writes per table: the columns of a row, its natural key, and how a row adds to the stored one
RAW_RECORD_UPSERT: dict[str, Any] = {
    "table": "evidence_rawrecord",
    "columns": (
        "source",
        "natural_key",
        "batch_id",
        "payload",
        "payload_sha256",
        "contribution",
        "first_seen_at",
        "updated_at",
    ),
    "key": ("natural_key", "source"),  # in the unique constraint's order
    "replaced": ("batch_id", "payload", "payload_sha256", "contribution", "updated_at"),
}
USAGE_FACT_UPSERT: dict[str, Any] = {
    "table": "evidence_usagefact",
    "columns": (
        "source",
        "actor_id",
        "day",
        "tool",
        "model",
        "dimension",
        "purpose",
        "provider",
        "person_id",
        *TOKEN_KINDS,
        "requests",
        "cost_usd",
        "cost_basis",
        "repository_name",
    ),
    "key": ("actor_id", "source", "day", "tool", "model", "dimension", "purpose"),  # the unique constraint's order
    "added": (*TOKEN_KINDS, "requests"),
    "replaced": ("person_id", "cost_basis"),
    "nullable_added": ("cost_usd",),
}
OUTCOME_FACT_UPSERT: dict[str, Any] = {
    "table": "evidence_tooloutcomefact",
    "columns": ("source", "actor_id", "day", "tool", "metric", "person_id", "value"),
    "key": ("actor_id", "source", "day", "tool", "metric"),
    "added": ("value",),
    "replaced": ("person_id",),
}


class RecordRejectedError(Exception):
    """A record of the file cannot be imported: the whole file is rejected with where and why."""

    def __init__(self, where: str, reason: str) -> None:
        super().__init__(reason)
        self.where, self.reason = where, reason


class ImportCheckError(RecordRejectedError):
    """What the import stored differs from what its summary reports: a defect in tokenproof, never in the file."""


def indistinguishable(earlier: str, first: object, second: object) -> str:
    """Why two records with one natural key reject their file: the fields they differ in, named."""
    fields = differing_fields(first, second)
    named = ", ".join(f"'{name}'" for name in fields[:5]) + (", ..." if len(fields) > 5 else "")
    return (
        f"this record has the same natural key as {earlier} but differs in {named}: the importer cannot tell the "
        "two apart, so the file is rejected rather than one overwriting the other"
    )


@dataclass
class CallTotals:
    """What the files of one call hold (re-imported records included): tokens, cost, and actors' volume."""

    tokens: dict[str, int] = field(default_factory=lambda: dict.fromkeys(TOKEN_KINDS, 0))
    cost_usd: Decimal = Decimal(0)
    actor_tokens: dict[int, int] = field(default_factory=lambda: defaultdict(int))


@dataclass
class Counts:
    read: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    repeated: int = 0  # of the unchanged: records met again further on in the same file (each counts once)


# Where orjson's ASCII output differs from json.dumps: DEL (json.dumps escapes it as \u007f) and a float's
# exponent (1.5e-7 against 1.5e-07): a digit, e or E, an optional sign, a digit. Reduced to the characters that
# matter (digits to 0, e and E to e, signs to -, DEL to !, all else to a space), three substring searches find
# those faster than a regular expression (docs/benchmarks.md). A match inside a string only costs the slower path.
_REDUCED = {
    **dict.fromkeys(b"0123456789", ord("0")),
    **dict.fromkeys(b"eE", ord("e")),
    **dict.fromkeys(b"-+", ord("-")),
    0x7F: ord("!"),
}
ORJSON_DIFFERS_TABLE = bytes(_REDUCED.get(byte, ord(" ")) for byte in range(256))


def orjson_differs(text: bytes) -> bool:
    reduced = text.translate(ORJSON_DIFFERS_TABLE)
    return b"!" in reduced or b"0e0" in reduced or b"0e-0" in reduced


def canonical_json(payload: dict[str, Any]) -> str:
    """The payload as stored and hashed: sorted keys, no spaces, non-ASCII escaped (as json.dumps writes it).

    orjson writes the same bytes for ASCII payloads, faster (docs/benchmarks.md); anything else takes json.dumps,
    so the hashes of records stored before stay comparable.
    """
    try:
        text = orjson.dumps(payload, option=orjson.OPT_SORT_KEYS)
    except orjson.JSONEncodeError:
        text = b"\x80"  # e.g. an integer past 64 bits: not ASCII, so json.dumps below writes it
    if text.isascii() and not orjson_differs(text):
        return text.decode()
    return json.dumps(payload, sort_keys=True, separators=(",", ":"))


class ChunkWriter:
    """Writes a file's chunks inside the file's transaction; `close()` it whether the import succeeded or not."""

    def __init__(self, *, batch: ImportBatch, importer: Importer, counts: Counts, totals: CallTotals) -> None:
        self.batch, self.importer, self.counts, self.totals = batch, importer, counts, totals
        self.source = importer.source
        self.book = ActorBook()
        self.prices = PriceBook()
        # this thread's connection object itself: `django.db.connection` would be another one in the writer thread
        database = connections[DEFAULT_DB_ALIAS]
        source_import_lock(database, self.source)  # before anything is read: see its docstring
        self.statistics = PlannerStatistics(
            database,
            {
                RAW_RECORD_UPSERT["table"]: ("natural_key", "source"),
                USAGE_FACT_UPSERT["table"]: ("actor_id", "source", "day"),
                OUTCOME_FACT_UPSERT["table"]: ("actor_id", "source", "day"),
            },
        )
        self.writer = BackgroundWriter(database)
        self.stand_ins = StandIns(self.source) if importer.has_stand_in_usage else None
        self.labels_seen: set[str] = set()

    def finish(self) -> None:
        """After the file's last chunk: check what is stored against the summary, then settle stand-in usage."""
        self.writer.wait()
        self.stored_check()
        if self.stand_ins:
            self.stand_ins.settle(totals=self.totals, book=self.book)

    def stored_check(self) -> None:
        """The contributions stored for this file's raw records add up to its summary: same records, tokens, cost.

        Runs at the end of every file, inside its transaction; raises ImportCheckError (the file is rejected,
        nothing stored changes, an error is logged) when they differ. Stand-in usage is left out on both sides:
        it is settled afterwards (evidence.services.usage.metric_fallback).
        """
        summary_tokens, summary_cost = dict(self.totals.tokens), self.totals.cost_usd
        stored_tokens, stored_cost, records = dict.fromkeys(TOKEN_KINDS, 0), Decimal(0), 0
        # a server-side cursor on PostgreSQL (iterator), so memory stays flat however many records the file has
        contributions = RawRecord.objects.filter(batch_id=self.batch.pk, source=self.source).values_list(
            "contribution", flat=True
        )
        for text in contributions.iterator(chunk_size=CHECK_ROWS):
            records += 1
            tokens, cost = contribution_usage_totals(text)
            for kind, count in tokens.items():
                stored_tokens[kind] += count
            stored_cost += cost
        expected_records = self.counts.read - self.counts.repeated
        if (records, stored_tokens, stored_cost) == (expected_records, summary_tokens, summary_cost):
            return
        logger.error(
            "usage import batch %s (%s): stored %s records, tokens %s, cost %s; the summary says %s, %s, %s",
            self.batch.pk,
            self.source,
            records,
            stored_tokens,
            stored_cost,
            expected_records,
            summary_tokens,
            summary_cost,
        )
        raise ImportCheckError(
            "",
            f"the import's own check failed, so nothing was imported: the file's records add up to {expected_records:,} "
            f"records and {sum(summary_tokens.values()):,} tokens (cost {summary_cost}), but what would be stored adds "
            f"up to {records:,} records and {sum(stored_tokens.values()):,} tokens (cost {stored_cost}). "
            "This is a defect in tokenproof, not in the file; please report it",
        )

    def close(self) -> None:
        """Wait for the last chunk's writes (raising their error, if any) and stop the writer thread."""
        try:
            self.writer.wait()
        finally:
            self.writer.close()

    def _facts(self, where: str, payload: dict[str, Any]) -> Facts:
        try:
            return self.importer.facts(payload)
        except RecordError as error:
            raise RecordRejectedError(where, str(error)) from None

    def flush(self, pending: Pending) -> None:
        """Write one chunk. Its Python work runs while the writer thread still writes the chunk before it."""
        if not pending:
            return
        prepared: list[tuple[str, str, Kept, str, str, Facts, str]] = []
        for key, (where, kept, _) in pending.items():
            text = canonical_json(kept.payload)
            facts = self._facts(where, kept.payload)
            self._price(facts)
            sha = hashlib.sha256(text.encode()).hexdigest()
            prepared.append((key, where, kept, text, sha, facts, contribution_encode(facts)))
        self.writer.wait()  # from here on this thread uses the connection, and the writer is idle
        database = self.writer.database
        stored = stored_records(database, self.source, list(pending))
        # payloads are read back only to undo records stored before contributions were kept, or to name a clash
        old_payloads = stored_payloads(
            database,
            self.source,
            [
                key
                for key, _, _, _, sha, _, contribution in prepared
                if key in stored
                and (not stored[key][1] or stored[key][2] == self.batch.pk)
                and stored[key][:2] not in {(sha, contribution), (sha, "")}
            ],
        )
        now = timezone.now()
        deltas: list[tuple[int, Facts]] = []
        new_raw_rows: list[tuple[Any, ...]] = []
        revised_raw_rows: list[tuple[Any, ...]] = []
        touched: list[tuple[str, str]] = []
        for key, where, kept, text, sha, facts, contribution in prepared:
            found = stored.get(key)
            if found is None:
                self.counts.created += 1
                deltas.append((1, facts))
                new_raw_rows.append((self.source, key, self.batch.pk, text, sha, contribution, now, now))
                continue
            stored_sha, stored_contribution, stored_batch = found
            unchanged = stored_sha == sha and stored_contribution in {"", contribution}
            if stored_batch == self.batch.pk:  # met earlier in this very file
                if not unchanged:
                    raise RecordRejectedError(
                        where, indistinguishable("an earlier record of this file", old_payloads[key], kept.payload)
                    )
                self.counts.unchanged += 1
                self.counts.repeated += 1
                continue
            if unchanged:
                self.counts.unchanged += 1
                deltas.append((0, facts))  # no change, but its actors still count towards this call's volume
                touched.append((key, contribution))
                continue
            self.counts.updated += 1
            deltas.append((1, facts))
            old = (
                self._facts(where, old_payloads[key])  # stored before contributions were kept: derived again
                if not stored_contribution
                else contribution_decode(stored_contribution)
            )
            deltas.append((-1, old))
            revised_raw_rows.append((self.source, key, self.batch.pk, text, sha, contribution, now, now))
        for sign, facts in deltas:
            if sign >= 0:
                self._count_totals(facts)
        new_actor_ids = self.book.resolve_many(_actor_refs(deltas))
        for sign, facts in deltas:
            if sign >= 0:
                for usage_row in facts.usage:
                    if not usage_row.stands_in_for_session:  # counted when the file is settled
                        self._count_actor_tokens(usage_row)
        changing = [(sign, facts) for sign, facts in deltas if sign]
        lowering = any(sign < 0 for sign, _ in changing)  # only a revision's old facts can lower a sum
        self._sessions_write(changing)
        self._commits_write([row for sign, facts in changing if sign > 0 for row in facts.commits])
        self._labels_write(changing)

        def write(database: BaseDatabaseWrapper) -> None:
            # runs in the writer thread; the actor book is not touched by this thread until the writer is idle
            # keys found unstored stay so until the commit: the file holds its source's import lock
            rows_insert(database=database, **RAW_RECORD_UPSERT, rows=new_raw_rows)
            upsert(database=database, **RAW_RECORD_UPSERT, rows=revised_raw_rows)
            raw_records_touch(database=database, source=self.source, batch_id=self.batch.pk, rows=touched)
            self.statistics.note(RAW_RECORD_UPSERT["table"], len(new_raw_rows))
            for spec, rows in (
                (USAGE_FACT_UPSERT, self._usage_rows(changing)),
                (OUTCOME_FACT_UPSERT, self._outcome_rows(changing)),
            ):
                facts_write(
                    database=database,
                    source=self.source,
                    rows=rows,
                    new_actor_ids=new_actor_ids,
                    lowering=lowering,
                    **spec,
                )
                self.statistics.note(spec["table"], len(rows))

        self.writer.submit(write)
        aliases: list[AliasRow] = [alias for sign, facts in changing if sign > 0 for alias in facts.aliases]
        if aliases:  # re-linking reads the facts just written
            self.writer.wait()
            aliases_apply(aliases=aliases, book=self.book)

    def _price(self, facts: Facts) -> None:
        """Give each usage row the cost it adds and that cost's basis: as reported, or from the price table."""
        for row in facts.usage:
            if row.cost_usd is not None:
                row.cost_basis = "reported"
                continue
            row.cost_usd = self.prices.cost(row)
            row.cost_basis = "unknown" if row.cost_usd is None else "price_table"

    def _labels_write(self, deltas: list[tuple[int, Facts]]) -> None:
        """Record each purpose pair the usage names (for admins to map), and names a provider's list gives them."""
        named: dict[tuple[str, str], LabelRow] = {
            (row.attribute, row.value): row for sign, facts in deltas if sign > 0 for row in facts.labels
        }
        labels = {row.purpose for sign, facts in deltas if sign > 0 for row in facts.usage} - self.labels_seen
        self.labels_seen |= labels
        pairs = {tuple(pair.split("=", 1)) for label in labels if label for pair in label.split("|")}
        if pairs:
            PurposeLabel.objects.bulk_create(
                [PurposeLabel(attribute=attribute, value=value) for attribute, value in sorted(pairs)],
                ignore_conflicts=True,
            )
        if named:
            PurposeLabel.objects.bulk_create(
                [
                    PurposeLabel(attribute=row.attribute, value=row.value[:64], name=row.name[:255])
                    for row in named.values()
                ],
                update_conflicts=True,
                unique_fields=["attribute", "value"],
                update_fields=["name"],
            )

    def _count_actor_tokens(self, row: UsageRow) -> None:
        """Volume per unresolved actor, for the summary; resolved actors are not tracked, to keep memory small."""
        actor = self.book.get(row.actor)
        if actor.owner == SourceActor.Owner.UNRESOLVED:
            self.totals.actor_tokens[actor.actor_id] += row.tokens()

    def _count_totals(self, facts: Facts) -> None:
        for row in self.stand_ins.note(facts) if self.stand_ins else facts.usage:
            for kind in TOKEN_KINDS:
                self.totals.tokens[kind] += getattr(row, kind)
            self.totals.cost_usd += row.cost_usd or 0

    def _usage_rows(self, deltas: list[tuple[int, Facts]]) -> list[tuple[Any, ...]]:
        """Usage facts' differences, summed per fact, in USAGE_FACT_UPSERT's columns."""
        merged: dict[tuple[Any, ...], list[Any]] = {}
        for sign, facts in deltas:
            for row in facts.usage:
                actor = self.book.get(row.actor)
                basis, cost = row.cost_basis, row.cost_usd  # as priced when the record was read (`_price`)
                key = (actor.actor_id, row.day, row.tool, row.model[:120], row.dimension[:255], row.purpose[:255])
                values = [
                    sign * row.input_uncached,
                    sign * row.cache_read,
                    sign * row.cache_write,
                    sign * row.output,
                    sign * row.requests,
                ]
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
        return [(self.source, *key, *values, "") for key, values in merged.items()]

    def _outcome_rows(self, deltas: list[tuple[int, Facts]]) -> list[list[Any]]:
        """Outcome facts' differences, summed per fact, in OUTCOME_FACT_UPSERT's columns."""
        merged: dict[tuple[Any, ...], list[Any]] = {}  # each value is the row itself, summed in place
        actor_of: tuple[Any, ...] = (None, None)  # an importer gives a record's rows one actor and day
        source = self.source
        for sign, facts in deltas:
            for row in facts.outcomes:
                if row.actor is not actor_of[0] or row.day != actor_of[1]:
                    actor = self.book.get(row.actor)
                    actor_of = (row.actor, row.day, actor.actor_id, actor.person_on(row.day))
                key = (actor_of[2], row.day, row.tool, row.metric)
                current = merged.get(key)
                if current is None:
                    merged[key] = [source, *key, actor_of[3], sign * row.value]
                else:
                    current[6] += sign * row.value
        return list(merged.values())

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
            batch_size=BULK_ROWS,
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
                batch_size=BULK_ROWS,
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


def _actor_refs(deltas: list[tuple[int, Facts]]) -> Iterator[ActorRef]:
    """The actors the facts name; a record's rows share one actor object, so each is given about once per record."""
    for _, facts in deltas:
        last = None
        for rows in (facts.usage, facts.outcomes, facts.sessions, facts.commits):
            for row in rows:
                if row.actor is not last:
                    last = row.actor
                    yield last


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

"""Writing one chunk of a usage file: raw records, then the facts' differences, as multi-row upserts.

Per chunk, the natural keys are looked up among the raw records already stored; unchanged records are skipped,
new ones add their facts, and revised ones add the difference between their new and their stored payload's
facts. Facts are therefore sums that any order of imports, re-imports, revisions and overlapping files leaves
the same. On PostgreSQL rows go through COPY into a temporary table and one INSERT … SELECT … ON CONFLICT; on
SQLite through multi-row INSERT … VALUES … ON CONFLICT.
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import connection
from django.utils import timezone

from evidence.importers.base import AliasRow, CommitRow, Facts, Importer, Kept, RecordError, SessionRow, UsageRow
from evidence.models import ImportBatch, PriceEntry, SourceActor, ToolReportedCommit, UsageSession
from evidence.services.identities import ActorBook, aliases_apply

UPSERT_ROWS = 1000
TOKEN_KINDS = ("input_uncached", "cache_read", "cache_write", "output")


class RecordRejectedError(Exception):
    """A record of the file cannot be imported: the whole file is rejected with where and why."""

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
class Counts:
    read: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0


def _canonical_json(payload: dict[str, Any]) -> str:
    return json.dumps(payload, sort_keys=True, separators=(",", ":"))


class PriceBook:
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


class ChunkWriter:
    def __init__(self, *, batch: ImportBatch, importer: Importer, counts: Counts, totals: CallTotals) -> None:
        self.batch, self.importer, self.counts, self.totals = batch, importer, counts, totals
        self.source = importer.source
        self.book = ActorBook()
        self.prices = PriceBook()

    def _facts(self, where: str, payload: dict[str, Any]) -> Facts:
        try:
            return self.importer.facts(payload)
        except RecordError as error:
            raise RecordRejectedError(where, str(error)) from None

    def flush(self, pending: dict[str, tuple[str, Kept]]) -> None:
        if not pending:
            return
        stored = _stored_shas(self.source, list(pending))
        texts = {key: _canonical_json(kept.payload) for key, (_, kept) in pending.items()}
        shas = {key: hashlib.sha256(text.encode()).hexdigest() for key, text in texts.items()}
        changed = [key for key in pending if key in stored and stored[key] != shas[key]]
        old_payloads = _stored_payloads(self.source, changed)
        now = timezone.now()
        deltas: list[tuple[int, Facts]] = []
        raw_rows: list[tuple[Any, ...]] = []
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
            raw_rows.append((self.source, key, self.batch.pk, texts[key], shas[key], now, now))
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
                    self._count_actor_tokens(usage_row)
        upsert(
            table="evidence_rawrecord",
            columns=("source", "natural_key", "batch_id", "payload", "payload_sha256", "first_seen_at", "updated_at"),
            key=("source", "natural_key"),
            replaced=("batch_id", "payload", "payload_sha256", "updated_at"),
            rows=raw_rows,
            json_columns=("payload",),
        )
        changing = [(sign, facts) for sign, facts in deltas if sign]
        self._usage_write(changing)
        self._outcomes_write(changing)
        self._sessions_write(changing)
        self._commits_write([row for sign, facts in changing if sign > 0 for row in facts.commits])
        aliases: list[AliasRow] = [alias for sign, facts in changing if sign > 0 for alias in facts.aliases]
        aliases_apply(aliases=aliases, book=self.book)

    def _count_actor_tokens(self, row: UsageRow) -> None:
        """Volume per unresolved actor, for the summary; resolved actors are not tracked, to keep memory small."""
        actor = self.book.get(row.actor)
        if actor.owner == SourceActor.Owner.UNRESOLVED:
            self.totals.actor_tokens[actor.actor_id] += row.tokens()

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
                    self._count_actor_tokens(row)
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
        upsert(
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
        upsert(
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


def upsert(
    *,
    table: str,
    columns: Sequence[str],
    key: Sequence[str],
    rows: list[tuple[Any, ...]],
    added: Sequence[str] = (),
    nullable_added: Sequence[str] = (),
    replaced: Sequence[str] = (),
    json_columns: Sequence[str] = (),
) -> None:
    """INSERT … ON CONFLICT DO UPDATE that adds the `added` columns and replaces the `replaced` ones.

    The ORM's bulk_create(update_conflicts=True) can only replace values, and a fact here is a sum over records.
    """
    if not rows:
        return
    # A revision that lowers a count is a negative difference. CHECK constraints judge the proposed row before
    # ON CONFLICT applies, so such differences update the existing row instead of going through the upsert.
    positions = [columns.index(name) for name in (*added, *nullable_added)]
    if positions:
        lowering = [row for row in rows if any(row[index] is not None and row[index] < 0 for index in positions)]
        if lowering:
            _update_add(
                table=table, columns=columns, key=key, added=(*added, *nullable_added), replaced=replaced, rows=lowering
            )
            rows = [row for row in rows if row not in lowering]
            if not rows:
                return
    quote = connection.ops.quote_name
    target = quote(table)
    updates = [f"{quote(name)} = {target}.{quote(name)} + excluded.{quote(name)}" for name in added]
    updates += [
        f"{quote(name)} = CASE WHEN {target}.{quote(name)} IS NULL AND excluded.{quote(name)} IS NULL THEN NULL "
        f"ELSE COALESCE({target}.{quote(name)}, 0) + COALESCE(excluded.{quote(name)}, 0) END"
        for name in nullable_added
    ]
    updates += [f"{quote(name)} = excluded.{quote(name)}" for name in replaced]
    names = ", ".join(quote(name) for name in columns)
    conflict = f" ON CONFLICT ({', '.join(quote(name) for name in key)}) DO UPDATE SET {', '.join(updates)}"
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # COPY is PostgreSQL's fast path; the temporary table lives as long as the connection, emptied per use
            staging = quote(f"staging_{table}")
            # S608: identifiers come from this module's code, quoted by the backend; all values are parameters
            cursor.execute(f"CREATE TEMP TABLE IF NOT EXISTS {staging} AS SELECT {names} FROM {target} WITH NO DATA")  # noqa: S608
            cursor.execute(f"TRUNCATE {staging}")
            with cursor.copy(f"COPY {staging} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            cursor.execute(f"INSERT INTO {target} ({names}) SELECT {names} FROM {staging}{conflict}")  # noqa: S608
            return
        placeholder = "(" + ", ".join(["%s"] * len(columns)) + ")"
        for start in range(0, len(rows), UPSERT_ROWS):
            chunk = rows[start : start + UPSERT_ROWS]
            params = [value for row in chunk for value in row]
            values = ", ".join([placeholder] * len(chunk))
            cursor.execute(f"INSERT INTO {target} ({names}) VALUES {values}{conflict}", params)  # noqa: S608


def _stored_shas(source: str, keys: list[str]) -> dict[str, str]:
    """The stored payload hash of each of these natural keys that is stored."""
    return dict(_raw_lookup("payload_sha256", source, keys))


def _stored_payloads(source: str, keys: list[str]) -> dict[str, dict[str, Any]]:
    return {
        key: payload if isinstance(payload, dict) else json.loads(payload)
        for key, payload in _raw_lookup("payload", source, keys)
    }


def _raw_lookup(column: str, source: str, keys: list[str]) -> list[tuple[str, Any]]:
    if not keys:
        return []
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # one array parameter instead of thousands of placeholders
            cursor.execute(
                f"SELECT natural_key, {column} FROM evidence_rawrecord WHERE source = %s AND natural_key = ANY(%s)",  # noqa: S608
                [source, keys],
            )
            return list(cursor.fetchall())
        found: list[tuple[str, Any]] = []
        for start in range(0, len(keys), UPSERT_ROWS):
            chunk = keys[start : start + UPSERT_ROWS]
            marks = ", ".join(["%s"] * len(chunk))
            cursor.execute(
                f"SELECT natural_key, {column} FROM evidence_rawrecord WHERE source = %s AND natural_key IN ({marks})",  # noqa: S608
                [source, *chunk],
            )
            found.extend(cursor.fetchall())
        return found


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

"""The SQL under a usage import: multi-row upserts that add to sums, raw-record look-ups, and a background writer.

PostgreSQL's faster paths for rows that cannot conflict are in evidence.services.usage.postgres_copy.

The importer's Python work (parsing, checking, deriving facts) and the database's work (index upkeep, constraint
checks) can run at the same time: `BackgroundWriter` runs a chunk's upserts in a thread on the import's own
connection and transaction while the next chunk is parsed. The connection is never used by two threads at once:
the import waits for the writer before it reads or writes anything itself.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any, TypeVar

from django.db.backends.base.base import BaseDatabaseWrapper

UPSERT_ROWS = 1000
T = TypeVar("T")


class BackgroundWriter:
    """One thread that runs the import's writes, one chunk at a time, on the caller's connection."""

    def __init__(self, database: BaseDatabaseWrapper) -> None:
        self.database = database
        self._work: Callable[[BaseDatabaseWrapper], None] | None = None
        self._error: BaseException | None = None
        self._ready = threading.Condition()
        self._stopping = False
        self._thread = threading.Thread(target=self._run, name="usage-import-writer", daemon=True)
        self.database.inc_thread_sharing()  # Django refuses a connection shared across threads unless told
        self._thread.start()

    def submit(self, work: Callable[[BaseDatabaseWrapper], None]) -> None:
        """Run `work(database)` in the writer thread; returns at once. Waits first for the previous work."""
        self.wait()
        with self._ready:
            self._work = work
            self._ready.notify_all()

    def wait(self) -> None:
        """Return once the writer is idle; re-raise here whatever its last work raised."""
        with self._ready:
            self._ready.wait_for(lambda: self._work is None)
            error, self._error = self._error, None
        if error is not None:
            raise error

    def close(self) -> None:
        """Stop the thread after its work (also when the import failed, so the rollback sees an idle connection)."""
        with self._ready:
            self._ready.wait_for(lambda: self._work is None)
            self._stopping = True
            self._ready.notify_all()
        self._thread.join()
        self.database.dec_thread_sharing()

    def _run(self) -> None:
        while True:
            with self._ready:
                self._ready.wait_for(lambda: self._work is not None or self._stopping)
                if self._work is None:
                    return
                work = self._work
            try:
                work(self.database)
            except BaseException as error:  # handed to the import's thread, which raises it
                with self._ready:
                    self._error = error
            with self._ready:
                self._work = None
                self._ready.notify_all()


def batches_of_few_sizes(items: Sequence[T]) -> Iterator[Sequence[T]]:
    """Slices of UPSERT_ROWS items, then of powers of two, so that statements come in a dozen sizes.

    SQLite statements carry their rows as placeholders, and Python's sqlite3 keeps the last 128 distinct
    statements compiled. With one odd-sized remainder per chunk, that cache filled with large statements as a file
    grew; a dozen sizes per table keep it small and flat (docs/benchmarks.md).
    """
    start = 0
    size = UPSERT_ROWS
    while start < len(items):
        while size > len(items) - start:
            size = 1 << (size.bit_length() - 1) if size & (size - 1) else size // 2
        yield items[start : start + size]
        start += size


def upsert(
    *,
    database: BaseDatabaseWrapper,
    table: str,
    columns: Sequence[str],
    key: Sequence[str],
    rows: Sequence[Sequence[Any]],
    added: Sequence[str] = (),
    nullable_added: Sequence[str] = (),
    replaced: Sequence[str] = (),
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
                database=database,
                table=table,
                columns=columns,
                key=key,
                added=(*added, *nullable_added),
                replaced=replaced,
                rows=lowering,
            )
            lowered = set(map(id, lowering))
            rows = [row for row in rows if id(row) not in lowered]
            if not rows:
                return
    quote = database.ops.quote_name
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
    with database.cursor() as cursor:
        if database.vendor == "postgresql":
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
        for batch in batches_of_few_sizes(rows):
            params = [value for row in batch for value in row]
            values = ", ".join([placeholder] * len(batch))
            cursor.execute(f"INSERT INTO {target} ({names}) VALUES {values}{conflict}", params)  # noqa: S608


def _update_add(
    *,
    database: BaseDatabaseWrapper,
    table: str,
    columns: Sequence[str],
    key: Sequence[str],
    added: Sequence[str],
    replaced: Sequence[str],
    rows: Sequence[Sequence[Any]],
) -> None:
    """Add differences to rows that exist (a revised record's earlier contribution is always stored)."""
    quote = database.ops.quote_name
    assignments = [f"{quote(name)} = COALESCE({quote(name)}, 0) + %s" for name in added]
    assignments += [f"{quote(name)} = %s" for name in replaced]
    conditions = [f"{quote(name)} = %s" for name in key]
    # S608: identifiers come from this module's code, quoted by the backend; all values are parameters
    statement = f"UPDATE {quote(table)} SET {', '.join(assignments)} WHERE {' AND '.join(conditions)}"  # noqa: S608
    params = [
        [row[columns.index(name)] or 0 for name in added] + [row[columns.index(name)] for name in (*replaced, *key)]
        for row in rows
    ]
    with database.cursor() as cursor:
        cursor.executemany(statement, params)


@contextmanager
def index_scans_only(cursor: Any) -> Iterator[None]:
    """Look-ups of a chunk's keys by index (PostgreSQL): one probe per key is what they need.

    With the default random_page_cost the planner prefers scanning a few hundred thousand rows to two thousand
    probes, which makes every chunk's look-up grow with the table.
    """
    cursor.execute("SET LOCAL enable_seqscan = off")
    try:
        yield
    finally:
        cursor.execute("RESET enable_seqscan")


StoredRecord = tuple[str, str, int]  # payload hash, contribution (empty before they were kept), batch id


def stored_records(database: BaseDatabaseWrapper, source: str, keys: list[str]) -> dict[str, StoredRecord]:
    """For each of these natural keys that is stored: its payload hash, contribution and batch."""
    rows = _raw_lookup(database, "payload_sha256, contribution, batch_id", source, keys)
    return {key: (sha, contribution, batch_id) for key, sha, contribution, batch_id in rows}


def raw_records_touch(
    *, database: BaseDatabaseWrapper, source: str, batch_id: int, rows: Sequence[tuple[str, str]]
) -> None:
    """Mark unchanged raw records (natural key, contribution) as read by this batch, their contribution filled in.

    The batch's records are then exactly those of its file, which the end-of-file check sums; a record stored
    before contributions were kept gets its contribution here.
    """
    if not rows:
        return
    with database.cursor() as cursor:
        if database.vendor == "postgresql":
            cursor.execute(
                "UPDATE evidence_rawrecord AS raw SET batch_id = %s, contribution = touched.contribution "
                "FROM unnest(%s::text[], %s::text[]) AS touched (natural_key, contribution) "
                "WHERE raw.natural_key = touched.natural_key AND raw.source = %s",
                [batch_id, [key for key, _ in rows], [text for _, text in rows], source],
            )
            return
        cursor.executemany(
            "UPDATE evidence_rawrecord SET batch_id = %s, contribution = %s WHERE natural_key = %s AND source = %s",
            [(batch_id, text, key, source) for key, text in rows],
        )


def stored_payloads(database: BaseDatabaseWrapper, source: str, keys: list[str]) -> dict[str, dict[str, Any]]:
    return {
        key: payload if isinstance(payload, dict) else json.loads(payload)
        for key, payload in _raw_lookup(database, "payload", source, keys)
    }


def _raw_lookup(database: BaseDatabaseWrapper, columns: str, source: str, keys: list[str]) -> list[tuple[Any, ...]]:
    """(natural key, *columns) of each of these keys that is stored."""
    if not keys:
        return []
    with database.cursor() as cursor:
        if database.vendor == "postgresql":
            # one array parameter instead of thousands of placeholders
            with index_scans_only(cursor):
                cursor.execute(
                    f"SELECT natural_key, {columns} FROM evidence_rawrecord WHERE natural_key = ANY(%s) AND source = %s",  # noqa: S608
                    [keys, source],
                )
                return list(cursor.fetchall())
        found: list[tuple[Any, ...]] = []
        for chunk in batches_of_few_sizes(keys):
            marks = ", ".join(["%s"] * len(chunk))
            cursor.execute(
                f"SELECT natural_key, {columns} FROM evidence_rawrecord WHERE source = %s AND natural_key IN ({marks})",  # noqa: S608
                [source, *chunk],
            )
            found.extend(cursor.fetchall())
        return found

"""PostgreSQL's fast path for a usage import: COPY where no stored row can conflict, under the source's lock.

INSERT … ON CONFLICT probes the key and confirms a speculative insert for every row. A file's new raw records
and the facts of (actor, day) pairs with no row yet cannot conflict with anything while the file holds its
source's import lock, so they are copied straight in. The look-ups that tell them apart stay index probes as
the tables grow within the import's transaction: PlannerStatistics analyses the tables as the import fills them.
SQLite takes the upserts of evidence.services.usage.upsert throughout.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from typing import Any

from django.db import OperationalError
from django.db.backends.base.base import BaseDatabaseWrapper

from evidence.services.usage.upsert import index_scans_only, upsert


def source_import_lock(database: BaseDatabaseWrapper, source: str) -> None:
    """Hold this source's import lock until the transaction ends (PostgreSQL; SQLite has one writer anyway).

    Two imports of one source at once would each find an overlapping record not yet stored and add its facts
    twice; with the lock the second waits, then finds the first's records. It also guarantees that a key this
    import finds unstored stays unstored, so such rows can be copied in without ON CONFLICT.
    """
    if database.vendor == "postgresql":
        with database.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(hashtextextended(%s, 0))", [f"tokenproof:usage:{source}"])


def rows_copy(
    *, database: BaseDatabaseWrapper, table: str, columns: Sequence[str], rows: Sequence[Sequence[Any]]
) -> None:
    """COPY rows straight into a PostgreSQL table: its fastest write, for rows that cannot conflict with any."""
    if not rows:
        return
    quote = database.ops.quote_name
    with (
        database.cursor() as cursor,
        cursor.copy(f"COPY {quote(table)} ({', '.join(quote(name) for name in columns)}) FROM STDIN") as copy,
    ):
        for row in rows:
            copy.write_row(row)


def rows_insert(*, database: BaseDatabaseWrapper, rows: list[tuple[Any, ...]], **spec: Any) -> None:
    """Insert rows whose keys are known not to be stored: COPY on PostgreSQL, `upsert` on SQLite."""
    if database.vendor == "postgresql":
        rows_copy(database=database, table=spec["table"], columns=spec["columns"], rows=rows)
    else:
        upsert(database=database, rows=rows, **spec)


def facts_write(
    *,
    database: BaseDatabaseWrapper,
    source: str,
    rows: Sequence[Sequence[Any]],
    new_actor_ids: Collection[int] = (),
    lowering: bool = True,
    **spec: Any,
) -> None:
    """Add fact differences to a fact table whose natural key starts with (actor, source, day).

    On PostgreSQL, rows whose actor has no fact of this source on that day yet, and that add nothing negative,
    are copied straight in: INSERT … ON CONFLICT costs about 55% more per row (it probes the key, then confirms a
    speculative insert). The source's import lock keeps those (actor, day) pairs free until the commit. Actors
    in `new_actor_ids` were created by this chunk, so their pairs need no look-up; with `lowering` false no row
    adds a negative number. The rest, and every row on SQLite, go through `upsert`.
    """
    if database.vendor != "postgresql" or not rows:
        upsert(database=database, rows=rows, **spec)
        return
    columns = spec["columns"]
    actor_at, day_at = columns.index("actor_id"), columns.index("day")
    added_at = [columns.index(name) for name in (*spec.get("added", ()), *spec.get("nullable_added", ()))]
    pairs = {(row[actor_at], row[day_at]) for row in rows if row[actor_at] not in new_actor_ids}
    stored = _stored_actor_days(database, spec["table"], source, pairs) if pairs else set()
    if not stored and not lowering:
        rows_copy(database=database, table=spec["table"], columns=columns, rows=rows)
        return
    fresh, known = [], []
    for row in rows:
        if (row[actor_at], row[day_at]) in stored or (
            lowering and any(row[at] is not None and row[at] < 0 for at in added_at)
        ):
            known.append(row)
        else:
            fresh.append(row)
    rows_copy(database=database, table=spec["table"], columns=columns, rows=fresh)
    upsert(database=database, rows=known, **spec)


def _stored_actor_days(
    database: BaseDatabaseWrapper, table: str, source: str, pairs: set[tuple[int, Any]]
) -> set[tuple[int, Any]]:
    """Which of these (actor, day) pairs already have a row of this source: one index scan over the chunk's actors."""
    days = [day for _, day in pairs]
    with database.cursor() as cursor, index_scans_only(cursor):
        # S608: the table name comes from this module's callers' constants; all values are parameters
        cursor.execute(
            f"SELECT DISTINCT actor_id, day FROM {database.ops.quote_name(table)} "  # noqa: S608
            "WHERE actor_id = ANY(%s) AND source = %s AND day BETWEEN %s AND %s",
            [list({actor for actor, _ in pairs}), source, min(days), max(days)],
        )
        return set(cursor.fetchall()) & pairs


class PlannerStatistics:
    """Keeps PostgreSQL's statistics of the tables an import writes in step with the rows it adds.

    Statistics change only when the tables are analysed, and autovacuum cannot see rows the import has not
    committed. Planning for a table it believes nearly empty, PostgreSQL scanned all of a source's raw records
    to find each chunk's keys, which made a 1,000,000-record import quadratic. ANALYZE inside the import's
    transaction samples its own rows too, so the tables are analysed each time the import has doubled them.
    """

    FIRST_AT_ROWS = 10_000
    LOCK_WAIT = "100ms"  # another transaction analysing the same table (autovacuum, an import of another source)

    def __init__(self, database: BaseDatabaseWrapper, tables: Mapping[str, Sequence[str]]) -> None:
        """`tables`: each table's columns that the import's look-ups filter on (only those are analysed)."""
        self.database = database
        self.enabled = database.vendor == "postgresql"
        self.columns = tables
        self.rows: dict[str, float] = dict.fromkeys(tables, 0.0)
        self.written: dict[str, int] = dict.fromkeys(tables, 0)
        if self.enabled:
            with database.cursor() as cursor:
                cursor.execute("SELECT relname, reltuples FROM pg_class WHERE relname = ANY(%s)", [list(tables)])
                self.rows.update({name: max(0.0, rows) for name, rows in cursor.fetchall()})

    def note(self, table: str, rows: int) -> None:
        """Count rows written to a table; analyse it once they are as many as it held when last analysed."""
        if not self.enabled:
            return
        self.written[table] += rows
        if self.written[table] >= max(self.FIRST_AT_ROWS, self.rows[table]):
            self.rows[table] += self.written[table]
            self.written[table] = 0
            self._analyze(table)

    def _analyze(self, table: str) -> None:
        """ANALYZE under a savepoint: if another transaction holds the table's statistics, skip rather than wait."""
        with self.database.cursor() as cursor:
            cursor.execute("SAVEPOINT planner_statistics")
            cursor.execute(f"SET LOCAL lock_timeout = '{self.LOCK_WAIT}'")
            try:
                quote = self.database.ops.quote_name
                cursor.execute(f"ANALYZE {quote(table)} ({', '.join(map(quote, self.columns[table]))})")
            except OperationalError:
                cursor.execute("ROLLBACK TO SAVEPOINT planner_statistics")
            cursor.execute("RELEASE SAVEPOINT planner_statistics")
            cursor.execute("RESET lock_timeout")

"""An import analyses the tables it fills (PostgreSQL), and never waits for another transaction to do so."""

from __future__ import annotations

import threading
import time

import pytest
from django.db import connection, connections, transaction
from django.test.utils import CaptureQueriesContext

from evidence.models import RawRecord
from evidence.services.usage.postgres_copy import PlannerStatistics

pytestmark = pytest.mark.django_db(transaction=True)

RAW = {"evidence_rawrecord": ("natural_key", "source")}


def test_statistics_are_analysed_when_rows_double_and_skipped_while_another_transaction_holds_them() -> None:
    if connection.vendor != "postgresql":
        statistics = PlannerStatistics(connection, RAW)
        with CaptureQueriesContext(connection) as queries:
            statistics.note("evidence_rawrecord", 10 * PlannerStatistics.FIRST_AT_ROWS)
        assert queries.captured_queries == []  # SQLite plans without them
        return
    holding, release = threading.Event(), threading.Event()

    def hold_the_statistics() -> None:  # as autovacuum or another source's import would
        try:
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute("LOCK TABLE evidence_rawrecord IN SHARE UPDATE EXCLUSIVE MODE")
                holding.set()
                assert release.wait(30)
        finally:
            connections.close_all()

    holder = threading.Thread(target=hold_the_statistics)
    holder.start()
    try:
        assert holding.wait(30)
        with transaction.atomic(), CaptureQueriesContext(connection) as queries:
            statistics = PlannerStatistics(connection, RAW)
            statistics.note("evidence_rawrecord", PlannerStatistics.FIRST_AT_ROWS - 1)
            assert not [query for query in queries.captured_queries if "ANALYZE" in query["sql"]]
            started = time.monotonic()
            statistics.note("evidence_rawrecord", 1)  # 10,000 rows written: time to analyse, but the table is held
            waited = time.monotonic() - started
            assert RawRecord.objects.count() == 0  # the import's transaction goes on
    finally:
        release.set()
        holder.join(30)
    assert [query["sql"] for query in queries.captured_queries if "ANALYZE" in query["sql"]] == [
        'ANALYZE "evidence_rawrecord" ("natural_key", "source")'
    ]
    assert waited < 5

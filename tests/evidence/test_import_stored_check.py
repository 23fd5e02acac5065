"""The end-of-import check: what is stored for a file equals what its summary reports, or the file is rejected."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest
from django.db import connection

from evidence.models import ImportBatch, RawRecord, ToolOutcomeFact, UsageFact
from tests.evidence.usage_files import EXAMPLES, import_file, import_ok

pytestmark = pytest.mark.django_db


@pytest.fixture
def raw_records_lost() -> Iterator[None]:
    """A database that silently loses every raw record written (SQLite trigger): a real fault, not a stand-in."""
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TRIGGER raw_record_lost AFTER INSERT ON evidence_rawrecord "
            "BEGIN DELETE FROM evidence_rawrecord WHERE id = NEW.id; END"
        )
    yield
    with connection.cursor() as cursor:
        cursor.execute("DROP TRIGGER raw_record_lost")


@pytest.mark.parametrize("source", sorted(EXAMPLES))
@pytest.mark.usefixtures("raw_records_lost")
def test_a_file_whose_stored_records_differ_from_its_summary_is_rejected_loudly(
    source: str, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.ERROR, logger="evidence.services.usage.chunk_writer"):
        batch = import_file(source, EXAMPLES[source]).batches[0]
    assert batch.status == ImportBatch.Status.REJECTED
    assert "the import's own check failed, so nothing was imported" in batch.error
    assert "but what would be stored adds up to 0 records" in batch.error
    assert any("stored 0 records" in record.getMessage() for record in caplog.records)
    assert not UsageFact.objects.exists()
    assert not ToolOutcomeFact.objects.exists()


@pytest.mark.parametrize("source", sorted(EXAMPLES))
def test_the_check_passes_on_every_source_and_on_a_reimport(source: str) -> None:
    first = import_ok(source, EXAMPLES[source])
    again = import_ok(source, EXAMPLES[source], allow_duplicate=True)
    # the re-read file's records are its batch's now: the check summed them, unchanged
    assert RawRecord.objects.filter(batch=again).count() == again.unchanged == first.created
    assert again.summary == first.summary

"""Natural keys: records the importer cannot tell apart never overwrite each other; a file is stored as summarised."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.db import transaction
from django.db.models import Sum
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from evidence.importers import IMPORTERS
from evidence.importers.base import differing_fields
from evidence.models import ImportBatch, RawRecord, UsageFact
from evidence.services.usage.imports import ImportSummary
from tests.evidence.test_import_properties import EXAMPLE_RECORDS, leaf_paths, replaced
from tests.evidence.usage_files import FIXTURES, import_file

pytestmark = pytest.mark.django_db
FIELD = FIXTURES / "field"
TOKEN_KINDS = ("input_uncached", "cache_read", "cache_write", "output")


def stored_tokens(source: str) -> dict[str, int]:
    sums = UsageFact.objects.filter(source=source).aggregate(**{kind: Sum(kind) for kind in TOKEN_KINDS})
    return {kind: sums[kind] or 0 for kind in TOKEN_KINDS}


def test_openai_results_differing_in_api_source_are_two_records() -> None:
    """The field case: agents_api and unlabeled results of one user, key, model and day (45,000 + 7,900 tokens)."""
    summary = import_file("openai-usage", FIELD / "openai_api_source.json")
    batch = summary.batches[0]
    assert batch.status == ImportBatch.Status.DONE, batch.error
    assert (batch.read, batch.created) == (2, 2)
    assert sum(summary.totals.tokens.values()) == 52_900
    assert stored_tokens("openai-usage") == {
        "input_uncached": 17_000,
        "cache_read": 30_000,
        "cache_write": 0,
        "output": 5_900,
    }
    assert RawRecord.objects.filter(source="openai-usage").count() == 2


def test_a_key_met_twice_with_different_values_rejects_the_file_naming_the_field(tmp_path: Path) -> None:
    page = json.loads((FIELD / "openai_api_source.json").read_text())
    for result in page["data"][0]["results"]:
        result["api_source"] = "agents_api"  # as if the two results could not be told apart
    path = tmp_path / "clash.json"
    path.write_text(json.dumps(page))
    batch = import_file("openai-usage", path).batches[0]
    assert batch.status == ImportBatch.Status.REJECTED
    assert (
        "clash.json, line 1, record 1, item 2: this record has the same natural key as line 1, record 1" in batch.error
    )
    assert "differs in 'input_cache_write_tokens'" not in batch.error  # equal in both: not named
    assert "differs in 'input_cached_tokens', 'input_tokens', 'input_uncached_tokens'" in batch.error
    assert not RawRecord.objects.exists()


COPILOT_ROW = json.loads((FIXTURES / "copilot_users_1_day.ndjson").read_text().splitlines()[0])


def import_copilot_rows(folder: Path, name: str, *rows: dict[str, Any]) -> ImportSummary:
    path = folder / name
    path.write_text("".join(json.dumps(row) + "\n" for row in rows))
    return import_file("copilot-metrics", path)


def test_a_field_the_importer_does_not_read_is_named_when_it_is_all_that_differs(tmp_path: Path) -> None:
    # a grouping a provider might add, unknown to the importer
    rows = ({**COPILOT_ROW, "workspace_kind": "primary"}, {**COPILOT_ROW, "workspace_kind": "secondary"})
    batch = import_copilot_rows(tmp_path, "grouped.ndjson", *rows).batches[0]
    assert batch.status == ImportBatch.Status.REJECTED
    assert "grouped.ndjson, line 2" in batch.error
    assert "differs in 'workspace_kind'" in batch.error


def test_the_same_record_twice_in_a_file_counts_once_in_the_summary(tmp_path: Path) -> None:
    summary = import_copilot_rows(tmp_path, "doubled.ndjson", COPILOT_ROW, COPILOT_ROW)
    assert summary.totals.tokens == stored_tokens("copilot-metrics")


def test_a_key_met_again_in_a_later_chunk_is_compared_with_the_stored_record(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("evidence.services.usage.imports.CHUNK_RECORDS", 1)  # each record its own chunk
    changed = {**COPILOT_ROW, "loc_added_sum": 1}
    batch = import_copilot_rows(tmp_path, "chunks.ndjson", COPILOT_ROW, COPILOT_ROW, changed).batches[0]
    assert batch.status == ImportBatch.Status.REJECTED
    assert "chunks.ndjson, line 3" in batch.error
    assert "an earlier record of this file but differs in 'loc_added_sum'" in batch.error


class _RolledBack(Exception):  # noqa: N818  # not an error: the signal that rolls an example back
    pass


def import_outcome(source: str, path: Path) -> tuple[ImportSummary, dict[str, int], int]:
    """Import in a savepoint that is rolled back, so every example starts from an empty database."""
    found: list[tuple[ImportSummary, dict[str, int], int]] = []
    try:
        with transaction.atomic():
            summary = import_file(source, path)
            found.append((summary, stored_tokens(source), RawRecord.objects.filter(source=source).count()))
            raise _RolledBack
    except _RolledBack:
        pass
    return found[0]


def changed_value(value: object) -> object:
    """Another value of the same type: the record then differs from its copy in this one field."""
    if isinstance(value, bool):
        return not value
    if isinstance(value, int):
        return value + 1
    if isinstance(value, float):
        return value + 0.5
    assert isinstance(value, str)
    return value + "x"


def importer_fields(source: str, records: list[dict[str, Any]]) -> list[str]:
    """The fields in which the records' expanded forms (what the importer keys) differ, as leaf names."""
    importer = IMPORTERS[source]
    try:
        first, second = ([*importer.expand(json.loads(json.dumps(record)))] for record in records)
    except ValueError:
        return []
    return [path.rsplit(".", 1)[-1].split("[")[0] for path in differing_fields(first, second)]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(source=st.sampled_from(sorted(EXAMPLE_RECORDS)), data=st.data())
def test_records_differing_in_one_field_are_both_kept_or_the_file_names_the_field(
    source: str, data: st.DataObject, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """Each parser gets a record and a copy differing in one field: either both are stored, the stored facts equal
    the summary, or the file is rejected naming a field the two differ in. Never does one overwrite the other."""
    record = data.draw(st.sampled_from(EXAMPLE_RECORDS[source]))
    paths = [path for path in leaf_paths(record) if path and isinstance(path[-1], str)]
    path = data.draw(st.sampled_from(paths))
    target: Any = record
    for step in path:
        target = target[step]
    if target is None or isinstance(target, dict | list):
        return
    copy = replaced(record, path, changed_value(target))
    file = tmp_path_factory.mktemp("pair") / "pair.jsonl"
    file.write_text(f"{json.dumps(record)}\n{json.dumps(copy)}\n")
    summary, stored, raw_records = import_outcome(source, file)
    batch = summary.batches[0]
    if batch.status == ImportBatch.Status.REJECTED:
        named = [*importer_fields(source, [record, copy]), str(path[-1])]
        assert any(f"'{name}" in batch.error or f"{name}'" in batch.error for name in named), (batch.error, named)
        return
    assert stored == summary.totals.tokens
    assert raw_records == batch.created > 0
    assert summary.totals.cost_usd >= Decimal(0)

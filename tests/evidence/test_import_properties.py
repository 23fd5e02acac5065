"""Hypothesis drives every parser: whatever a file holds, an importer yields checked facts or a clear rejection."""

from __future__ import annotations

import datetime as dt
import json
import tempfile
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from evidence.importers import IMPORTERS, Importer
from evidence.importers.base import EARLIEST_DAY, MAX_COUNT, RecordError
from evidence.importers.reading import ReadError, records_read
from tests.evidence.usage_files import EXAMPLES, FIXTURES

JSON_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**20), max_value=10**20)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=30),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=8), children, max_size=3),
    max_leaves=6,
)


def example_records(source: str) -> list[dict[str, Any]]:
    """The documented example's records as the reader yields them, before expansion."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "example"
        path.write_bytes((FIXTURES / EXAMPLES[source]).read_bytes())
        return [plain(record) for _, record in records_read(path, IMPORTERS[source])]


def plain(value: object) -> Any:
    """JSON values as json.loads gives them (the streaming parser gives Decimal for fractions)."""
    return json.loads(json.dumps(value, default=float))


EXAMPLE_RECORDS = {source: example_records(source) for source in EXAMPLES}


def leaf_paths(value: object, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    if isinstance(value, dict):
        return [prefix] + [path for key, item in value.items() for path in leaf_paths(item, (*prefix, key))]
    if isinstance(value, list):
        return [prefix] + [path for index, item in enumerate(value) for path in leaf_paths(item, (*prefix, index))]
    return [prefix]


def replaced(value: Any, path: tuple[Any, ...], new: object) -> Any:
    if not path:
        return new
    copy = json.loads(json.dumps(value))
    target = copy
    for step in path[:-1]:
        target = target[step]
    target[path[-1]] = new
    return copy


def run_importer(importer: Importer, record: dict[str, Any]) -> None:
    """Expand, keep and derive facts; every fact must be in range."""
    for item in importer.expand(record):
        kept = importer.keep(item)
        assert kept.natural_key
        json.dumps(kept.payload)  # what is stored is plain JSON
        facts = importer.facts(kept.payload)
        for row in facts.usage:
            assert EARLIEST_DAY <= row.day <= dt.datetime.now(tz=dt.UTC).date() + dt.timedelta(days=3)
            assert all(
                0 <= count < MAX_COUNT for count in (row.input_uncached, row.cache_read, row.cache_write, row.output)
            )
            assert row.cost_usd is None or row.cost_usd >= 0
        for outcome in facts.outcomes:
            assert 0 < outcome.value < MAX_COUNT


def import_outcome(importer: Importer, record: dict[str, Any]) -> str:
    """'imported', or the rejection's reason; anything else (a crash) fails the test."""
    try:
        run_importer(importer, record)
    except RecordError as error:
        return str(error)
    return "imported"


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(source=st.sampled_from(sorted(EXAMPLES)), data=st.data())
def test_any_change_to_a_documented_record_imports_or_is_rejected_clearly(source: str, data: st.DataObject) -> None:
    importer = IMPORTERS[source]
    record = data.draw(st.sampled_from(EXAMPLE_RECORDS[source]))
    path = data.draw(st.sampled_from(leaf_paths(record)[1:]))
    mutated = replaced(record, path, data.draw(JSON_VALUES))
    assert import_outcome(importer, mutated)


@settings(max_examples=200, deadline=None)
@given(
    source=st.sampled_from(sorted(EXAMPLES)), content=st.binary(max_size=300) | st.text(max_size=300).map(str.encode)
)
def test_any_bytes_are_read_as_records_or_rejected_with_a_reason(source: str, content: bytes) -> None:
    importer = IMPORTERS[source]
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "input"
        path.write_bytes(content)
        try:
            outcomes = [import_outcome(importer, record) for _, record in records_read(path, importer)]
        except ReadError as error:
            outcomes = [error.reason]
    assert all(outcomes)


@settings(max_examples=100, deadline=None)
@given(
    records=st.lists(st.sampled_from(EXAMPLE_RECORDS["claude-code-analytics"]), min_size=1, max_size=5),
    layout=st.sampled_from(["page", "lines", "pages"]),
    crlf=st.booleans(),
    bom=st.booleans(),
)
def test_every_layout_yields_the_same_records(
    records: list[dict[str, Any]], layout: str, crlf: bool, bom: bool
) -> None:
    if layout == "page":
        text = json.dumps({"data": records, "has_more": False}, indent=1)
    elif layout == "pages":
        text = json.dumps([{"data": [record]} for record in records])
    else:
        text = "".join(json.dumps(record) + "\n" for record in records)
    if crlf:
        text = text.replace("\n", "\r\n")
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "input"
        path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + text.encode())
        read = [record for _, record in records_read(path, IMPORTERS["claude-code-analytics"])]
    assert plain(read) == records

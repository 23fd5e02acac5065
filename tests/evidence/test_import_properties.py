"""Hypothesis drives every parser: whatever a file holds, an importer yields checked facts or a clear rejection."""

from __future__ import annotations

import datetime as dt
import json
import tempfile
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from evidence.importers import (
    IMPORTERS,
    Importer,
    anthropic,
    claude_code,
    claude_code_otel,
    copilot,
    cursor,
    generic_csv,
    litellm,
    openai,
)
from evidence.importers.base import EARLIEST_DAY, MAX_COUNT, RecordError, Spec, pick, pick_checked
from evidence.importers.reading import ReadError, records_read
from evidence.importers.spec_compile import spec_compile
from evidence.services.usage.chunk_writer import canonical_json
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


SPECS: dict[str, Spec] = {
    "claude-code-analytics": claude_code.SPEC,
    "claude-code-otel": claude_code_otel.SPEC,
    "copilot-metrics": copilot.SPEC,
    "cursor-daily": cursor.DAILY_SPEC,
    "cursor-commits": cursor.COMMIT_SPEC,
    "litellm-spend": litellm.SPEC,
    "csv": generic_csv.SPEC,
    "anthropic-usage": anthropic.RESULT_SPEC,
    "openai-usage": openai.RESULT_SPEC,
}


def kept_or_reason(check: Any, record: object, spec: Any) -> object:
    try:
        return check(record, spec)
    except RecordError as error:
        return str(error)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(source=st.sampled_from(sorted(SPECS)), data=st.data())
def test_the_compiled_spec_keeps_what_the_field_by_field_check_keeps(source: str, data: st.DataObject) -> None:
    """The compiled fast path keeps exactly what pick_checked keeps, or leaves the record to it (None)."""
    records = [item for record in EXAMPLE_RECORDS.get(source, []) for item in IMPORTERS[source].expand(record)]
    if not records:
        return
    record = data.draw(st.sampled_from(records))
    path = data.draw(st.sampled_from(leaf_paths(record)))
    mutated = replaced(record, path, data.draw(JSON_VALUES)) if path else record
    fast = spec_compile(SPECS[source])(mutated)
    if fast is not None:
        assert fast == pick_checked(mutated, SPECS[source])
    # and pick (the fast path, else the checked one) keeps or rejects every record as pick_checked does
    assert kept_or_reason(pick, mutated, SPECS[source]) == kept_or_reason(pick_checked, mutated, SPECS[source])


@settings(max_examples=300, deadline=None)
@given(payload=st.dictionaries(st.text(max_size=8), JSON_VALUES, max_size=5))
def test_canonical_json_is_byte_for_byte_what_json_dumps_wrote(payload: dict[str, Any]) -> None:
    """Payload hashes stored before orjson stay comparable: the same payload gives the same text."""
    assert canonical_json(payload) == json.dumps(payload, sort_keys=True, separators=(",", ":"))

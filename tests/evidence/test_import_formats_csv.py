"""The providers' dashboard CSV exports: read as their API records, with the CSV rules every file keeps.

Each export gives the same facts, under the same natural keys, as the API records it flattens; a file is all or
nothing, with the file, row and column of a bad cell; a BOM, CRLF and formula-escaped cells are read as meant; JSON
and CSV are told apart by content, whatever a file is called.
"""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import pytest
from django.db.models import Sum

from evidence.models import ImportBatch, RawRecord, ToolReportedCommit, UsageFact
from tests.evidence.usage_files import FIXTURES, import_file, import_ok

pytestmark = pytest.mark.django_db
TOKENS = ("input_uncached", "cache_write", "cache_read", "output", "requests")
CONSOLE = "field/case04_anthropic_console_usage.csv"
EVENTS = "field/case07_cursor_usage_events_dashboard.csv"

# every dashboard export: (source, the export, the API file holding the same records or None)
EXPORTS = [
    ("anthropic-usage", CONSOLE, None),
    ("cursor-usage-events", EVENTS, "cursor_usage_events.json"),
    ("openai-usage", "openai_usage_dashboard.csv", "openai_usage.json"),
    ("cursor-commits", "cursor_ai_code_commits.csv", "cursor_ai_code_commits.json"),
]


def stored(source: str) -> tuple[object, ...]:
    sums = UsageFact.objects.filter(source=source).aggregate(*(Sum(name) for name in TOKENS))
    keys = sorted(RawRecord.objects.filter(source=source).values_list("natural_key", flat=True))
    commits = sorted(ToolReportedCommit.objects.values_list("sha", "ai_lines_added", "human_lines_added"))
    return tuple(sums.values()), keys, commits


def written(tmp_path: Path, name: str, content: str | bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(content.encode() if isinstance(content, str) else content)
    return path


def fixture_text(name: str) -> str:
    return (FIXTURES / name).read_text(encoding="utf-8")


@pytest.mark.parametrize(("source", "export", "api_file"), [row for row in EXPORTS if row[2]])
def test_dashboard_export_and_api_file_are_the_same_records(source: str, export: str, api_file: str) -> None:
    import_ok(source, export)
    from_csv = stored(source)
    again = import_ok(source, api_file)
    assert (again.created, again.updated, again.unchanged) == (0, 0, again.read)
    assert stored(source) == from_csv


def test_openai_dashboard_export_reads_decimal_counts_and_skips_idle_buckets() -> None:
    batch = import_ok("openai-usage", "openai_usage_dashboard.csv")
    assert batch.read == 1  # the idle bucket's row holds no usage
    fact = UsageFact.objects.get(source="openai-usage")
    assert (fact.input_uncached, fact.cache_read, fact.cache_write, fact.output, fact.requests) == (
        22000,
        30000,
        0,
        7000,
        41,
    )
    assert fact.actor.value == "user-9xY"


def test_openai_dashboard_export_without_unix_times_uses_the_iso_start(tmp_path: Path) -> None:
    lines = fixture_text("openai_usage_dashboard.csv").splitlines()
    header = lines[0].replace("start_time,end_time,", "")
    rows = [line.split(",", 2)[2] for line in lines[1:]]
    import_ok("openai-usage", written(tmp_path, "iso.csv", "\n".join([header, *rows]) + "\n"))
    again = import_ok("openai-usage", "openai_usage.json")
    assert again.unchanged == 1


def test_cursor_commits_csv_drops_messages_and_branch_names() -> None:
    import_ok("cursor-commits", "cursor_ai_code_commits.csv")
    payload = RawRecord.objects.get(source="cursor-commits").payload
    assert "SENTINEL" not in str(payload)
    assert (payload["tabLinesAdded"], payload["composerLinesAdded"], payload["nonAiLinesAdded"]) == (50, 40, 30)


@pytest.mark.parametrize(("source", "export", "api_file"), EXPORTS)
def test_dashboard_export_with_bom_and_crlf_reads_the_same(
    tmp_path: Path, source: str, export: str, api_file: str | None
) -> None:
    import_ok(source, export)
    plain = stored(source)
    excel = codecs.BOM_UTF8 + fixture_text(export).replace("\n", "\r\n").encode()
    again = import_ok(source, written(tmp_path, "excel.csv", excel))
    assert again.unchanged == again.read
    assert stored(source) == plain


@pytest.mark.parametrize(("source", "export", "api_file"), EXPORTS)
def test_dashboard_export_columns_in_any_order_with_extra_columns_read_the_same(
    tmp_path: Path, source: str, export: str, api_file: str | None
) -> None:
    rows = list(csv.reader(io.StringIO(fixture_text(export))))
    shuffled = [[*reversed(row), "ignored"] for row in rows]
    shuffled[0][-1] = "a_column_added_in_2027"
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(shuffled)
    import_ok(source, written(tmp_path, "reordered.csv", out.getvalue()))
    first = stored(source)
    again = import_ok(source, export)
    assert again.unchanged == again.read
    assert stored(source) == first


@pytest.mark.parametrize(
    ("make", "name"),
    [
        (lambda: fixture_text(CONSOLE), "usage.json"),
        (lambda: fixture_text("anthropic_usage.json"), "usage.csv"),
        (lambda: fixture_text("anthropic_usage.json"), "usage.txt"),
    ],
)
def test_json_or_csv_is_told_from_the_content_whatever_the_name(
    tmp_path: Path, make: Callable[[], str], name: str
) -> None:
    import_ok("anthropic-usage", written(tmp_path, name, make()))


def test_reimporting_a_dashboard_export_changes_nothing() -> None:
    for source, export, _ in EXPORTS:
        import_ok(source, export)
    before = [stored(source) for source, _, _ in EXPORTS]
    for source, export, _ in EXPORTS:
        again = import_ok(source, export, allow_duplicate=True)
        assert (again.created, again.updated) == (0, 0)
    assert [stored(source) for source, _, _ in EXPORTS] == before


@pytest.mark.parametrize(
    ("source", "export", "old", "new", "expected"),
    [
        ("openai-usage", "openai_usage_dashboard.csv", ",52000.0,", ",52000.5,", "row 3: column 'input_tokens'"),
        ("openai-usage", "openai_usage_dashboard.csv", ",FALSE,", ",maybe,", "row 3: column 'batch'"),
        ("anthropic-usage", CONSOLE, ",1000,0,not", ",=1+1,0,not", "row 3: column 'usage_output_tokens'"),
        (
            "anthropic-usage",
            CONSOLE,
            "2026-11-20,claude-haiku",
            "20/11/2026,claude-haiku",
            "row 3: column 'usage_date_utc'",
        ),
        ("cursor-usage-events", EVENTS, '"110"', '"111"', "row 3: column 'Total Tokens'"),
        ("cursor-usage-events", EVENTS, '"1200","1000"', '"900","1000"', "row 2: column 'Input (w/ Cache Write)'"),
        ("cursor-usage-events", EVENTS, '"$0.01"', '"about a cent"', "row 3: column 'Cost'"),
        ("cursor-usage-events", EVENTS, '"No","100"', '"Sometimes","100"', "row 3: column 'Max Mode'"),
        ("cursor-commits", "cursor_ai_code_commits.csv", ",50,10,", ",-50,10,", "row 2: column 'tab_lines_added'"),
    ],
)
def test_a_bad_cell_rejects_the_whole_export_naming_file_row_and_column(
    tmp_path: Path, source: str, export: str, old: str, new: str, expected: str
) -> None:
    import_ok(source, export)
    before = stored(source)
    text = fixture_text(export)
    assert old in text
    path = written(tmp_path, "bad.csv", text.replace(old, new))
    batch = import_file(source, path).batches[0]
    assert batch.status == ImportBatch.Status.REJECTED
    assert batch.error.startswith(f"{path}, {expected}")
    assert stored(source) == before


def test_a_formula_escaped_cell_is_read_as_its_text(tmp_path: Path) -> None:
    text = fixture_text(CONSOLE).replace(",ci-review-bot,", ",'-ci-review-bot,")
    import_ok("anthropic-usage", written(tmp_path, "escaped.csv", text))
    assert UsageFact.objects.filter(actor__value="-ci-review-bot").exists()


def test_cursor_usage_events_included_and_dollar_costs_both_parse() -> None:
    import_ok("cursor-usage-events", EVENTS)
    costs = dict(
        RawRecord.objects.filter(source="cursor-usage-events").values_list("payload__kind", "payload__chargedCents")
    )
    assert costs == {"Included": None, "Usage-based": 1, "Errored, No Charge": 0}
    assert UsageFact.objects.filter(source="cursor-usage-events").aggregate(Sum("requests"))["requests__sum"] == 2
    assert UsageFact.objects.get(dimension="Usage-based").cost_usd == Decimal("0.01")

"""Bad input: a clear error naming the file, the line or record and the reason; the file imports all or nothing."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from evidence.models import ImportBatch, RawRecord, ToolOutcomeFact, UsageFact
from tests.evidence.usage_files import FIXTURES, import_file, import_ok

pytestmark = pytest.mark.django_db

GOOD_LINE = json.dumps(json.loads((FIXTURES / "claude_code_analytics.json").read_text())["data"][0])


def stored() -> tuple[int, int, int, list[int]]:
    return (
        RawRecord.objects.count(),
        UsageFact.objects.count(),
        ToolOutcomeFact.objects.count(),
        list(UsageFact.objects.order_by("pk").values_list("output", flat=True)),
    )


def with_record(change: Callable[[dict[str, object]], None]) -> str:
    record = json.loads(GOOD_LINE)
    change(record)
    return json.dumps(record)


def rejected(tmp_path: Path, content: bytes, *, source: str = "claude-code-analytics", name: str = "bad.jsonl") -> str:
    """Import `content` after a good file; return the error, having checked that nothing stored changed."""
    import_ok("claude-code-analytics", "claude_code_analytics.json")
    before = stored()
    path = tmp_path / name
    path.write_bytes(content)
    batch = import_file(source, path).batches[0]
    assert batch.status == ImportBatch.Status.REJECTED
    assert (batch.created, batch.updated, batch.rejected) == (0, 0, 1)
    assert stored() == before
    assert batch.error.startswith(str(path))
    return batch.error


def later_line(bad: str) -> bytes:
    """A revision of an existing record first, so an all-or-nothing failure would show if it leaked."""
    revised = with_record(lambda record: record["model_breakdown"][0]["tokens"].update(output=1))  # type: ignore[index]
    return f"{revised}\n{bad}\n".encode()


def test_wrong_format_for_the_declared_source(tmp_path: Path) -> None:
    copilot = (FIXTURES / "copilot_users_1_day.ndjson").read_bytes()
    error = rejected(tmp_path, copilot)
    assert "line 1: missing field 'date'" in error


def test_csv_given_for_a_json_source(tmp_path: Path) -> None:
    error = rejected(tmp_path, (FIXTURES / "generic.csv").read_bytes(), name="bad.csv")
    assert "not JSON" in error
    assert "claude-code-analytics files are JSON" in error


def test_truncated_json_lines(tmp_path: Path) -> None:
    error = rejected(tmp_path, later_line(GOOD_LINE[:-40]).rstrip(b"\n"))
    assert "line 2: truncated JSON" in error


def test_truncated_json_page(tmp_path: Path) -> None:
    page = (FIXTURES / "claude_code_analytics.json").read_bytes()
    error = rejected(tmp_path, page[: len(page) // 2 + 300], name="bad.json")
    assert "truncated or malformed JSON" in error


def test_wrong_encoding(tmp_path: Path) -> None:
    latin = with_record(lambda record: record.update(terminal_type="vscodé")).replace("\\u00e9", "é").encode("latin-1")
    assert b"\xe9" in latin
    error = rejected(tmp_path, later_line("").rstrip(b"\n") + b"\n" + latin)
    assert "line 2: not UTF-8 text" in error


def test_utf16_is_named(tmp_path: Path) -> None:
    error = rejected(tmp_path, GOOD_LINE.encode("utf-16"))
    assert "UTF-16" in error


@pytest.mark.parametrize("name", ["page.json", "lines.jsonl"])
def test_bom_and_crlf_simply_work(tmp_path: Path, name: str) -> None:
    if name == "page.json":
        text = (FIXTURES / "claude_code_analytics.json").read_text()
    else:
        records = json.loads((FIXTURES / "claude_code_analytics.json").read_text())["data"]
        text = "".join(json.dumps(record) + "\n" for record in records)
    path = tmp_path / name
    path.write_bytes(b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode())
    assert import_ok("claude-code-analytics", path).created == 2


def test_bom_and_crlf_csv_works(tmp_path: Path) -> None:
    path = tmp_path / "usage.csv"
    path.write_bytes(b"\xef\xbb\xbf" + (FIXTURES / "generic.csv").read_bytes().replace(b"\n", b"\r\n"))
    assert import_ok("csv", path).created == 1


def test_negative_count(tmp_path: Path) -> None:
    bad = with_record(lambda record: record["core_metrics"].update(num_sessions=-3))  # type: ignore[attr-defined]
    error = rejected(tmp_path, later_line(bad))
    assert "line 2: field 'core_metrics.num_sessions': a count cannot be negative (-3)" in error


@pytest.mark.parametrize("count", ["lots", "²", "٣"])  # a superscript and an Arabic-Indic digit: not ASCII counts
def test_non_numeric_count(tmp_path: Path, count: str) -> None:
    bad = with_record(lambda record: record["model_breakdown"][0]["tokens"].update(input=count))  # type: ignore[index]
    error = rejected(tmp_path, later_line(bad))
    assert f"line 2: field 'model_breakdown[0].tokens.input': expected a whole number, got {count!r}" in error


@pytest.mark.parametrize("date", ["1970-01-01T00:00:00Z", "9999-12-31T00:00:00Z", "2026-13-45", "yesterday"])
def test_absurd_dates(tmp_path: Path, date: str) -> None:
    bad = with_record(lambda record: record.update(date=date))
    error = rejected(tmp_path, later_line(bad))
    assert "line 2: field 'date'" in error


def test_a_five_thousand_digit_number(tmp_path: Path) -> None:
    bad = GOOD_LINE.replace('"num_sessions": 4', '"num_sessions": ' + "9" * 5000)
    assert bad != GOOD_LINE
    error = rejected(tmp_path, later_line(bad))
    assert "line 2: a number is too long" in error


def test_a_five_thousand_digit_number_in_a_page(tmp_path: Path) -> None:
    page = (
        (FIXTURES / "claude_code_analytics.json")
        .read_text()
        .replace('"num_sessions":4', '"num_sessions":' + "9" * 5000)
    )
    error = rejected(tmp_path, page.encode(), name="bad.json")
    assert "a number of more than 1,000 digits" in error


def test_a_200_kb_field(tmp_path: Path) -> None:
    bad = with_record(lambda record: record.update(terminal_type="x" * 200 * 1024))
    error = rejected(tmp_path, later_line(bad))
    assert "line 2: field 'terminal_type' is 204,800 characters long" in error


def test_a_200_kb_csv_field(tmp_path: Path) -> None:
    header, row = (FIXTURES / "generic.csv").read_text().splitlines()
    huge = row.replace("gemini-cli", "g" * 200 * 1024)
    error = rejected(tmp_path, f"{header}\n{row}\n{huge}\n".encode(), source="csv", name="bad.csv")
    assert "row 3" in error


@pytest.mark.parametrize("content", [b"", b"\xef\xbb\xbf\r\n  \n", b'{"data": [], "has_more": false}'])
def test_an_empty_file(tmp_path: Path, content: bytes) -> None:
    error = rejected(tmp_path, content, name="empty.json")
    assert "no records" in error


def test_a_duplicate_upload(tmp_path: Path) -> None:
    error = rejected(tmp_path, (FIXTURES / "claude_code_analytics.json").read_bytes(), name="same.json")
    assert "duplicate upload: the same file was imported as batch" in error


def test_one_bad_file_does_not_stop_the_others(tmp_path: Path) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text("not json\n")
    summary = import_file("copilot-metrics", bad)
    assert summary.batches[0].status == ImportBatch.Status.REJECTED
    good = import_ok("copilot-metrics", "copilot_users_1_day.ndjson")
    assert good.created == 2

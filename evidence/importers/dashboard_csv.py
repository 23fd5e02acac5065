"""The providers' dashboard CSV exports, read as the records of their API: one `CsvShape` per export.

An admin without API access downloads a CSV from the provider's dashboard. Its columns hold the same figures as the
API's records under other names and in other spellings (`59200.0` for a count, `FALSE`, `$0.01`, `Included`). A
shape names the columns it reads and turns each row into the record the source's API gives, so the source's own
`keep` and `facts` (natural keys, privacy allowlist, facts) run on it unchanged. A cell is checked here, where the
error can name the CSV column; columns a shape does not name are ignored and never stored.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from evidence.importers.base import MAX_COUNT, MAX_TEXT, RecordError, amount_checked, moment_from_text

Cell = Callable[[str, str], Any]  # (the cell's text, its column) -> the API's value; raises RecordError
Finish = Callable[[dict[str, Any]], dict[str, Any] | None]  # the record completed, or None for a row with no usage

# Spreadsheets that write a formula-safe CSV put a quote before a cell starting with one of these (OWASP's CSV
# injection advice); the quote is not part of the value.
FORMULA_PREFIXES = ("=", "+", "-", "@")
WHOLE = re.compile(r"[0-9]{1,18}(\.0*)?")
DOLLARS = re.compile(r"\$?([0-9]{1,15}(\.[0-9]{1,10})?)")


def _plain(text: str) -> str:
    text = text.strip()
    if text.startswith("'") and text[1:2] in FORMULA_PREFIXES:
        return text[1:]
    return text


def count_cell(text: str, column: str) -> int:
    """A whole number below MAX_COUNT; dashboards write counts as `59200` or `59200.0`.

    Raises RecordError naming the column for anything else (`59200.5`, `-3`, `=1+1`).
    """
    if not WHOLE.fullmatch(text):
        raise RecordError(f"column '{column}': expected a whole number, got {text[:40]!r}")
    number = int(text.split(".")[0])
    if number >= MAX_COUNT:
        raise RecordError(f"column '{column}': {text[:40]!r} is too large to be a real count")
    return number


def text_cell(text: str, column: str) -> str:
    """Short text as it is (identifiers, names); raises RecordError past MAX_TEXT characters."""
    if len(text) > MAX_TEXT:
        raise RecordError(f"column '{column}' is {len(text):,} characters long (the limit is {MAX_TEXT:,})")
    return text


def flag_cell(text: str, column: str) -> bool:
    """`true`/`false` in any case (spreadsheets write `TRUE`), or `Yes`/`No` as Cursor writes them."""
    value = text.lower()
    if value in {"true", "yes"}:
        return True
    if value in {"false", "no"}:
        return False
    raise RecordError(f"column '{column}': expected true or false (or Yes/No), got {text[:40]!r}")


def dollars_cell(text: str, column: str) -> Decimal:
    """An amount in US dollars, written `0.01` or `$0.01`; raises RecordError naming the column otherwise."""
    matched = DOLLARS.fullmatch(text)
    if not matched:
        raise RecordError(f"column '{column}': expected an amount in dollars such as $0.01, got {text[:40]!r}")
    return amount_checked(matched.group(1), column)


def moment_cell(text: str, column: str) -> dt.datetime:
    """An ISO 8601 date or timestamp, taken in UTC when it names no offset."""
    try:
        return moment_from_text(text, where=column)
    except RecordError as error:  # the same check, said of a column
        raise RecordError(str(error).replace("field '", "column '", 1)) from None


def _as_is(record: dict[str, Any]) -> dict[str, Any] | None:
    return record


@dataclass(frozen=True)
class CsvShape:
    """One dashboard export: the columns that identify it, and how each column becomes a field of the API record.

    `columns` maps a CSV column to the API field (a dotted path for a nested one) and the cell reader; an empty
    cell leaves the field out, as the API leaves out an ungrouped dimension. `finish` derives what the API gives
    and the CSV does not (for example a cache-write count from two input columns), or drops a row with no usage.
    """

    name: str
    columns: Mapping[str, tuple[str, Cell]]
    identifying: frozenset[str]
    finish: Finish = field(default=_as_is)

    def matches(self, header: frozenset[str]) -> bool:
        return self.identifying <= header

    def record(self, row: Mapping[str, str | None]) -> dict[str, Any] | None:
        record: dict[str, Any] = {}
        for column, (target, cell) in self.columns.items():
            text = row.get(column)
            if text is None:
                continue
            text = _plain(text)
            if not text:
                continue
            value = cell(text, column)
            *parents, name = target.split(".")
            into = record
            for parent in parents:
                into = into.setdefault(parent, {})
            into[name] = value
        return self.finish(record)


def shape_for(header: frozenset[str], shapes: tuple[CsvShape, ...]) -> CsvShape | None:
    """The shape whose identifying columns the header has; the one naming most columns when several do."""
    matching = [shape for shape in shapes if shape.matches(header)]
    return max(matching, key=lambda shape: len(shape.identifying), default=None)

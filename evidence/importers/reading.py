"""Reading a saved provider file as a stream of records, whatever shape an ordinary client saved it in.

Shapes: one API response page (a JSON object whose `data`/`items` list holds the records), a JSON list of pages
or of records, JSON Lines of records or of pages, or CSV for the sources that export it: a provider's dashboard
export is recognised by its header and its rows read as the API's records (evidence.importers.dashboard_csv).
JSON and CSV are told apart by the content, whatever the file is called. A UTF-8 BOM and CRLF line endings are
accepted. Memory stays flat: JSON Lines and CSV are read a line at a time (JSON Lines with orjson), JSON documents with
ijson, one record at a time.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any, BinaryIO

import ijson  # type: ignore[import-untyped]  # ijson ships no type information
import orjson

from evidence.importers.base import Importer, RecordError
from evidence.importers.dashboard_csv import shape_for
from evidence.importers.detection import csv_header_explained, not_json_explained, page_explained

MAX_LINE_BYTES = 16 * 1024 * 1024
CSV_FIELD_LIMIT = 128 * 1024
HEAD_BYTES = 64 * 1024
# ijson's C backend crashes the process on an integer beyond Python's 4,300-digit limit, so documents are first
# scanned for long digit runs (no real value has a thousand digits) and rejected before parsing.
LONG_NUMBER = re.compile(rb"[0-9]{1000,}")
SCAN_BLOCK = 1024 * 1024


class ReadError(ValueError):
    """The file cannot be read as the declared source; `where` is a line, row or record, or empty."""

    def __init__(self, where: str, reason: str) -> None:
        super().__init__(f"{where}: {reason}" if where else reason)
        self.where = where
        self.reason = reason


class ReadPosition:
    """How far into its file a reader is, in bytes, for progress reports while records are read."""

    def __init__(self) -> None:
        self.handle: BinaryIO | None = None
        self.at_close = 0

    def bytes_read(self) -> int:
        if self.handle is None or self.handle.closed:
            return self.at_close
        return self.handle.tell()  # the file position: a little ahead of the record, by what is buffered


def records_read(
    path: Path, importer: Importer, *, position: ReadPosition | None = None
) -> Iterator[tuple[str, dict[str, Any]]]:
    """Yield (where, record) for every record of the file, `where` being e.g. 'line 12' or 'record 3'."""
    with path.open("rb") as handle:
        if position is not None:
            position.handle = handle
        head = handle.read(HEAD_BYTES)
        if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            raise ReadError("", "the file is UTF-16 text; save it as UTF-8")
        start = len(codecs.BOM_UTF8) if head.startswith(codecs.BOM_UTF8) else 0
        body = head[start:].lstrip()
        if not body:
            raise ReadError("", "the file is empty: no records")
        handle.seek(start)
        first = body[:1]
        if first == b"{" and _first_line_is_json(head[start:]):
            records = _json_lines(handle, importer)
        elif first in {b"[", b"{"}:
            records = _json_document(handle, importer, is_list=first == b"[")
        elif importer.reads_csv or importer.csv_shapes:
            records = _csv_rows(handle, importer)
        else:
            raise ReadError("", not_json_explained(importer, body))
        count = 0
        for where, record in records:
            count += 1
            yield where, record
        if count == 0:
            raise ReadError("", "the file holds no records")
        if position is not None:
            position.at_close = handle.seek(0, io.SEEK_END)  # every record read: the whole file


def _first_line_is_json(head: bytes) -> bool:
    line = head.lstrip().split(b"\n", 1)[0]
    try:
        return isinstance(json.loads(line), dict)
    except ValueError:
        return False


def _page_records(value: object, importer: Importer, where: str) -> Iterator[tuple[str, dict[str, Any]]]:
    """A page's records, or the value itself when it is a record."""
    if not isinstance(value, dict):
        raise ReadError(where, f"expected a JSON object, got {type(value).__name__}")
    for key in importer.list_keys:
        items = value.get(key)
        if isinstance(items, list):
            for index, item in enumerate(items, start=1):
                if not isinstance(item, dict):
                    raise ReadError(f"{where}, record {index}", "expected a JSON object")
                yield f"{where}, record {index}", item
            return
    yield where, value


def _json_lines(handle: BinaryIO, importer: Importer) -> Iterator[tuple[str, dict[str, Any]]]:
    number = 0
    while True:
        raw = handle.readline(MAX_LINE_BYTES + 1)
        if not raw:
            return
        number += 1
        where = f"line {number}"
        if len(raw) > MAX_LINE_BYTES:
            raise ReadError(where, f"the line is longer than {MAX_LINE_BYTES // (1024 * 1024)} MB")
        if not raw.strip():
            continue
        try:
            value = orjson.loads(raw)
        except orjson.JSONDecodeError as error:
            raise _line_error(raw, where, error) from None
        yield from _page_records(value, importer, where)


def _line_error(raw: bytes, where: str, error: orjson.JSONDecodeError) -> ReadError:
    """Why a line is not a JSON value: its encoding, a number no real value has, or its syntax."""
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError as decode_error:
        at = decode_error.start
        return ReadError(where, f"not UTF-8 text (byte 0x{raw[at]:02x} at column {at + 1})")
    if "number" in error.msg and ("infinity" in error.msg or "too" in error.msg):
        # orjson reads integers past 64 bits as doubles; past a double's range there is no real count
        return ReadError(where, f"a number is too long to be a real value ({error.msg})")
    detail = f"{error.msg}, column {error.colno}"
    # only the last line of a file can lack its newline: a record cut off there is a truncated file
    if not raw.endswith(b"\n"):
        return ReadError(where, f"truncated JSON: the file ends mid-record ({detail})")
    return ReadError(where, f"not valid JSON ({detail})")


def _long_number_check(handle: BinaryIO) -> None:
    start = handle.tell()
    offset, tail = start, b""
    while block := handle.read(SCAN_BLOCK):
        found = LONG_NUMBER.search(tail + block)
        if found:
            at = offset - len(tail) + found.start()
            raise ReadError(f"byte {at:,}", "a number of more than 1,000 digits is not a real value")
        tail = block[-1000:]
        offset += len(block)
    handle.seek(start)


def _json_document(handle: BinaryIO, importer: Importer, *, is_list: bool) -> Iterator[tuple[str, dict[str, Any]]]:
    _long_number_check(handle)
    count = 0
    try:
        if is_list:
            for index, value in enumerate(ijson.items(handle, "item"), start=1):
                for where, record in _page_records(value, importer, f"record {index}"):
                    count += 1
                    yield where, record
            return
        start = handle.tell()
        for key in importer.list_keys:
            handle.seek(start)
            for index, value in enumerate(ijson.items(handle, f"{key}.item"), start=1):
                if not isinstance(value, dict):
                    raise ReadError(f"record {index}", "expected a JSON object")
                count += 1
                yield f"record {index}", value
            if count:
                return
        handle.seek(start)
        raise ReadError("", page_explained(importer, handle.read(HEAD_BYTES)))
    except ijson.IncompleteJSONError as error:
        raise ReadError(f"record {count + 1}", f"truncated or malformed JSON ({_short(error)})") from None
    except ijson.JSONError as error:
        raise ReadError(f"record {count + 1}", f"malformed JSON ({_short(error)})") from None
    except UnicodeDecodeError:
        raise ReadError(f"record {count + 1}", "not UTF-8 text") from None
    except ValueError as error:
        if isinstance(error, ReadError):
            raise
        raise ReadError(f"record {count + 1}", f"a value cannot be read ({_short(error)})") from None


def _csv_rows(handle: BinaryIO, importer: Importer) -> Iterator[tuple[str, dict[str, Any]]]:
    """The rows as they are, or, for a dashboard export, as the API records its shape makes of them."""
    text = io.TextIOWrapper(handle, encoding="utf-8", newline="")
    csv.field_size_limit(CSV_FIELD_LIMIT)
    reader = csv.DictReader(text)
    try:
        shape = None
        if importer.csv_shapes:
            header = [name.strip() for name in reader.fieldnames or ()]
            reader.fieldnames = header
            shape = shape_for(frozenset(header), importer.csv_shapes)
            if shape is None and not importer.reads_csv:
                raise ReadError("row 1", csv_header_explained(importer, header))
        for row in reader:
            where = f"row {reader.line_num}"
            if None in row:
                raise ReadError(where, "more values than the header has columns")
            if shape is None:
                yield where, row
                continue
            try:
                record = shape.record(row)
            except RecordError as error:
                raise ReadError(where, str(error)) from None
            if record is not None:
                yield where, record
    except UnicodeDecodeError:
        raise ReadError(f"around row {reader.line_num + 1}", "not UTF-8 text") from None
    except csv.Error as error:
        raise ReadError(f"row {reader.line_num + 1}", f"not valid CSV ({error})") from None
    finally:
        text.detach()


def _short(error: Exception) -> str:
    text = str(error)
    return text if len(text) <= 120 else text[:117] + "..."

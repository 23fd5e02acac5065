"""Saying which shape a refused file looks like, and which `--source` reads it.

A file given to the wrong source fails on its first record ("missing field 'day'"). That is true but leaves the
admin guessing; most such files are a neighbouring shape: another source's records, the legacy organisation-level
Copilot metrics, or a cost report given as a usage report. Each known shape is recognised by field names only its
records carry, and only when the record does not carry its own source's, so a bad value in a file of the right
shape is never blamed on another shape.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from evidence.importers import IMPORTERS
from evidence.importers.base import Importer
from evidence.importers.dashboard_csv import shape_for


@dataclass(frozen=True)
class KnownShape:
    name: str
    fields: frozenset[str]  # names every record of this shape has and no other shape's records have together
    source: str | None  # the --source that reads it; None when tokenproof reads no such file
    advice: str = ""  # for a shape no source reads: what to give tokenproof instead


def _shape(name: str, fields: Iterable[str], source: str | None, advice: str = "") -> KnownShape:
    return KnownShape(name, frozenset(fields), source, advice)


KNOWN_SHAPES = (
    _shape("a Claude Code analytics record", {"actor", "core_metrics"}, "claude-code-analytics"),
    _shape("an Anthropic messages usage result", {"uncached_input_tokens"}, "anthropic-usage"),
    _shape("an OpenAI completions usage result", {"input_tokens", "num_model_requests"}, "openai-usage"),
    _shape("a GitHub Copilot per-user report row", {"day", "user_login"}, "copilot-metrics"),
    _shape("a Cursor daily usage row", {"acceptedLinesAdded"}, "cursor-daily"),
    _shape("a Cursor AI code tracking commit", {"commitHash"}, "cursor-commits"),
    _shape("a Cursor usage event", {"timestamp", "tokenUsage"}, "cursor-usage-events"),
    _shape("a LiteLLM spend log row", {"request_id", "startTime"}, "litellm-spend"),
    _shape("an OpenTelemetry logs export (OTLP/JSON)", {"resourceLogs"}, "claude-code-otel"),
    _shape("an OpenTelemetry metrics export (OTLP/JSON)", {"resourceMetrics"}, "claude-code-otel"),
    _shape("the generic usage CSV", {"day", "identity_kind", "identity"}, "csv"),
    _shape(
        "the legacy organisation-level Copilot metrics (GET /orgs/{org}/copilot/metrics, closed down 2026-04-02)",
        {"date", "total_active_users"},
        None,
        "it holds organisation totals and no per-user rows; --source copilot-metrics reads the per-user report, "
        "the NDJSON behind the users-1-day report's download links",
    ),
    _shape(
        "an Anthropic cost report result (/v1/organizations/cost_report)",
        {"amount", "cost_type"},
        None,
        "it gives cost per workspace, with no user or API key; --source anthropic-usage reads the messages usage "
        "report (/v1/organizations/usage_report/messages) and prices it from the price table",
    ),
    _shape(
        "an OpenAI costs result (/v1/organization/costs)",
        {"amount", "line_item"},
        None,
        "it gives cost per project and line item, with no user; --source openai-usage reads "
        "/v1/organization/usage/completions and prices it from the price table",
    ),
)


def record_explained(importer: Importer, record: dict[str, Any], reason: str) -> str:
    """`reason`, followed by the shape the record looks like when that is another source's or no source's."""
    names = set(record)
    results = record.get("results")  # a bucket: its results are the records
    if isinstance(results, list) and results and isinstance(results[0], dict):
        names |= set(results[0])
    shape = _neighbour(importer, frozenset(names))
    return reason if shape is None else f"{reason}; {_described(shape)}"


def csv_header_explained(importer: Importer, header: list[str]) -> str:
    """Why a CSV is not one of `importer`'s dashboard exports, naming the export or shape its columns are."""
    columns = frozenset(header)
    for other in IMPORTERS.values():
        shape = shape_for(columns, other.csv_shapes)
        if other is not importer and shape is not None:
            return f"the columns are {shape.name}'s, which --source {other.source} reads"
    expected = "; ".join(f"{shape.name} has {', '.join(sorted(shape.identifying))}" for shape in importer.csv_shapes)
    neighbour = _neighbour(importer, columns)
    found = f"; {_described(neighbour)}" if neighbour else ""
    return f"the columns match no {importer.source} CSV export ({expected}){found}"


def not_json_explained(importer: Importer, body: bytes) -> str:
    shown = body[:20].decode("utf-8", errors="replace")
    reason = f"not JSON (it starts with {shown!r}); {importer.source} files are JSON or JSON Lines"
    first_line = body.split(b"\n", 1)[0].decode("utf-8", errors="replace")
    try:
        header = [name.strip() for name in next(csv.reader(io.StringIO(first_line)), [])]
    except csv.Error:  # not CSV either: nothing more to say than "not JSON"
        header = []
    for other in IMPORTERS.values():
        shape = shape_for(frozenset(header), other.csv_shapes)
        if shape is not None:
            return f"{reason}; it is {shape.name}, which --source {other.source} reads"
    neighbour = _neighbour(importer, frozenset(header))
    return reason if neighbour is None else f"{reason}; {_described(neighbour)}"


def page_explained(importer: Importer, head: bytes) -> str:
    """Why a JSON object holds no records for `importer`, naming the source whose page it looks like."""
    keys = " or ".join(f"'{key}'" for key in importer.list_keys)
    reason = f"not a {importer.source} page: no {keys} list of records"
    for other in IMPORTERS.values():
        found = [key for key in other.list_keys if key not in importer.list_keys and f'"{key}"'.encode() in head]
        if found:
            return f"{reason}; its '{found[0]}' list looks like a page of --source {other.source}"
    return reason


def _neighbour(importer: Importer, names: frozenset[str]) -> KnownShape | None:
    if any(shape.source == importer.source and shape.fields <= names for shape in KNOWN_SHAPES):
        return None
    return next((shape for shape in KNOWN_SHAPES if shape.source != importer.source and shape.fields <= names), None)


def _described(shape: KnownShape) -> str:
    if shape.source is None:
        return f"this looks like {shape.name}: {shape.advice}"
    return f"this looks like {shape.name}, which --source {shape.source} reads"

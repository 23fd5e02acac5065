"""Importing again changes nothing; a revised file updates; overlapping files merge; every source alike."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.core import serializers

from evidence.models import ImportBatch, RawRecord, ToolOutcomeFact, UsageFact, UsageSession
from tests.evidence.usage_files import EXAMPLES, FIXTURES, import_ok

pytestmark = pytest.mark.django_db
FACT_MODELS = (UsageFact, ToolOutcomeFact, UsageSession, RawRecord)


def snapshot() -> str:
    """Every imported row, minus the fields an import is expected to touch (batch link, update time)."""
    rows: list[dict[str, Any]] = []
    for model in FACT_MODELS:
        for row in json.loads(serializers.serialize("json", model.objects.order_by("pk"))):
            row["fields"].pop("batch", None)
            row["fields"].pop("updated_at", None)
            rows.append(row)
    return json.dumps(rows, sort_keys=True)


@pytest.mark.parametrize("source", sorted(EXAMPLES))
def test_reimport_changes_nothing(source: str) -> None:
    import_ok(source, EXAMPLES[source])
    before = snapshot()
    again = import_ok(source, EXAMPLES[source], allow_duplicate=True)
    assert snapshot() == before
    assert (again.created, again.updated) == (0, 0)
    assert again.unchanged == again.read > 0


def test_same_records_in_another_layout_change_nothing(tmp_path: Path) -> None:
    import_ok("claude-code-analytics", "claude_code_analytics.json")
    before = snapshot()
    page = json.loads((FIXTURES / "claude_code_analytics.json").read_text())
    lines = tmp_path / "records.jsonl"
    lines.write_text("".join(json.dumps(record) + "\n" for record in reversed(page["data"])))
    again = import_ok("claude-code-analytics", lines)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)
    assert snapshot() == before


def test_revision_replaces_the_values_of_the_revised_record(tmp_path: Path) -> None:
    import_ok("claude-code-analytics", "claude_code_analytics.json")
    page = json.loads((FIXTURES / "claude_code_analytics.json").read_text())
    page["data"][0]["model_breakdown"][0]["tokens"]["output"] = 15000  # revised down
    page["data"][0]["model_breakdown"][0]["estimated_cost"]["amount"] = 300
    page["data"][0]["core_metrics"]["num_sessions"] = 6  # and up
    revised = tmp_path / "revised.json"
    revised.write_text(json.dumps(page))
    batch = import_ok("claude-code-analytics", revised)
    assert (batch.created, batch.updated, batch.unchanged) == (0, 1, 1)
    fact = UsageFact.objects.get(model="claude-sonnet-4-5")
    assert (fact.output, fact.input_uncached, fact.cost_usd) == (15000, 90000, Decimal(3))
    assert ToolOutcomeFact.objects.get(actor=fact.actor, metric="sessions").value == 6
    assert RawRecord.objects.filter(source="claude-code-analytics").count() == 2


def test_overlapping_files_merge_per_request_records_into_one_day(tmp_path: Path) -> None:
    page = json.loads((FIXTURES / "litellm_spend_logs.json").read_text())
    first, second = tmp_path / "first.json", tmp_path / "second.json"
    first.write_text(json.dumps({**page, "data": page["data"][:1]}))
    second.write_text(json.dumps(page))  # overlaps: holds the first request again, and the second
    import_ok("litellm-spend", first)
    batch = import_ok("litellm-spend", second)
    assert (batch.created, batch.unchanged) == (1, 1)
    fact = UsageFact.objects.get(source="litellm-spend")
    assert (fact.input_uncached, fact.output, fact.requests) == (11100, 1120, 2)
    assert UsageSession.objects.get().requests == 2


def test_a_record_twice_in_one_file_counts_once(tmp_path: Path) -> None:
    line = (FIXTURES / "copilot_users_1_day.ndjson").read_text().splitlines()[0]
    doubled = tmp_path / "doubled.ndjson"
    doubled.write_text(f"{line}\n{line}\n")
    batch = import_ok("copilot-metrics", doubled)
    assert (batch.read, batch.created, batch.unchanged) == (2, 1, 1)
    assert UsageFact.objects.get().input_uncached == 15000


def test_batch_history_records_each_file() -> None:
    import_ok("cursor-daily", "cursor_daily_usage.json")
    batch = ImportBatch.objects.get()
    assert (batch.source, batch.status, batch.read, batch.created) == ("cursor-daily", "done", 1, 1)
    assert len(batch.file_sha256) == 64
    assert batch.finished_at is not None

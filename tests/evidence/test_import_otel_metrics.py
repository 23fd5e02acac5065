"""Claude Code's token and cost metrics: imported for sessions without api_request events, never counted twice.

The metric lines are shaped exactly like the OpenTelemetry collector's file exporter writes Claude Code's
metrics (delta sums, one data point per attribute set per 60 s export interval).
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.db.models import Sum

from evidence.models import UsageFact
from tests.evidence.usage_files import FIXTURES, import_file

pytestmark = pytest.mark.django_db

WITH_EVENTS = "9b1e4c2a-0d6f-4a51-8c3e-7f2b9d1a6e40"  # the session of the events in claude_code_otel.jsonl
METRICS_ONLY = "5d0c7e11-2b3a-4f6e-9a8b-1c2d3e4f5a6b"
EVENT_TOKENS = {"input_uncached": 1200, "cache_read": 25000, "cache_write": 3000, "output": 800}
EVENT_COST = Decimal("0.0512")
MINUTE = 60 * 10**9
START = 1777890000 * 10**9  # 2026-05-04T10:20:00Z


def attribute(key: str, value: str) -> dict[str, Any]:
    return {"key": key, "value": {"stringValue": value}}


def data_point(session: str, extra: dict[str, str], interval: int, value: float) -> dict[str, Any]:
    standard = {
        "session.id": session,
        "user.email": "dev@corp.com",
        "user.account_id": "user_01AbCdEf",
        "organization.id": "3f1c0d2e-5b6a-4c1d-9e8f-0a1b2c3d4e5f",
        "terminal.type": "vscode",
        "app.version": "2.1.0",
        "user.id": "e3b0c44298fc1c149afbf4c8996fb924",
        "model": "claude-sonnet-4-5",
    }
    return {
        "attributes": [attribute(key, value) for key, value in {**standard, **extra}.items()],
        "startTimeUnixNano": str(START + interval * MINUTE),
        "timeUnixNano": str(START + (interval + 1) * MINUTE),
        "asDouble": value,
    }


def export_line(interval: int, tokens: dict[str, dict[str, int]], cost: dict[str, float]) -> str:
    """One exporter line: the token and cost sums of each session over one 60 s interval."""
    token_points = [
        data_point(session, {"type": kind}, interval, count)
        for session, by_type in tokens.items()
        for kind, count in by_type.items()
    ]
    cost_points = [data_point(session, {}, interval, amount) for session, amount in cost.items()]
    metrics = [
        {
            "name": "claude_code.token.usage",
            "description": "Number of tokens used",
            "unit": "tokens",
            "sum": {"dataPoints": token_points, "aggregationTemporality": 1, "isMonotonic": True},
        },
        {
            "name": "claude_code.cost.usage",
            "description": "Cost of the Claude Code session",
            "unit": "USD",
            "sum": {"dataPoints": cost_points, "aggregationTemporality": 1, "isMonotonic": True},
        },
    ]
    resource = {"attributes": [attribute("service.name", "claude-code"), attribute("service.version", "2.1.0")]}
    scope = {"scope": {"name": "com.anthropic.claude_code", "version": "2.1.0"}, "metrics": metrics}
    return json.dumps({"resourceMetrics": [{"resource": resource, "scopeMetrics": [scope]}]})


# two export intervals; the session with events reports the same tokens as its api_request event did
METRIC_LINES = [
    export_line(
        0,
        {
            WITH_EVENTS: {"input": 1000, "output": 600, "cacheRead": 20000, "cacheCreation": 3000},
            METRICS_ONLY: {"input": 400, "output": 40, "cacheRead": 3000, "cacheCreation": 100},
        },
        {WITH_EVENTS: 0.04, METRICS_ONLY: 0.015},
    ),
    export_line(
        1,
        {
            WITH_EVENTS: {"input": 200, "output": 200, "cacheRead": 5000},
            METRICS_ONLY: {"input": 100, "output": 10, "cacheRead": 1000},
        },
        {WITH_EVENTS: 0.0112, METRICS_ONLY: 0.005},
    ),
]
METRICS_ONLY_TOKENS = {"input_uncached": 500, "cache_read": 4000, "cache_write": 100, "output": 50}
METRICS_ONLY_COST = Decimal("0.02")


def write(path: Path, lines: list[str]) -> Path:
    path.write_text("".join(line + "\n" for line in lines))
    return path


def events_only(tmp_path: Path) -> Path:
    lines = (FIXTURES / "claude_code_otel.jsonl").read_text().splitlines()
    return write(tmp_path / "events.jsonl", [line for line in lines if "resourceLogs" in line])


def stored_tokens() -> dict[str, int]:
    sums = UsageFact.objects.filter(source="claude-code-otel").aggregate(
        **{kind: Sum(kind) for kind in EVENT_TOKENS}, cost=Sum("cost_usd")
    )
    return {kind: sums[kind] or 0 for kind in EVENT_TOKENS} | {"cost": sums["cost"] or Decimal(0)}


def both(tokens: dict[str, int], other: dict[str, int]) -> dict[str, int]:
    return {kind: tokens[kind] + other[kind] for kind in tokens}


def imported(path: Path) -> dict[str, Any]:
    summary = import_file("claude-code-otel", path)
    assert summary.batches[0].status == "done", summary.batches[0].error
    return summary.as_json()


def test_token_and_cost_metrics_become_usage_when_no_events_are_exported(tmp_path: Path) -> None:
    result = imported(write(tmp_path / "metrics.jsonl", METRIC_LINES))
    metrics_tokens = both(METRICS_ONLY_TOKENS, EVENT_TOKENS)  # no events: both sessions count from metrics
    assert stored_tokens() == metrics_tokens | {"cost": METRICS_ONLY_COST + EVENT_COST}
    assert result["tokens"] == metrics_tokens
    assert Decimal(result["cost_usd"]) == METRICS_ONLY_COST + EVENT_COST
    fact = UsageFact.objects.get(dimension=f"otel-metrics {METRICS_ONLY}")
    assert (fact.model, fact.requests, fact.cost_basis) == ("claude-sonnet-4-5", 0, UsageFact.CostBasis.REPORTED)
    again = import_file("claude-code-otel", write(tmp_path / "again.jsonl", METRIC_LINES), allow_duplicate=True)
    assert again.batches[0].unchanged == again.batches[0].read
    assert stored_tokens() == metrics_tokens | {"cost": METRICS_ONLY_COST + EVENT_COST}


def test_metrics_after_events_add_no_tokens_for_the_sessions_with_events(tmp_path: Path) -> None:
    imported(events_only(tmp_path))
    result = imported(write(tmp_path / "metrics.jsonl", METRIC_LINES))
    assert stored_tokens() == both(EVENT_TOKENS, METRICS_ONLY_TOKENS) | {"cost": EVENT_COST + METRICS_ONLY_COST}
    assert result["tokens"] == METRICS_ONLY_TOKENS  # this call's new usage: the metrics-only session alone
    assert not UsageFact.objects.filter(dimension=f"otel-metrics {WITH_EVENTS}").exists()


def test_events_after_metrics_replace_the_metric_usage_of_their_session(tmp_path: Path) -> None:
    imported(write(tmp_path / "metrics.jsonl", METRIC_LINES))
    result = imported(events_only(tmp_path))
    assert stored_tokens() == both(EVENT_TOKENS, METRICS_ONLY_TOKENS) | {"cost": EVENT_COST + METRICS_ONLY_COST}
    assert result["tokens"] == EVENT_TOKENS
    assert not UsageFact.objects.filter(dimension=f"otel-metrics {WITH_EVENTS}").exists()
    assert UsageFact.objects.filter(dimension=f"otel-metrics {METRICS_ONLY}").exists()


def test_events_and_metrics_in_one_file_count_each_session_once(tmp_path: Path) -> None:
    events = events_only(tmp_path).read_text().splitlines()
    result = imported(write(tmp_path / "both.jsonl", [METRIC_LINES[0], *events, METRIC_LINES[1]]))
    expected = both(EVENT_TOKENS, METRICS_ONLY_TOKENS)
    assert stored_tokens() == expected | {"cost": EVENT_COST + METRICS_ONLY_COST}
    assert result["tokens"] == expected
    assert Decimal(result["cost_usd"]) == EVENT_COST + METRICS_ONLY_COST


def test_a_token_data_point_without_a_session_is_not_imported_as_usage(tmp_path: Path) -> None:
    line = METRIC_LINES[0].replace('"key": "session.id"', '"key": "session.unset"')
    result = imported(write(tmp_path / "no-session.jsonl", [line]))
    assert result["tokens"] == dict.fromkeys(EVENT_TOKENS, 0)
    assert not UsageFact.objects.filter(source="claude-code-otel").exists()

"""Helpers for the usage import tests: the documented example files and a one-call import."""

from __future__ import annotations

from pathlib import Path

from evidence.models import ImportBatch
from evidence.services.usage.imports import ImportSummary, usage_import

FIXTURES = Path(__file__).parent / "fixtures" / "usage"
SENTINEL = "SENTINEL-PROMPT-7f3a"

# Every source with its documented example file.
EXAMPLES = {
    "claude-code-analytics": "claude_code_analytics.json",
    "anthropic-usage": "anthropic_usage.json",
    "anthropic-users": "anthropic_users.json",
    "claude-code-otel": "claude_code_otel.jsonl",
    "openai-usage": "openai_usage.json",
    "openai-users": "openai_users.json",
    "copilot-metrics": "copilot_users_1_day.ndjson",
    "cursor-daily": "cursor_daily_usage.json",
    "cursor-commits": "cursor_ai_code_commits.json",
    "cursor-usage-events": "cursor_usage_events.json",
    "litellm-spend": "litellm_spend_logs.json",
    "csv": "generic.csv",
}


def import_file(source: str, path: Path | str, *, allow_duplicate: bool = False) -> ImportSummary:
    return usage_import(
        source=source, paths=[FIXTURES / path if isinstance(path, str) else path], allow_duplicate=allow_duplicate
    )


def import_ok(source: str, path: Path | str, *, allow_duplicate: bool = False) -> ImportBatch:
    summary = import_file(source, path, allow_duplicate=allow_duplicate)
    batch = summary.batches[0]
    assert batch.status == ImportBatch.Status.DONE, batch.error
    return batch

"""A file in a neighbouring shape is refused with the shape it looks like and the `--source` that reads it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from evidence.models import ImportBatch
from tests.evidence.usage_files import FIXTURES, import_file

pytestmark = pytest.mark.django_db

LEGACY_COPILOT = [
    {
        "date": "2026-03-01",
        "total_active_users": 24,
        "total_engaged_users": 20,
        "copilot_ide_code_completions": {"total_engaged_users": 20, "editors": []},
        "copilot_ide_chat": {"total_engaged_users": 9, "editors": []},
    }
]
ANTHROPIC_COST_REPORT = {
    "data": [
        {
            "starting_at": "2026-05-04T00:00:00Z",
            "ending_at": "2026-05-05T00:00:00Z",
            "results": [
                {
                    "amount": "5321.40",
                    "currency": "USD",
                    "cost_type": "tokens",
                    "description": "Claude Sonnet 4.5 Usage - Output Tokens",
                    "model": "claude-sonnet-4-5",
                    "token_type": "output_tokens",
                    "workspace_id": "wrkspc_01XyZ",
                }
            ],
        }
    ],
    "has_more": False,
}
OPENAI_COSTS = {
    "object": "page",
    "data": [
        {
            "object": "bucket",
            "start_time": 1777852800,
            "end_time": 1777939200,
            "results": [
                {
                    "object": "organization.costs.result",
                    "amount": {"value": 0.06, "currency": "usd"},
                    "line_item": "gpt-5, input",
                    "project_id": "proj_abc",
                }
            ],
        }
    ],
}


def refusal(tmp_path: Path, source: str, content: str | bytes, name: str = "export.json") -> str:
    path = tmp_path / name
    path.write_bytes(content.encode() if isinstance(content, str) else content)
    batch = import_file(source, path).batches[0]
    assert batch.status == ImportBatch.Status.REJECTED
    return batch.error


def test_legacy_org_copilot_metrics_are_named_with_the_report_to_download_instead(tmp_path: Path) -> None:
    error = refusal(tmp_path, "copilot-metrics", json.dumps(LEGACY_COPILOT))
    assert "record 1: missing field 'day'" in error
    assert "legacy organisation-level Copilot metrics" in error
    assert "--source copilot-metrics reads the per-user report" in error


def test_anthropic_cost_report_given_as_usage_names_the_usage_report(tmp_path: Path) -> None:
    error = refusal(tmp_path, "anthropic-usage", json.dumps(ANTHROPIC_COST_REPORT))
    assert "Anthropic cost report" in error
    assert "--source anthropic-usage reads the messages usage report" in error


def test_openai_costs_given_as_usage_names_the_usage_endpoint(tmp_path: Path) -> None:
    error = refusal(tmp_path, "openai-usage", json.dumps(OPENAI_COSTS))
    assert "OpenAI costs result" in error
    assert "/v1/organization/usage/completions" in error


@pytest.mark.parametrize(
    ("given_as", "fixture", "reads_it"),
    [
        ("claude-code-analytics", "copilot_users_1_day.ndjson", "copilot-metrics"),
        ("copilot-metrics", "claude_code_analytics.json", "claude-code-analytics"),
        ("cursor-daily", "cursor_usage_events.json", "cursor-usage-events"),
        ("litellm-spend", "anthropic_usage.json", "anthropic-usage"),
        ("anthropic-usage", "openai_usage.json", "openai-usage"),
        ("cursor-commits", "cursor_daily_usage.json", "cursor-daily"),
    ],
)
def test_another_sources_json_names_the_source_that_reads_it(
    tmp_path: Path, given_as: str, fixture: str, reads_it: str
) -> None:
    error = refusal(tmp_path, given_as, (FIXTURES / fixture).read_bytes())
    assert f"--source {reads_it}" in error


@pytest.mark.parametrize(
    ("given_as", "fixture", "named", "reads_it"),
    [
        ("openai-usage", "field/case04_anthropic_console_usage.csv", "Claude Console usage CSV", "anthropic-usage"),
        (
            "cursor-daily",
            "field/case07_cursor_usage_events_dashboard.csv",
            "Cursor usage events CSV",
            "cursor-usage-events",
        ),
        ("claude-code-analytics", "openai_usage_dashboard.csv", "OpenAI usage dashboard export", "openai-usage"),
        ("cursor-usage-events", "cursor_ai_code_commits.csv", "Cursor AI code tracking CSV", "cursor-commits"),
        ("anthropic-usage", "generic.csv", "generic usage CSV", "csv"),
        ("openai-usage", "litellm_spend_logs.csv", "LiteLLM spend log row", "litellm-spend"),
    ],
)
def test_another_sources_csv_names_the_export_and_its_source(
    tmp_path: Path, given_as: str, fixture: str, named: str, reads_it: str
) -> None:
    error = refusal(tmp_path, given_as, (FIXTURES / fixture).read_bytes(), name="export.csv")
    assert named in error
    assert f"--source {reads_it}" in error


def test_an_unknown_csv_lists_the_columns_the_source_reads(tmp_path: Path) -> None:
    error = refusal(tmp_path, "anthropic-usage", "when,who,tokens\n2026-05-04,ana,12\n", name="mine.csv")
    assert "row 1: the columns match no anthropic-usage CSV export" in error
    assert "usage_input_tokens_no_cache" in error


def test_a_bad_value_in_the_right_shape_blames_no_other_shape(tmp_path: Path) -> None:
    line = (FIXTURES / "copilot_users_1_day.ndjson").read_text().splitlines()[0]
    record = json.loads(line)
    record["loc_added_sum"] = -3
    error = refusal(tmp_path, "copilot-metrics", json.dumps(record) + "\n", name="bad.ndjson")
    assert "line 1: field 'loc_added_sum': a count cannot be negative (-3)" in error
    assert "looks like" not in error

"""Each source, from records shaped exactly like the providers' documented examples."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest

from evidence.models import SourceActor, ToolOutcomeFact, ToolReportedCommit, UsageFact, UsageSession
from tests.evidence.usage_files import FIXTURES, import_file, import_ok

pytestmark = pytest.mark.django_db
DAY = dt.date(2026, 5, 4)


def outcomes(source: str) -> dict[str, int]:
    return dict(ToolOutcomeFact.objects.filter(source=source).values_list("metric", "value"))


def test_claude_code_analytics_keeps_token_kinds_cost_in_dollars_and_outcomes() -> None:
    import_ok("claude-code-analytics", "claude_code_analytics.json")
    fact = UsageFact.objects.get(source="claude-code-analytics", model="claude-sonnet-4-5")
    assert (fact.day, fact.tool, fact.dimension) == (DAY, "claude-code", "vscode")
    assert (fact.input_uncached, fact.cache_read, fact.cache_write, fact.output) == (90000, 800000, 40000, 21000)
    assert fact.cost_usd == Decimal("4.12")
    assert fact.cost_basis == UsageFact.CostBasis.REPORTED
    assert fact.actor.kind == "email"
    assert fact.actor.value == "dev@corp.com"
    human = ToolOutcomeFact.objects.filter(actor=fact.actor)
    assert dict(human.values_list("metric", "value")) == {
        "sessions": 4,
        "lines_added": 612,
        "lines_removed": 140,
        "commits": 5,
        "pull_requests": 1,
        "edits_accepted": 40,
        "edits_rejected": 4,
    }


def test_claude_code_api_actor_is_automation_with_fractional_cent_cost() -> None:
    import_ok("claude-code-analytics", "claude_code_analytics.json")
    fact = UsageFact.objects.get(model="claude-haiku-4-5")
    assert fact.actor.owner == SourceActor.Owner.AUTOMATION
    assert fact.actor.kind == "api_key"
    assert fact.person is None
    assert fact.cost_usd == Decimal("0.002")


def test_anthropic_usage_adds_both_cache_creation_kinds_and_prices_from_the_table() -> None:
    import_ok("anthropic-usage", "anthropic_usage.json")
    fact = UsageFact.objects.get(actor__value="user_01AbCdEf")
    assert (fact.input_uncached, fact.cache_read, fact.cache_write, fact.output) == (41200, 310000, 9000, 18500)
    assert fact.cost_basis == UsageFact.CostBasis.PRICE_TABLE
    # 41,200 * $3 + 310,000 * $0.30 + 9,000 * $3.75 + 18,500 * $15, per million tokens
    assert fact.cost_usd == Decimal("0.527850")
    key_fact = UsageFact.objects.get(actor__value="apikey_01Batch")
    assert key_fact.actor.owner == SourceActor.Owner.AUTOMATION


def test_openai_usage_does_not_count_cached_input_twice() -> None:
    import_ok("openai-usage", "openai_usage.json")
    fact = UsageFact.objects.get(source="openai-usage")
    assert (fact.input_uncached, fact.cache_read, fact.cache_write, fact.output) == (22000, 30000, 0, 7000)
    assert fact.requests == 41
    assert fact.day == DAY
    assert fact.actor.kind == "provider_user"
    assert fact.actor.value == "user-9xY"
    # 22,000 * $1.25 + 30,000 * $0.125 + 7,000 * $10, per million tokens
    assert fact.cost_usd == Decimal("0.101250")


def test_copilot_row_gives_cli_tokens_lines_and_suggestions_keyed_by_login() -> None:
    import_ok("copilot-metrics", "copilot_users_1_day.ndjson")
    fact = UsageFact.objects.get(actor__value="alice")
    assert (fact.input_uncached, fact.output, fact.requests) == (15000, 2500, 59)
    assert fact.cost_basis == UsageFact.CostBasis.UNKNOWN
    assert outcomes("copilot-metrics") == {
        "lines_suggested": 200,
        "lines_accepted": 88,
        "lines_added": 88,
        "lines_removed": 10,
        "suggestions_shown": 40,
        "suggestions_accepted": 12,
        "sessions": 2,
        "agent_requests": 7,
    }
    assert SourceActor.objects.get(value="dependabot[bot]").owner == SourceActor.Owner.AUTOMATION


def test_cursor_daily_row_gives_requests_and_accepted_work() -> None:
    import_ok("cursor-daily", "cursor_daily_usage.json")
    fact = UsageFact.objects.get(source="cursor-daily")
    assert (fact.requests, fact.model) == (31, "claude-4.5-sonnet")
    assert outcomes("cursor-daily") == {
        "lines_added": 150,
        "lines_removed": 20,
        "edits_accepted": 18,
        "edits_rejected": 4,
        "suggestions_shown": 300,
        "suggestions_accepted": 90,
        "chat_requests": 10,
        "agent_requests": 18,
    }


def test_cursor_ai_code_commit_becomes_a_tool_reported_commit() -> None:
    import_ok("cursor-commits", "cursor_ai_code_commits.json")
    commit = ToolReportedCommit.objects.get()
    assert (commit.source, commit.tool, commit.repository_name) == ("cursor-commits", "cursor", "corp/api")
    assert commit.sha == "a1b2c3d4e5f60718293a4b5c6d7e8f9012345678"
    assert (commit.ai_lines_added, commit.human_lines_added) == (90, 30)
    assert commit.committed_at == dt.datetime(2026, 5, 4, 14, 12, 3, tzinfo=dt.UTC)


def test_claude_code_otel_rolls_events_into_a_session_and_metrics_into_outcomes() -> None:
    import_ok("claude-code-otel", "claude_code_otel.jsonl")
    session = UsageSession.objects.get()
    assert session.session_id == "9b1e4c2a-0d6f-4a51-8c3e-7f2b9d1a6e40"
    assert (session.requests, session.prompts) == (1, 2)
    assert (session.input_uncached, session.cache_read, session.cache_write, session.output) == (1200, 25000, 3000, 800)
    assert (session.edits_accepted, session.edits_rejected) == (1, 1)
    assert session.tool_calls == {"Edit": 1, "Bash": 1}
    assert session.commit_shas == ["4e7d0c9a1b2c3d4e5f60718293a4b5c6d7e8f901"]
    assert session.started_at == dt.datetime(2026, 5, 4, 10, 20, tzinfo=dt.UTC)
    assert session.ended_at == dt.datetime(2026, 5, 4, 10, 22, tzinfo=dt.UTC)
    fact = UsageFact.objects.get(source="claude-code-otel")
    assert (fact.input_uncached, fact.requests, fact.cost_usd) == (1200, 1, Decimal("0.0512"))
    assert outcomes("claude-code-otel") == {
        "sessions": 1,
        "lines_added": 57,
        "lines_removed": 9,
        "commits": 1,
        "pull_requests": 1,
        "edits_accepted": 1,
        "edits_rejected": 1,
    }
    commit = ToolReportedCommit.objects.get(source="claude-code-otel")
    assert (commit.sha, commit.tool, commit.session_id) == (
        "4e7d0c9a1b2c3d4e5f60718293a4b5c6d7e8f901",
        "claude-code",
        session.session_id,
    )


def test_otel_cumulative_metrics_are_refused_with_the_setting_to_change(tmp_path: Path) -> None:
    text = (FIXTURES / "claude_code_otel.jsonl").read_text()
    path = tmp_path / "cumulative.jsonl"
    path.write_text(text.replace('"aggregationTemporality": 1', '"aggregationTemporality": 2'))
    batch = import_file("claude-code-otel", path).batches[0]
    assert "line 2" in batch.error
    assert "TEMPORALITY_PREFERENCE=delta" in batch.error


@pytest.mark.parametrize("name", ["litellm_spend_logs.json", "litellm_spend_logs.csv"])
def test_litellm_spend_rows_roll_up_into_days_with_their_dollar_spend(name: str) -> None:
    import_ok("litellm-spend", name)
    fact = UsageFact.objects.get(source="litellm-spend")
    assert fact.cost_basis == UsageFact.CostBasis.REPORTED
    assert fact.provider == "anthropic"
    if name.endswith(".json"):
        assert (fact.input_uncached, fact.output, fact.requests, fact.cost_usd) == (11100, 1120, 2, Decimal("0.0526"))
        session = UsageSession.objects.get()
        assert (session.session_id, session.requests) == ("s-77", 2)
    else:
        assert (fact.input_uncached, fact.output, fact.requests, fact.cost_usd) == (9100, 820, 1, Decimal("0.0421"))


def test_generic_csv_gives_usage_and_outcomes() -> None:
    import_ok("csv", "generic.csv")
    fact = UsageFact.objects.get(source="csv")
    assert (fact.provider, fact.tool, fact.model) == ("gemini", "gemini-cli", "gemini-2.5-pro")
    assert (fact.input_uncached, fact.cache_read, fact.output, fact.requests) == (12000, 3000, 1500, 12)
    assert fact.cost_usd == Decimal("0.0321")
    assert outcomes("csv") == {
        "sessions": 2,
        "lines_added": 40,
        "lines_removed": 5,
        "commits": 1,
        "edits_accepted": 9,
        "edits_rejected": 1,
    }

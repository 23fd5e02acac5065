"""Scenario inputs the way they arrive in production: real git history made with `git`, imported through
import_git's service and measured with git blame, plus usage files in the providers' own shapes imported through
the real usage importers."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path

from evidence.models import ImportBatch, Repository
from evidence.services.activity.durability import durability_measure
from evidence.services.activity.git import git_import
from evidence.services.usage.imports import usage_import
from reviews.demo.repo_builder import RepoBuilder

CLAUDE = "Co-Authored-By: Claude Sonnet 4.5 <noreply@anthropic.com>"


def when(day: date, hour: int = 10) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=UTC)


def import_history(path: Path, *, measured_since: datetime) -> Repository:
    """import_git, then durability at HEAD: what `manage.py import_git` and the nightly measurement do."""
    repository = git_import(path=path).repository
    durability_measure(repository=repository, since=measured_since)
    return repository


def claude_code_day(
    email: str,
    day: date,
    *,
    tokens_in: int,
    tokens_out: int,
    cache_read: int = 0,
    cost_cents: int = 0,
    accepted: int = 0,
    rejected: int = 0,
    sessions: int = 1,
) -> dict[str, object]:
    """One record of the Claude Code Analytics API (one user, one UTC day), as documented."""
    return {
        "date": f"{day.isoformat()}T00:00:00Z",
        "actor": {"type": "user_actor", "email_address": email},
        "organization_id": "3f1c0d2e-5b6a-4c1d-9e8f-0a1b2c3d4e5f",
        "customer_type": "api",
        "terminal_type": "vscode",
        "core_metrics": {
            "num_sessions": sessions,
            "lines_of_code": {"added": 0, "removed": 0},
            "commits_by_claude_code": 0,
            "pull_requests_by_claude_code": 0,
        },
        "tool_actions": {
            "edit_tool": {"accepted": accepted, "rejected": rejected},
            "multi_edit_tool": {"accepted": 0, "rejected": 0},
            "write_tool": {"accepted": 0, "rejected": 0},
            "notebook_edit_tool": {"accepted": 0, "rejected": 0},
        },
        "model_breakdown": [
            {
                "model": "claude-sonnet-4-5",
                "tokens": {"input": tokens_in, "output": tokens_out, "cache_read": cache_read, "cache_creation": 0},
                "estimated_cost": {"currency": "USD", "amount": cost_cents},
            }
        ],
    }


def import_claude_code(path: Path, records: list[dict[str, object]]) -> None:
    path.write_text(json.dumps({"data": records, "has_more": False, "next_page": None}))
    batch = usage_import(source="claude-code-analytics", paths=[path]).batches[0]
    assert batch.status == ImportBatch.Status.DONE, batch.error


def lines(prefix: str, count: int) -> list[str]:
    return [f"{prefix} {index}" for index in range(count)]


__all__ = ["CLAUDE", "RepoBuilder", "claude_code_day", "import_claude_code", "import_history", "lines", "when"]

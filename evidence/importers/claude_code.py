"""Claude Code Analytics API (`/v1/organizations/usage_report/claude_code`): one user's activity for one UTC day.

Purpose: an API actor's `api_key_name` (a key made for a job, such as a CI reviewer, says what it is for).
"""

from __future__ import annotations

from typing import Any

from evidence.importers.base import (
    AMOUNT,
    COUNT,
    TEXT,
    ActorRef,
    Facts,
    Importer,
    Kept,
    RecordError,
    Required,
    UsageRow,
    cents_to_usd,
    day_from_text,
    outcome_rows,
    pick,
    purpose_label,
)

TOOL = "claude-code"
EDIT_TOOLS = ("edit_tool", "multi_edit_tool", "write_tool", "notebook_edit_tool")
DECISIONS = {"accepted": COUNT, "rejected": COUNT}

SPEC = {
    "date": Required(TEXT),
    "actor": Required({"type": Required(TEXT), "email_address": TEXT, "api_key_name": TEXT}),
    "organization_id": TEXT,
    "customer_type": TEXT,
    "terminal_type": TEXT,
    "core_metrics": {
        "num_sessions": COUNT,
        "lines_of_code": {"added": COUNT, "removed": COUNT},
        "commits_by_claude_code": COUNT,
        "pull_requests_by_claude_code": COUNT,
    },
    "tool_actions": dict.fromkeys(EDIT_TOOLS, DECISIONS),
    "model_breakdown": [
        {
            "model": Required(TEXT),
            "tokens": {"input": COUNT, "output": COUNT, "cache_read": COUNT, "cache_creation": COUNT},
            "estimated_cost": {"currency": TEXT, "amount": AMOUNT},
        }
    ],
}


def analytics_actor(actor: dict[str, Any]) -> ActorRef:
    if actor.get("email_address"):
        return ActorRef("email", actor["email_address"].lower(), "anthropic")
    if actor.get("api_key_name"):
        return ActorRef("api_key", actor["api_key_name"], "anthropic", automation=True)
    raise RecordError(f"field 'actor': a {actor.get('type', 'actor')} without email_address or api_key_name")


class ClaudeCodeAnalytics(Importer):
    source = "claude-code-analytics"
    provider = "anthropic"
    description = "Claude Code Analytics API records, one per user per UTC day"

    def keep(self, record: dict[str, Any]) -> Kept:
        payload = pick(record, SPEC)
        actor = analytics_actor(payload["actor"])
        day = day_from_text(payload["date"], where="date")
        key = f"{day.isoformat()}|{actor.kind}:{actor.value}|{payload.get('terminal_type', '')}"
        return Kept(key, payload)

    def facts(self, payload: dict[str, Any]) -> Facts:
        actor = analytics_actor(payload["actor"])
        day = day_from_text(payload["date"], where="date")
        terminal = payload.get("terminal_type", "")
        purpose = purpose_label([("api_key_name", payload["actor"].get("api_key_name"))])
        usage = []
        for entry in payload.get("model_breakdown", []):
            tokens = entry.get("tokens", {})
            cost = entry.get("estimated_cost", {})
            usage.append(
                UsageRow(
                    actor=actor,
                    day=day,
                    provider=self.provider,
                    tool=TOOL,
                    model=entry["model"],
                    dimension=terminal,
                    purpose=purpose,
                    input_uncached=tokens.get("input", 0),
                    cache_read=tokens.get("cache_read", 0),
                    cache_write=tokens.get("cache_creation", 0),
                    output=tokens.get("output", 0),
                    cost_usd=cents_to_usd(cost.get("amount")),
                )
            )
        core = payload.get("core_metrics", {})
        lines = core.get("lines_of_code", {})
        actions = payload.get("tool_actions", {})
        accepted = sum(actions.get(name, {}).get("accepted", 0) for name in EDIT_TOOLS)
        rejected = sum(actions.get(name, {}).get("rejected", 0) for name in EDIT_TOOLS)
        outcomes = outcome_rows(
            actor,
            day,
            TOOL,
            [
                ("sessions", core.get("num_sessions", 0)),
                ("lines_added", lines.get("added", 0)),
                ("lines_removed", lines.get("removed", 0)),
                ("commits", core.get("commits_by_claude_code", 0)),
                ("pull_requests", core.get("pull_requests_by_claude_code", 0)),
                ("edits_accepted", accepted),
                ("edits_rejected", rejected),
            ],
        )
        return Facts(usage=usage, outcomes=outcomes)

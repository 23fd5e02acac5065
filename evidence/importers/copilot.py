"""GitHub Copilot usage metrics: the per-user daily report rows (NDJSON behind the report's download links)."""

from __future__ import annotations

from typing import Any

from evidence.importers.base import (
    AMOUNT,
    ANY_ID,
    COUNT,
    TEXT,
    ActorRef,
    Facts,
    Importer,
    Kept,
    Required,
    UsageRow,
    day_from_text,
    outcome_rows,
    pick,
)

PROVIDER = "github"
TOOL = "copilot"
# Only the fields tokenproof reads are kept and checked: GitHub adds fields to these reports (2026: `ai_credits_used`,
# `totals_by_copilot_app`, `totals_by_3rd_party_agent`), and a strict type on a field nobody reads must not reject a
# file. Everything else in a row is ignored and never stored.
SPEC = {
    "day": Required(TEXT),
    "organization_id": ANY_ID,
    "enterprise_id": ANY_ID,
    "user_id": ANY_ID,
    "user_login": Required(TEXT),
    "user_initiated_interaction_count": COUNT,
    "code_generation_activity_count": COUNT,
    "code_acceptance_activity_count": COUNT,
    "loc_suggested_to_add_sum": COUNT,
    "loc_added_sum": COUNT,
    "loc_deleted_sum": COUNT,
    "totals_by_feature": [{"feature": Required(TEXT), "user_initiated_interaction_count": COUNT}],
    "totals_by_cli": {
        "session_count": COUNT,
        "request_count": COUNT,
        "token_usage": {"prompt_tokens_sum": COUNT, "output_tokens_sum": COUNT},
    },
    # Copilot's only cost figure, in AI credits (not dollars), and fractional (12.5): kept with the record as a
    # decimal; no fact is derived from it until a price per credit is known
    "ai_credits_used": AMOUNT,
}


def copilot_actor(payload: dict[str, Any]) -> ActorRef:
    login = payload["user_login"].lower()
    return ActorRef("github_login", login, PROVIDER, automation=login.endswith("[bot]"))


class CopilotMetrics(Importer):
    source = "copilot-metrics"
    provider = PROVIDER
    description = "Copilot usage metrics per-user daily report rows (NDJSON), keyed by user_login"

    def keep(self, record: dict[str, Any]) -> Kept:
        payload = pick(record, SPEC)
        day = day_from_text(payload["day"], where="day")
        scope = payload.get("enterprise_id") or payload.get("organization_id") or ""
        user = payload.get("user_id") or payload["user_login"]
        return Kept(f"{day.isoformat()}|{user}|{scope}", payload)

    def facts(self, payload: dict[str, Any]) -> Facts:
        actor = copilot_actor(payload)
        day = day_from_text(payload["day"], where="day")
        cli = payload.get("totals_by_cli", {})
        tokens = cli.get("token_usage", {})
        usage = UsageRow(
            actor=actor,
            day=day,
            provider=PROVIDER,
            tool=TOOL,
            input_uncached=tokens.get("prompt_tokens_sum", 0),
            output=tokens.get("output_tokens_sum", 0),
            requests=payload.get("user_initiated_interaction_count", 0) + cli.get("request_count", 0),
        )
        agent_requests = sum(
            feature.get("user_initiated_interaction_count", 0)
            for feature in payload.get("totals_by_feature", [])
            if "agent" in feature["feature"]
        )
        outcomes = outcome_rows(
            actor,
            day,
            TOOL,
            [
                ("lines_suggested", payload.get("loc_suggested_to_add_sum", 0)),
                ("lines_accepted", payload.get("loc_added_sum", 0)),
                ("lines_added", payload.get("loc_added_sum", 0)),
                ("lines_removed", payload.get("loc_deleted_sum", 0)),
                ("suggestions_shown", payload.get("code_generation_activity_count", 0)),
                ("suggestions_accepted", payload.get("code_acceptance_activity_count", 0)),
                ("sessions", cli.get("session_count", 0)),
                ("agent_requests", agent_requests),
            ],
        )
        return Facts(usage=[usage] if usage.requests or usage.tokens() else [], outcomes=outcomes)

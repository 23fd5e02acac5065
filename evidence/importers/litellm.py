"""LiteLLM proxy SpendLogs rows (one per request), as JSON pages, JSON Lines or CSV; `messages`/`response` dropped.

Requests are rolled up into days (usage facts) and, where the row carries a session_id, into sessions.
"""

from __future__ import annotations

from typing import Any

from evidence.importers.base import (
    AMOUNT,
    COUNT,
    FLAG,
    TEXT,
    ActorRef,
    Facts,
    Importer,
    Kept,
    RecordError,
    Required,
    SessionRow,
    UsageRow,
    moment_from_text,
    pick,
    usd,
)

PROVIDER = "litellm"
TOOL = "litellm"
SPEC = {
    "request_id": Required(TEXT),
    "call_type": TEXT,
    "api_key": TEXT,
    "user": TEXT,
    "team_id": TEXT,
    "organization_id": TEXT,
    "end_user": TEXT,
    "model": TEXT,
    "model_group": TEXT,
    "custom_llm_provider": TEXT,
    "spend": AMOUNT,
    "total_tokens": COUNT,
    "prompt_tokens": COUNT,
    "completion_tokens": COUNT,
    "cache_hit": FLAG,
    "startTime": Required(TEXT),
    "endTime": TEXT,
    "session_id": TEXT,
    "status": TEXT,
}


def spend_actor(payload: dict[str, Any]) -> ActorRef:
    """The `user` the client sent (an email when employees are keyed by email); else the hashed virtual key."""
    user = payload.get("user") or payload.get("end_user")
    if user:
        return ActorRef("email", user.lower(), PROVIDER) if "@" in user else ActorRef("provider_user", user, PROVIDER)
    if payload.get("api_key"):
        return ActorRef("api_key", payload["api_key"], PROVIDER, automation=True)
    raise RecordError("missing field 'user' (or 'end_user', 'api_key')")


class LiteLLMSpend(Importer):
    source = "litellm-spend"
    provider = PROVIDER
    description = "LiteLLM SpendLogs rows (JSON from /spend/logs/v2, JSON Lines, or a CSV export of the table)"
    reads_csv = True

    def keep(self, record: dict[str, Any]) -> Kept:
        payload = pick(record, SPEC)
        spend_actor(payload)
        started = moment_from_text(payload["startTime"], where="startTime")
        if payload.get("endTime") and moment_from_text(payload["endTime"], where="endTime") < started:
            raise RecordError("field 'endTime' is before 'startTime'")
        return Kept(payload["request_id"], payload)

    def facts(self, payload: dict[str, Any]) -> Facts:
        actor = spend_actor(payload)
        started = moment_from_text(payload["startTime"], where="startTime")
        ended = moment_from_text(payload["endTime"], where="endTime") if payload.get("endTime") else started
        prompt, completion = payload.get("prompt_tokens", 0), payload.get("completion_tokens", 0)
        cost = usd(payload.get("spend"))
        usage = UsageRow(
            actor=actor,
            day=started.date(),
            provider=payload.get("custom_llm_provider", PROVIDER),
            tool=TOOL,
            model=payload.get("model", ""),
            dimension=payload.get("team_id", ""),
            input_uncached=prompt,
            output=completion,
            requests=1,
            cost_usd=cost,
        )
        facts = Facts(usage=[usage])
        if payload.get("session_id"):
            facts.sessions.append(
                SessionRow(
                    actor=actor,
                    session_id=payload["session_id"],
                    tool=TOOL,
                    started_at=started,
                    ended_at=ended,
                    requests=1,
                    input_uncached=prompt,
                    output=completion,
                    cost_usd=cost,
                )
            )
        return facts

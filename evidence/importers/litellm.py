"""LiteLLM proxy SpendLogs rows (one per request), as JSON pages, JSON Lines or CSV; `messages`/`response` dropped.

Requests are rolled up into days (usage facts) and, where the row carries a session_id, into sessions.

`prompt_tokens` includes cache reads and cache writes (LiteLLM reports the provider's prompt side whole). The split
is in `metadata.usage_object`: `cache_read_input_tokens` (else `prompt_tokens_details.cached_tokens`, OpenAI's
name for the reads) and `cache_creation_input_tokens`; the uncached part is what remains. A row without that
object gives no split, and its prompt tokens count as uncached (docs/import-formats.md says so as a caveat).
Of `metadata` only `tags`, `user_api_key_team_alias` and those counts are kept. Purpose: `request_tags`,
`metadata.tags`, `team_id` and `team_alias`.
"""

from __future__ import annotations

import json
from typing import Any

from evidence.importers.base import (
    AMOUNT,
    COUNT,
    FLAG,
    TAGS,
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
    purpose_label,
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
    "team_alias": TEXT,
    "request_tags": TAGS,
    "metadata": {
        "tags": TAGS,
        "user_api_key_team_alias": TEXT,
        "usage_object": {
            "prompt_tokens": COUNT,
            "cache_read_input_tokens": COUNT,
            "cache_creation_input_tokens": COUNT,
            "prompt_tokens_details": {"cached_tokens": COUNT},
        },
    },
}


def prompt_split(payload: dict[str, Any]) -> tuple[int, int, int]:
    """(uncached, cache read, cache write) of the row's prompt tokens, which include both cache counts."""
    prompt = payload.get("prompt_tokens", 0)
    usage = payload.get("metadata", {}).get("usage_object", {})
    read = usage.get("cache_read_input_tokens", usage.get("prompt_tokens_details", {}).get("cached_tokens", 0))
    write = usage.get("cache_creation_input_tokens", 0)
    if read + write > prompt:
        raise RecordError(
            f"field 'prompt_tokens' ({prompt:,}) is smaller than the cache tokens it includes "
            f"(metadata.usage_object: {read:,} read, {write:,} written)"
        )
    return prompt - read - write, read, write


def spend_purpose(payload: dict[str, Any]) -> str:
    metadata = payload.get("metadata", {})
    return purpose_label(
        [
            *(("request_tags", tag) for tag in payload.get("request_tags", [])),
            *(("tags", tag) for tag in metadata.get("tags", [])),
            ("team_id", payload.get("team_id")),
            ("team_alias", payload.get("team_alias") or metadata.get("user_api_key_team_alias")),
        ]
    )


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
        if isinstance(record.get("metadata"), str):  # a CSV export of the table holds the JSON as text
            record = {**record, "metadata": _json_object(record["metadata"])}
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
        uncached, cache_read, cache_write = prompt_split(payload)
        completion = payload.get("completion_tokens", 0)
        cost = usd(payload.get("spend"))
        usage = UsageRow(
            actor=actor,
            day=started.date(),
            provider=payload.get("custom_llm_provider", PROVIDER),
            tool=TOOL,
            model=payload.get("model", ""),
            dimension=payload.get("team_id", ""),
            purpose=spend_purpose(payload),
            input_uncached=uncached,
            cache_read=cache_read,
            cache_write=cache_write,
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
                    input_uncached=uncached,
                    cache_read=cache_read,
                    cache_write=cache_write,
                    output=completion,
                    cost_usd=cost,
                )
            )
        return facts


def _json_object(text: str) -> dict[str, Any]:
    if not text.strip():
        return {}
    try:
        value = json.loads(text)
    except ValueError:
        raise RecordError("field 'metadata': not a JSON object") from None
    if not isinstance(value, dict):
        raise RecordError("field 'metadata': not a JSON object")
    return value

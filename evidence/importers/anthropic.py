"""Anthropic Admin API: the messages usage report (buckets of grouped results) and the organisation's users list.

A result's natural key is its bucket start and every dimension the report can group by (account_id, api_key_id,
service_account_id, workspace_id, model, service_tier, context_window, inference_geo, speed). Purpose: the
result's `workspace_id` and `api_key_id` (in the Console CSV, the workspace's and the key's names).
"""

from __future__ import annotations

from typing import Any

from evidence.importers.anthropic_console import CONSOLE_USAGE
from evidence.importers.base import (
    COUNT,
    FLAG,
    TEXT,
    ActorRef,
    BucketedUsage,
    Facts,
    Kept,
    Required,
    UsageRow,
    UsersList,
    day_from_text,
    pick,
    purpose_label,
)

PROVIDER = "anthropic"
DIMENSIONS = ("workspace_id", "service_tier", "context_window", "inference_geo", "speed")

RESULT_SPEC = {
    "starting_at": Required(TEXT),
    "ending_at": TEXT,
    "account_id": TEXT,
    "api_key_id": TEXT,
    "service_account_id": TEXT,
    **dict.fromkeys(DIMENSIONS, TEXT),
    "model": TEXT,
    "uncached_input_tokens": Required(COUNT),
    "cache_creation": {"ephemeral_5m_input_tokens": COUNT, "ephemeral_1h_input_tokens": COUNT},
    "cache_read_input_tokens": COUNT,
    "output_tokens": COUNT,
    "server_tool_use": {"web_search_requests": COUNT},
}

USER_SPEC = {
    "id": Required(TEXT),
    "type": TEXT,
    "email": Required(TEXT),
    "role": TEXT,
    "added_at": TEXT,
    "is_service_account": FLAG,
}

UNGROUPED = ActorRef("provider_user", "(usage not grouped by account or key)", PROVIDER)


def usage_actor(result: dict[str, Any]) -> ActorRef:
    """The account that made the requests; else the service account or API key, which are automation."""
    if result.get("account_id"):
        return ActorRef("provider_user", result["account_id"], PROVIDER)
    if result.get("service_account_id"):
        return ActorRef("provider_user", result["service_account_id"], PROVIDER, automation=True)
    if result.get("api_key_id"):
        return ActorRef("api_key", result["api_key_id"], PROVIDER, automation=True)
    return UNGROUPED


class AnthropicUsage(BucketedUsage):
    source = "anthropic-usage"
    provider = PROVIDER
    bucket_fields = ("starting_at", "ending_at")
    description = "Admin API messages usage report pages (buckets of results grouped by account, key, model, …)"
    csv_shapes = (CONSOLE_USAGE,)

    def keep(self, record: dict[str, Any]) -> Kept:
        payload = pick(record, RESULT_SPEC)
        day_from_text(payload["starting_at"], where="starting_at")
        grouping = ("account_id", "api_key_id", "service_account_id", "model", *DIMENSIONS)
        key = "|".join([payload["starting_at"], *(str(payload.get(name, "")) for name in grouping)])
        return Kept(key, payload)

    def facts(self, payload: dict[str, Any]) -> Facts:
        cache_creation = payload.get("cache_creation", {})
        row = UsageRow(
            actor=usage_actor(payload),
            day=day_from_text(payload["starting_at"], where="starting_at"),
            provider=PROVIDER,
            tool="api",
            model=payload.get("model", ""),
            dimension="|".join(str(payload.get(name, "")) for name in DIMENSIONS).strip("|"),
            purpose=purpose_label(
                [("workspace_id", payload.get("workspace_id")), ("api_key_id", payload.get("api_key_id"))]
            ),
            input_uncached=payload["uncached_input_tokens"],
            cache_read=payload.get("cache_read_input_tokens", 0),
            cache_write=cache_creation.get("ephemeral_5m_input_tokens", 0)
            + cache_creation.get("ephemeral_1h_input_tokens", 0),
            output=payload.get("output_tokens", 0),
        )
        return Facts(usage=[row])


class AnthropicUsers(UsersList):
    source = "anthropic-users"
    provider = PROVIDER
    description = "Admin API organisation users list: resolves account_id (user_…) to an email"
    spec = USER_SPEC

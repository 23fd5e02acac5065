"""OpenAI organisation usage (completions buckets grouped by user, key, project, model, …), users and projects.

`input_tokens` already includes cached and cache-write tokens: the uncached part is what remains. A result's
natural key is its bucket and every dimension the endpoint can group by (`group_by`: project_id, user_id,
api_key_id, model, batch, service_tier, api_source), so two results of one user, key, model and day that differ
in, say, `api_source` (`agents_api`, `unlabeled`) are two records. Purpose: the result's `project_id`, named by
the projects list when that is imported.
"""

from __future__ import annotations

from typing import Any

from evidence.importers.base import (
    COUNT,
    FLAG,
    TEXT,
    ActorRef,
    BucketedUsage,
    Facts,
    Importer,
    Kept,
    LabelRow,
    RecordError,
    Required,
    UsageRow,
    UsersList,
    moment_from_epoch,
    pick,
    purpose_label,
)
from evidence.importers.openai_dashboard import OPENAI_USAGE

PROVIDER = "openai"

RESULT_SPEC = {
    "start_time": Required(COUNT),
    "end_time": COUNT,
    "input_tokens": Required(COUNT),
    "input_cached_tokens": COUNT,
    "input_cache_write_tokens": COUNT,
    "input_uncached_tokens": COUNT,
    "output_tokens": COUNT,
    "num_model_requests": COUNT,
    "project_id": TEXT,
    "user_id": TEXT,
    "api_key_id": TEXT,
    "model": TEXT,
    "batch": FLAG,
    "service_tier": TEXT,
    "api_source": TEXT,
}
# the grouping dimensions in the order of the key; those after the first six are appended only when present, so
# that the keys of results stored before they were read stay the same
GROUPING = ("project_id", "user_id", "api_key_id", "model", "batch", "service_tier")
LATER_GROUPING = ("api_source",)
PROJECT_SPEC = {
    "id": Required(TEXT),
    "object": TEXT,
    "name": Required(TEXT),
    "created_at": COUNT,
    "archived_at": COUNT,
    "status": TEXT,
}

USER_SPEC = {
    "object": TEXT,
    "id": Required(TEXT),
    "email": Required(TEXT),
    "role": TEXT,
    "added_at": COUNT,
    "is_service_account": FLAG,
}

UNGROUPED = ActorRef("provider_user", "(usage not grouped by user or key)", PROVIDER)


def usage_actor(result: dict[str, Any]) -> ActorRef:
    if result.get("user_id"):
        return ActorRef("provider_user", result["user_id"], PROVIDER)
    if result.get("api_key_id"):
        return ActorRef("api_key", result["api_key_id"], PROVIDER, automation=True)
    return UNGROUPED


class OpenAIUsage(BucketedUsage):
    source = "openai-usage"
    provider = PROVIDER
    bucket_fields = ("start_time", "end_time")
    description = "Organization usage API pages for completions (buckets of grouped results)"
    csv_shapes = (OPENAI_USAGE,)

    def keep(self, record: dict[str, Any]) -> Kept:
        payload = pick(record, RESULT_SPEC)
        moment_from_epoch(payload["start_time"], where="start_time")
        cached = payload.get("input_cached_tokens", 0) + payload.get("input_cache_write_tokens", 0)
        if cached > payload["input_tokens"]:
            raise RecordError(
                "field 'input_tokens' is smaller than the 'input_cached_tokens' and 'input_cache_write_tokens' "
                "it includes"
            )
        parts = [str(payload["start_time"]), *(str(payload.get(name, "")) for name in GROUPING)]
        parts += [f"{name}={payload[name]}" for name in LATER_GROUPING if name in payload]
        return Kept("|".join(parts), payload)

    def facts(self, payload: dict[str, Any]) -> Facts:
        cache_read = payload.get("input_cached_tokens", 0)
        cache_write = payload.get("input_cache_write_tokens", 0)
        uncached = payload.get("input_uncached_tokens", payload["input_tokens"] - cache_read - cache_write)
        dimension = "|".join(
            str(payload.get(name, "")) for name in ("project_id", "api_key_id", "batch", "service_tier")
        ).strip("|")
        row = UsageRow(
            actor=usage_actor(payload),
            day=moment_from_epoch(payload["start_time"], where="start_time").date(),
            provider=PROVIDER,
            tool="api",
            model=payload.get("model", ""),
            dimension=dimension,
            purpose=purpose_label([("project_id", payload.get("project_id"))]),
            input_uncached=uncached,
            cache_read=cache_read,
            cache_write=cache_write,
            output=payload.get("output_tokens", 0),
            requests=payload.get("num_model_requests", 0),
        )
        return Facts(usage=[row])


class OpenAIUsers(UsersList):
    source = "openai-users"
    provider = PROVIDER
    description = "Organization users list: resolves user_id (user-…) to an email"
    spec = USER_SPEC


class OpenAIProjects(Importer):
    """The projects list: names the `project_id` purpose values of usage facts (none of its own usage)."""

    source = "openai-projects"
    provider = PROVIDER
    description = "Organization projects list (GET /v1/organization/projects): names each project_id"

    def keep(self, record: dict[str, Any]) -> Kept:
        payload = pick(record, PROJECT_SPEC)
        return Kept(payload["id"], payload)

    def facts(self, payload: dict[str, Any]) -> Facts:
        return Facts(labels=[LabelRow("project_id", payload["id"], payload["name"])])

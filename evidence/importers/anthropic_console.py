"""The Claude Console's usage CSV (Usage page → Export), read as the Admin API's messages usage results.

One row per day, model, API key, workspace and the other Console dimensions. The Console names an API key by the
*name* its owner gave it and a workspace by its name, where the API gives their ids: a key name becomes the
result's `api_key_id`, the key identity that Claude Code's analytics (`actor.api_key_name`) also uses, so API-key
traffic is automation until an identity maps the name to a person. Context windows are written as the Console
shows them (`≤ 200k`) and become the API's values (`0-200k`).
"""

from __future__ import annotations

from typing import Any

from evidence.importers.dashboard_csv import CsvShape, count_cell, moment_cell, text_cell

CONTEXT_WINDOWS = {"≤ 200k": "0-200k", "<= 200k": "0-200k", "> 200k": "200k-1M"}
UNKNOWN_GEO = "not_available"  # the Console's word for a geography it does not report; the API leaves it out


def _console_finish(record: dict[str, Any]) -> dict[str, Any]:
    if "starting_at" in record:
        record["starting_at"] = record["starting_at"].strftime("%Y-%m-%dT00:00:00Z")  # the API's 1d bucket start
    if "context_window" in record:
        record["context_window"] = CONTEXT_WINDOWS.get(record["context_window"], record["context_window"])
    if record.get("inference_geo") == UNKNOWN_GEO:
        del record["inference_geo"]
    return record


CONSOLE_USAGE = CsvShape(
    name="the Claude Console usage CSV",
    columns={
        "usage_date_utc": ("starting_at", moment_cell),
        "model_version": ("model", text_cell),
        "api_key": ("api_key_id", text_cell),
        "workspace": ("workspace_id", text_cell),
        "usage_type": ("service_tier", text_cell),
        "context_window": ("context_window", text_cell),
        "inference_geo": ("inference_geo", text_cell),
        "speed": ("speed", text_cell),
        "usage_input_tokens_no_cache": ("uncached_input_tokens", count_cell),
        "usage_input_tokens_cache_write_5m": ("cache_creation.ephemeral_5m_input_tokens", count_cell),
        "usage_input_tokens_cache_write_1h": ("cache_creation.ephemeral_1h_input_tokens", count_cell),
        "usage_input_tokens_cache_read": ("cache_read_input_tokens", count_cell),
        "usage_output_tokens": ("output_tokens", count_cell),
        "web_search_count": ("server_tool_use.web_search_requests", count_cell),
    },
    identifying=frozenset({"usage_date_utc", "usage_input_tokens_no_cache", "usage_output_tokens"}),
    finish=_console_finish,
)

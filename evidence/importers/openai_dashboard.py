"""The OpenAI usage dashboard's export (Usage → Export, completions), read as the usage API's completions results.

The export is the API's results flattened into one row per bucket and grouping: the same column names, but counts
written as decimals (`59200.0`), `batch` as `TRUE`/`FALSE`, and a row with empty figures for each idle bucket, which
holds no usage and is skipped. A bucket's start and end are `start_time` and `end_time` (Unix seconds)
or, when only those are given, `start_time_iso` and `end_time_iso`.
"""

from __future__ import annotations

from typing import Any

from evidence.importers.dashboard_csv import CsvShape, count_cell, flag_cell, moment_cell, text_cell

FIGURES = ("input_tokens", "output_tokens", "num_model_requests")


def _dashboard_finish(record: dict[str, Any]) -> dict[str, Any] | None:
    if not any(name in record for name in FIGURES):
        return None  # an idle bucket
    for name in ("start_time", "end_time"):
        moment = record.pop(f"{name}_iso", None)
        if name not in record and moment is not None:
            record[name] = int(moment.timestamp())
    return record


OPENAI_USAGE = CsvShape(
    name="the OpenAI usage dashboard export",
    columns={
        "start_time": ("start_time", count_cell),
        "end_time": ("end_time", count_cell),
        "start_time_iso": ("start_time_iso", moment_cell),
        "end_time_iso": ("end_time_iso", moment_cell),
        **{
            name: (name, count_cell)
            for name in (
                "input_tokens",
                "input_cached_tokens",
                "input_cache_write_tokens",
                "input_uncached_tokens",
                "output_tokens",
                "num_model_requests",
            )
        },
        **{name: (name, text_cell) for name in ("project_id", "user_id", "api_key_id", "model", "service_tier")},
        "batch": ("batch", flag_cell),
    },
    identifying=frozenset({"input_tokens", "output_tokens", "num_model_requests"}),
    finish=_dashboard_finish,
)

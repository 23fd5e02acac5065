"""Which counts include which, per source: every input token lands in exactly one of uncached, cache read, write."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import pytest

from evidence.importers import IMPORTERS
from evidence.importers.base import RecordError
from evidence.models import UsageFact
from tests.evidence.test_import_properties import EXAMPLE_RECORDS
from tests.evidence.usage_files import FIXTURES, import_ok

OTEL_EVENT = {
    "record": "event",
    "time_unix_nano": "1777890000000000000",
    "event.name": "api_request",
    "session.id": "s-1",
    "user.email": "dev@corp.com",
    "model": "claude-sonnet-4-5",
}


def record(source: str, changes: dict[str, Any], *, drop: tuple[str, ...] = ()) -> dict[str, Any]:
    """The source's documented example (its first result, for bucketed reports) with these fields changed."""
    base: dict[str, Any] = json.loads(json.dumps(EXAMPLE_RECORDS[source][0]))
    if "results" in base:
        base = {**base["results"][0], **{name: base.get(name) for name in ("start_time", "starting_at")}}
    for name in drop:
        base.pop(name, None)
    return {**base, **changes}


def split(source: str, item: dict[str, Any]) -> tuple[int, int, int, int]:
    importer = IMPORTERS[source]
    (row,) = importer.facts(importer.keep(item).payload).usage
    return row.input_uncached, row.cache_read, row.cache_write, row.output


CACHE = {
    "input_cached_tokens": 40,
    "input_cache_write_tokens": 20,
    "output_tokens": 7,
}
CASES = [
    # (source, record, (uncached, cache read, cache write, output), what the source's counts include)
    (
        "anthropic-usage",
        record(
            "anthropic-usage",
            {
                "uncached_input_tokens": 100,
                "cache_read_input_tokens": 40,
                "cache_creation": {"ephemeral_5m_input_tokens": 17, "ephemeral_1h_input_tokens": 3},
                "output_tokens": 7,
            },
        ),
        (100, 40, 20, 7),
        "separate: uncached excludes both caches; cache write is 5m + 1h",
    ),
    (
        "claude-code-analytics",
        record(
            "claude-code-analytics",
            {
                "model_breakdown": [
                    {"model": "m", "tokens": {"input": 100, "cache_read": 40, "cache_creation": 20, "output": 7}}
                ]
            },
        ),
        (100, 40, 20, 7),
        "separate: input excludes cache read and cache creation",
    ),
    (
        "claude-code-otel",
        {**OTEL_EVENT, "input_tokens": 100, "cache_read_tokens": 40, "cache_creation_tokens": 20, "output_tokens": 7},
        (100, 40, 20, 7),
        "separate: api_request input_tokens excludes the cache counts",
    ),
    (
        "openai-usage",
        record("openai-usage", {"input_tokens": 160, **CACHE}, drop=("input_uncached_tokens",)),
        (100, 40, 20, 7),
        "input_tokens includes cached and cache-write tokens: uncached is what remains",
    ),
    (
        "openai-usage",
        record("openai-usage", {"input_tokens": 160, "input_uncached_tokens": 100, **CACHE}),
        (100, 40, 20, 7),
        "input_uncached_tokens, when given, is taken as it is",
    ),
    (
        "litellm-spend",
        record(
            "litellm-spend",
            {
                "prompt_tokens": 160,
                "completion_tokens": 7,
                "metadata": {"usage_object": {"cache_read_input_tokens": 40, "cache_creation_input_tokens": 20}},
            },
        ),
        (100, 40, 20, 7),
        "prompt_tokens includes cache reads and writes (Anthropic names in metadata.usage_object)",
    ),
    (
        "litellm-spend",
        record(
            "litellm-spend",
            {
                "prompt_tokens": 160,
                "completion_tokens": 7,
                "metadata": {"usage_object": {"prompt_tokens_details": {"cached_tokens": 40}}},
            },
        ),
        (120, 40, 0, 7),
        "prompt_tokens includes cached tokens (OpenAI's name: prompt_tokens_details.cached_tokens)",
    ),
    (
        "litellm-spend",
        record("litellm-spend", {"prompt_tokens": 160, "completion_tokens": 7, "metadata": {}}),
        (160, 0, 0, 7),
        "no usage object: no split is known, so every prompt token counts as uncached (a documented caveat)",
    ),
    (
        "copilot-metrics",
        record(
            "copilot-metrics",
            {"totals_by_cli": {"request_count": 1, "token_usage": {"prompt_tokens_sum": 160, "output_tokens_sum": 7}}},
        ),
        (160, 0, 0, 7),
        "prompt_tokens_sum has no cache split: all uncached (a documented caveat)",
    ),
    (
        "csv",
        record("csv", {"input_uncached": "100", "cache_read": "40", "cache_write": "20", "output": "7"}),
        (100, 40, 20, 7),
        "separate, as the generic CSV documents",
    ),
]


@pytest.mark.parametrize(("source", "item", "expected", "rule"), CASES, ids=[f"{case[0]}: {case[3]}" for case in CASES])
def test_each_source_splits_input_tokens_by_what_its_counts_include(
    source: str, item: dict[str, Any], expected: tuple[int, int, int, int], rule: str
) -> None:
    assert split(source, item) == expected, rule


@pytest.mark.parametrize(
    ("kind", "field"),
    [("input", "input_uncached"), ("cacheRead", "cache_read"), ("cacheCreation", "cache_write"), ("output", "output")],
)
def test_otel_token_metrics_are_one_kind_each(kind: str, field: str) -> None:
    point = {**OTEL_EVENT, "record": "metric", "metric": "claude_code.token.usage", "type": kind, "value": "160"}
    importer = IMPORTERS["claude-code-otel"]
    (row,) = importer.facts(importer.keep(point).payload).usage
    assert getattr(row, field) == row.tokens() == 160


def test_litellm_cache_counts_larger_than_the_prompt_are_rejected_naming_the_field() -> None:
    item = record(
        "litellm-spend",
        {
            "prompt_tokens": 50,
            "metadata": {"usage_object": {"cache_read_input_tokens": 40, "cache_creation_input_tokens": 20}},
        },
    )
    importer = IMPORTERS["litellm-spend"]
    with pytest.raises(RecordError, match=r"field 'prompt_tokens' \(50\) is smaller than the cache tokens it includes"):
        importer.facts(importer.keep(item).payload)


@pytest.mark.django_db
def test_litellm_prompt_tokens_that_include_the_cache_are_split() -> None:
    """The field case: 72,000 prompt tokens are 12,000 uncached, 42,000 cache read and 18,000 cache write."""
    import_ok("litellm-spend", FIXTURES / "field" / "case09_litellm_prompt_includes_cache.json")
    fact = UsageFact.objects.get()
    assert (fact.input_uncached, fact.cache_read, fact.cache_write, fact.output) == (12_000, 42_000, 18_000, 1_500)
    assert (fact.cost_usd, fact.cost_basis) == (Decimal("0.0612"), "reported")

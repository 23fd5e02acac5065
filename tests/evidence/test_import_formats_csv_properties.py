"""Properties of the dashboard CSV cells and shapes, beyond the field cases: every count spelling, every charge,
every split of Cursor's input columns, every order of columns, and Copilot fields tokenproof does not read."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from evidence.importers import IMPORTERS
from evidence.importers.anthropic_console import CONSOLE_USAGE
from evidence.importers.base import MAX_COUNT, RecordError
from evidence.importers.cursor_usage_events import CURSOR_USAGE_EVENTS
from evidence.importers.dashboard_csv import count_cell, dollars_cell, shape_for
from tests.evidence.test_import_properties import JSON_VALUES
from tests.evidence.usage_files import FIXTURES

COUNTS = st.integers(min_value=0, max_value=10**12)
COPILOT = IMPORTERS["copilot-metrics"]
COPILOT_ROW = json.loads((FIXTURES / "copilot_users_1_day.ndjson").read_text().splitlines()[0])
# fields of the per-user report that tokenproof does not read (GitHub's example schema, 2026)
COPILOT_UNREAD = (
    "used_agent",
    "used_chat",
    "used_cli",
    "used_copilot_code_review_active",
    "loc_suggested_to_delete_sum",
    "totals_by_ide",
    "totals_by_language_feature",
    "totals_by_model_feature",
    "totals_by_copilot_app",
    "totals_by_3rd_party_agent",
    "ai_adoption_phase",
)


@given(number=st.integers(min_value=0, max_value=MAX_COUNT - 1), zeros=st.integers(min_value=0, max_value=3))
def test_a_count_reads_with_or_without_a_zero_fraction(number: int, zeros: int) -> None:
    assert count_cell(str(number), "c") == number
    assert count_cell(f"{number}." + "0" * zeros, "c") == number


@given(number=COUNTS, fraction=st.integers(min_value=1, max_value=99))
def test_a_count_with_a_fraction_is_refused_naming_the_column(number: int, fraction: int) -> None:
    with pytest.raises(RecordError, match="column 'Output Tokens'"):
        count_cell(f"{number}.{fraction:02d}", "Output Tokens")


@given(cents=st.integers(min_value=0, max_value=10**11))
def test_a_dollar_amount_reads_with_or_without_its_sign(cents: int) -> None:
    text = f"{cents // 100}.{cents % 100:02d}"
    assert dollars_cell(f"${text}", "Cost") == dollars_cell(text, "Cost") == Decimal(cents) / 100


def events_row(without: int, write: int, read: int, output: int, total: int, cost: str) -> dict[str, str]:
    return {
        "Date": "2026-11-20T10:04:11.000Z",
        "User": "ana@example.com",
        "Kind": "Usage-based",
        "Model": "gpt-5",
        "Max Mode": "No",
        "Input (w/ Cache Write)": str(without + write),
        "Input (w/o Cache Write)": str(without),
        "Cache Read": str(read),
        "Output Tokens": str(output),
        "Total Tokens": str(total),
        "Cost": cost,
    }


@given(without=COUNTS, write=COUNTS, read=COUNTS, output=COUNTS, cents=st.integers(min_value=0, max_value=10**6))
def test_cursor_events_split_input_into_uncached_and_cache_write(
    without: int, write: int, read: int, output: int, cents: int
) -> None:
    cost = f"${cents // 100}.{cents % 100:02d}"
    record = CURSOR_USAGE_EVENTS.record(events_row(without, write, read, output, without + write + read + output, cost))
    assert record is not None
    facts = IMPORTERS["cursor-usage-events"].facts(IMPORTERS["cursor-usage-events"].keep(record).payload)
    row = facts.usage[0]
    assert (row.input_uncached, row.cache_write, row.cache_read, row.output) == (without, write, read, output)
    assert row.cost_usd == Decimal(cents) / 100


@given(without=COUNTS, write=COUNTS, read=COUNTS, output=COUNTS, off=st.integers(min_value=1, max_value=10**6))
def test_cursor_events_with_a_total_that_does_not_add_up_are_refused(
    without: int, write: int, read: int, output: int, off: int
) -> None:
    total = without + write + read + output + off
    with pytest.raises(RecordError, match="column 'Total Tokens'"):
        CURSOR_USAGE_EVENTS.record(events_row(without, write, read, output, total, "Included"))


@given(no_cache=COUNTS, write_5m=COUNTS, write_1h=COUNTS, read=COUNTS, output=COUNTS)
def test_claude_console_rows_give_the_api_token_kinds(
    no_cache: int, write_5m: int, write_1h: int, read: int, output: int
) -> None:
    row = {
        "usage_date_utc": "2026-11-20",
        "model_version": "claude-sonnet-4-5",
        "api_key": "ci-review-bot",
        "usage_input_tokens_no_cache": str(no_cache),
        "usage_input_tokens_cache_write_5m": str(write_5m),
        "usage_input_tokens_cache_write_1h": str(write_1h),
        "usage_input_tokens_cache_read": str(read),
        "usage_output_tokens": f"{output}.0",
    }
    record = CONSOLE_USAGE.record(row)
    assert record is not None
    usage = IMPORTERS["anthropic-usage"].facts(IMPORTERS["anthropic-usage"].keep(record).payload).usage[0]
    assert (usage.input_uncached, usage.cache_write, usage.cache_read, usage.output) == (
        no_cache,
        write_5m + write_1h,
        read,
        output,
    )
    assert usage.actor.automation


@pytest.mark.parametrize("source", sorted(name for name, importer in IMPORTERS.items() if importer.csv_shapes))
@given(data=st.data())
def test_a_dashboard_header_is_recognised_in_any_order_with_any_extra_columns(source: str, data: Any) -> None:
    shapes = IMPORTERS[source].csv_shapes
    shape = data.draw(st.sampled_from(shapes))
    named = data.draw(st.lists(st.sampled_from(sorted(shape.columns)), unique=True))
    extra = data.draw(st.lists(st.text(min_size=1, max_size=12), max_size=4))
    header = frozenset([*shape.identifying, *named, *extra])
    assert shape_for(header, shapes) is shape
    missing = data.draw(st.sampled_from(sorted(shape.identifying)))
    assert shape_for(header - {missing}, shapes) is None


@settings(max_examples=200)
@given(unread=st.dictionaries(st.sampled_from(COPILOT_UNREAD), JSON_VALUES, min_size=1), unknown=JSON_VALUES)
def test_copilot_fields_tokenproof_does_not_read_never_reject_a_row_and_are_never_kept(
    unread: dict[str, Any], unknown: object
) -> None:
    expected = COPILOT.keep(COPILOT_ROW)
    kept = COPILOT.keep({**COPILOT_ROW, **unread, "a_field_added_in_2027": unknown})
    assert kept == expected


@given(credits=st.decimals(min_value=0, max_value=10**9, places=3) | st.floats(min_value=0, max_value=1e9))
def test_copilot_ai_credits_are_kept_as_a_decimal(credits: Decimal | float) -> None:
    kept = COPILOT.keep({**COPILOT_ROW, "ai_credits_used": credits})
    assert Decimal(kept.payload["ai_credits_used"]) == Decimal(str(credits))

"""Cursor usage events: one record per request with its tokens and charge, the only Cursor export with token counts.

Two shapes: the Admin API's `POST /teams/filtered-usage-events` pages (`usageEvents`), and the dashboard's usage
CSV (Usage → Export: `Date, User, …, Kind, Model, Max Mode, Input (w/ Cache Write), Input (w/o Cache Write), Cache
Read, Output Tokens, Total Tokens, Cost`). The CSV's uncached input is "Input (w/o Cache Write)"; its cache writes
are the difference of the two input columns; "Total Tokens" is input with cache write, plus cache read, plus
output, and a row whose total disagrees is refused. Requests roll up into days per model and billing kind. An
errored request (`Errored, No Charge`) adds nothing. A charge of `Included` (in the plan) reports no per-request
cost, so the price table prices it, as for Cursor's other subscription figures.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from evidence.importers.base import (
    AMOUNT,
    ANY_ID,
    COUNT,
    FLAG,
    TEXT,
    ActorRef,
    Facts,
    Importer,
    Kept,
    RecordError,
    Required,
    UsageRow,
    moment_from_epoch,
    pick,
)
from evidence.importers.dashboard_csv import CsvShape, count_cell, dollars_cell, flag_cell, moment_cell, text_cell

PROVIDER = "cursor"
TOOL = "cursor"
INCLUDED = "Included"  # the CSV's charge for a request inside the plan
EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
SPEC = {
    "timestamp": Required(ANY_ID),  # epoch milliseconds, sent as a string
    "userEmail": TEXT,
    "serviceAccountId": TEXT,
    "cloudAgentId": TEXT,
    "automationId": TEXT,
    "model": TEXT,
    "kind": TEXT,
    "maxMode": FLAG,
    "tokenUsage": {"inputTokens": COUNT, "outputTokens": COUNT, "cacheWriteTokens": COUNT, "cacheReadTokens": COUNT},
    "chargedCents": AMOUNT,
}


def events_actor(payload: dict[str, Any]) -> ActorRef:
    """The user who made the request; else the service account, cloud agent or automation, which are automation."""
    if payload.get("userEmail"):
        return ActorRef("email", payload["userEmail"].lower(), PROVIDER)
    for name in ("serviceAccountId", "cloudAgentId", "automationId"):
        if payload.get(name):
            return ActorRef("provider_user", payload[name], PROVIDER, automation=True)
    raise RecordError("missing field 'userEmail' (or 'serviceAccountId', 'cloudAgentId', 'automationId')")


def event_moment(payload: dict[str, Any]) -> dt.datetime:
    stamp = str(payload["timestamp"])
    if not (stamp.isascii() and stamp.isdigit()):
        raise RecordError(f"field 'timestamp': {stamp[:40]!r} is not epoch milliseconds")
    return moment_from_epoch(int(stamp), where="timestamp", unit=1000)


def _charge_cell(text: str, column: str) -> Decimal | None:
    """Cents, as the API's `chargedCents` writes them (`1`, `21.36`), so both shapes store the same record."""
    if text == INCLUDED:
        return None
    cents = dollars_cell(text, column) * 100
    return cents.to_integral_value() if cents == cents.to_integral_value() else cents.normalize()


def _events_finish(record: dict[str, Any]) -> dict[str, Any]:
    """The API's event from a CSV row: epoch milliseconds, cache writes, and the checked total."""
    if "timestamp" in record:
        record["timestamp"] = str((record["timestamp"] - EPOCH) // dt.timedelta(milliseconds=1))
    csv = record.pop("csv", {})
    with_write, without_write = csv.get("with_cache_write", 0), csv.get("without_cache_write", 0)
    if with_write < without_write:
        raise RecordError("column 'Input (w/ Cache Write)' is smaller than 'Input (w/o Cache Write)'")
    tokens = {
        "inputTokens": without_write,
        "cacheWriteTokens": with_write - without_write,
        "cacheReadTokens": csv.get("cache_read", 0),
        "outputTokens": csv.get("output", 0),
    }
    total = with_write + tokens["cacheReadTokens"] + tokens["outputTokens"]
    if "total" in csv and csv["total"] != total:
        raise RecordError(
            f"column 'Total Tokens': {csv['total']} is not Input (w/ Cache Write) + Cache Read + Output Tokens"
            f" ({total}); the columns may have been reordered or edited"
        )
    record["tokenUsage"] = tokens
    if "chargedCents" in record and record["chargedCents"] is None:
        del record["chargedCents"]  # Included: no per-request charge
    return record


CURSOR_USAGE_EVENTS = CsvShape(
    name="the Cursor usage events CSV",
    columns={
        "Date": ("timestamp", moment_cell),
        "User": ("userEmail", text_cell),
        "Cloud Agent ID": ("cloudAgentId", text_cell),
        "Automation ID": ("automationId", text_cell),
        "Kind": ("kind", text_cell),
        "Model": ("model", text_cell),
        "Max Mode": ("maxMode", flag_cell),
        "Input (w/ Cache Write)": ("csv.with_cache_write", count_cell),
        "Input (w/o Cache Write)": ("csv.without_cache_write", count_cell),
        "Cache Read": ("csv.cache_read", count_cell),
        "Output Tokens": ("csv.output", count_cell),
        "Total Tokens": ("csv.total", count_cell),
        "Cost": ("chargedCents", _charge_cell),
    },
    identifying=frozenset({"Date", "Input (w/o Cache Write)", "Output Tokens"}),
    finish=_events_finish,
)


class CursorUsageEvents(Importer):
    source = "cursor-usage-events"
    provider = PROVIDER
    description = "Cursor /teams/filtered-usage-events pages (usageEvents) or the dashboard's usage events CSV"
    list_keys = ("usageEvents", "data")
    csv_shapes = (CURSOR_USAGE_EVENTS,)

    def keep(self, record: dict[str, Any]) -> Kept:
        payload = pick(record, SPEC)
        actor = events_actor(payload)
        event_moment(payload)
        key = "|".join(
            [
                str(int(payload["timestamp"])),
                f"{actor.kind}:{actor.value}",
                payload.get("model", ""),
                payload.get("kind", ""),
                str(payload.get("maxMode", "")),
            ]
        )
        return Kept(key, payload)

    def facts(self, payload: dict[str, Any]) -> Facts:
        kind = payload.get("kind", "")
        if kind.lower().startswith("errored"):
            return Facts()
        tokens = payload.get("tokenUsage", {})
        charged = payload.get("chargedCents")
        row = UsageRow(
            actor=events_actor(payload),
            day=event_moment(payload).date(),
            provider=PROVIDER,
            tool=TOOL,
            model=payload.get("model", ""),
            dimension=kind,
            input_uncached=tokens.get("inputTokens", 0),
            cache_read=tokens.get("cacheReadTokens", 0),
            cache_write=tokens.get("cacheWriteTokens", 0),
            output=tokens.get("outputTokens", 0),
            requests=1,
            cost_usd=None if charged is None else Decimal(charged) / 100,
        )
        return Facts(usage=[row])

"""The documented generic CSV (docs/import-formats.md): one row per identity, day, tool, model and purpose."""

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
    UsageRow,
    day_from_text,
    outcome_rows,
    pick,
    purpose_label,
    usd,
)

IDENTITY_KINDS = ("email", "github_login", "provider_user", "api_key", "otel_account")
TOKEN_COLUMNS = ("input_uncached", "cache_read", "cache_write", "output", "requests")
OUTCOME_COLUMNS = (
    "sessions",
    "lines_added",
    "lines_removed",
    "commits",
    "pull_requests",
    "edits_accepted",
    "edits_rejected",
    "suggestions_shown",
    "suggestions_accepted",
)
COLUMNS = (
    "day",
    "identity_kind",
    "identity",
    "provider",
    "tool",
    "model",
    *TOKEN_COLUMNS,
    "cost_usd",
    *OUTCOME_COLUMNS,
    "automation",
    "purpose",
)
SPEC = {
    "day": Required(TEXT),
    "identity_kind": Required(TEXT),
    "identity": Required(TEXT),
    "provider": Required(TEXT),
    "tool": Required(TEXT),
    "model": TEXT,
    **dict.fromkeys(TOKEN_COLUMNS, COUNT),
    "cost_usd": AMOUNT,
    **dict.fromkeys(OUTCOME_COLUMNS, COUNT),
    "automation": FLAG,
    "purpose": TEXT,
}


def csv_actor(payload: dict[str, Any]) -> ActorRef:
    kind = payload["identity_kind"]
    if kind not in IDENTITY_KINDS:
        raise RecordError(f"field 'identity_kind': {kind[:40]!r} is not one of {', '.join(IDENTITY_KINDS)}")
    value = payload["identity"].lower() if kind in {"email", "github_login"} else payload["identity"]
    automation = payload.get("automation", kind == "api_key")
    return ActorRef(kind, value, payload["provider"], automation=automation)


class GenericCsv(Importer):
    source = "csv"
    provider = "csv"
    description = "the generic usage CSV documented in docs/import-formats.md"
    reads_csv = True

    def keep(self, record: dict[str, Any]) -> Kept:
        unknown = sorted(set(record) - set(COLUMNS))
        if unknown:
            raise RecordError(f"unknown column '{unknown[0][:40]}' (the columns are {', '.join(COLUMNS)})")
        payload = pick(record, SPEC)
        actor = csv_actor(payload)
        day = day_from_text(payload["day"], where="day")
        key = f"{day.isoformat()}|{actor.kind}:{actor.value}|{actor.provider}|{payload['tool']}|{payload.get('model', '')}"
        if payload.get("purpose"):  # appended only when given: keys of rows stored before the column stay
            key += f"|{payload['purpose']}"
        return Kept(key, payload)

    def facts(self, payload: dict[str, Any]) -> Facts:
        actor = csv_actor(payload)
        day = day_from_text(payload["day"], where="day")
        usage = UsageRow(
            actor=actor,
            day=day,
            provider=payload["provider"],
            tool=payload["tool"],
            model=payload.get("model", ""),
            purpose=purpose_label([("purpose", payload.get("purpose"))]),
            **{name: payload.get(name, 0) for name in TOKEN_COLUMNS},
            cost_usd=usd(payload.get("cost_usd")),
        )
        outcomes = outcome_rows(actor, day, payload["tool"], [(name, payload.get(name, 0)) for name in OUTCOME_COLUMNS])
        return Facts(usage=[usage] if usage.tokens() or usage.requests else [], outcomes=outcomes)

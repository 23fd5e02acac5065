"""Claude Code OpenTelemetry as OTLP/JSON: the collector's file-exporter lines (`resourceLogs`, `resourceMetrics`).

Each log record (event) and metric data point becomes one record, flattened with its resource's attributes.
Events give tokens, cost, sessions (rolled up by `session.id`; prompts counted by `prompt.id`, never their text),
tool decisions and results, and the `git_commit_id` from `tool_parameters` (a commit attribution; every other
parameter, such as the bash command, is dropped). Metrics give the outcome counts (lines, commits, pull requests,
accepted and rejected edits, sessions), and tokens and cost (`claude_code.token.usage` by `type`,
`claude_code.cost.usage` in USD). Metrics must use delta temporality (Claude Code's default).

No double counting: the api_request events and the token and cost metrics report the same usage. A session's
usage comes from its api_request events when any are imported (in this file or any other, before or after);
its metric data points count only for sessions that have none, such as a company exporting metrics alone. The
metric usage therefore stands in for the session's requests (evidence.services.usage.metric_fallback settles it at the
end of every file). A token or cost data point without a `session.id` cannot be matched to its requests and is
not imported as usage (Claude Code sends `session.id` unless OTEL_METRICS_INCLUDE_SESSION_ID=false).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

from evidence.importers.base import (
    AMOUNT,
    COUNT,
    FLAG,
    TEXT,
    ActorRef,
    CommitRow,
    Facts,
    Importer,
    Kept,
    RecordError,
    Required,
    SessionRow,
    UsageRow,
    moment_from_epoch,
    outcome_rows,
    pick,
    purpose_label,
    stand_in_dimension,
    usd,
)

PROVIDER = "anthropic"
TOOL = "claude-code"
EDIT_TOOLS = frozenset({"Edit", "MultiEdit", "Write", "NotebookEdit"})
SHA = re.compile(r"^[0-9a-f]{7,40}$")
DELTA, CUMULATIVE = 1, 2
NANOS = 10**9

IDENTITY = {
    "session.id": TEXT,
    "prompt.id": TEXT,
    "user.email": TEXT,
    "user.account_id": TEXT,
    "user.account_uuid": TEXT,
    "organization.id": TEXT,
    "terminal.type": TEXT,
    "app.version": TEXT,
}
# What the tokens were for, as companies stamp it through OTEL_RESOURCE_ATTRIBUTES (Anthropic's monitoring guide
# gives `department`, `team.id` and `cost_center` as examples); read in this order
PURPOSE_ATTRIBUTES = ("purpose", "department", "team.id", "cost_center")
# A metric data point's attributes that the natural key names one by one; any other attribute (query_source,
# speed, effort, agent.name, skill.name, mcp_server.name, start_type, language, …) tells points apart too, and
# goes into the key as a digest of all of them (`labels`), so that an attribute added later is keyed as well
KEYED_POINT_ATTRIBUTES = frozenset({*IDENTITY, "user.id", "type", "model", "decision", "tool_name"})
SPEC = {
    "record": Required(TEXT),
    "time_unix_nano": Required(TEXT),
    "start_time_unix_nano": TEXT,
    **IDENTITY,
    **dict.fromkeys(PURPOSE_ATTRIBUTES, TEXT),
    # events
    "event.name": TEXT,
    "event.sequence": COUNT,
    "model": TEXT,
    "cost_usd": AMOUNT,
    "duration_ms": AMOUNT,
    "input_tokens": COUNT,
    "output_tokens": COUNT,
    "cache_read_tokens": COUNT,
    "cache_creation_tokens": COUNT,
    "request_id": TEXT,
    "tool_name": TEXT,
    "decision": TEXT,
    "source": TEXT,
    "success": FLAG,
    "decision_type": TEXT,
    "decision_source": TEXT,
    "git_commit_id": TEXT,
    # metric data points
    "metric": TEXT,
    "temporality": COUNT,
    "value": AMOUNT,
    "type": TEXT,
    "labels": TEXT,  # the digest of the data point's other attributes (KEYED_POINT_ATTRIBUTES)
}
COUNT_METRICS = {
    "claude_code.session.count": "sessions",
    "claude_code.commit.count": "commits",
    "claude_code.pull_request.count": "pull_requests",
}
LINE_TYPES = {"added": "lines_added", "removed": "lines_removed"}
TOKEN_TYPES = {"input": "input_uncached", "cacheRead": "cache_read", "cacheCreation": "cache_write", "output": "output"}
EDIT_DECISIONS = {"accept": "edits_accepted", "reject": "edits_rejected"}
TOKEN_METRIC, COST_METRIC = "claude_code.token.usage", "claude_code.cost.usage"


def outcome_metric(point: dict[str, Any]) -> str | None:
    """The outcome a metric data point counts, or None for metrics not imported (tokens, cost, active time)."""
    name = point.get("metric", "")
    if name == "claude_code.lines_of_code.count":
        return LINE_TYPES.get(point.get("type", ""))
    if name == "claude_code.code_edit_tool.decision":
        return EDIT_DECISIONS.get(point.get("decision", ""))
    return COUNT_METRICS.get(name)


def metric_usage(actor: ActorRef, day: dt.date, point: dict[str, Any]) -> list[UsageRow]:
    """A token or cost data point as usage standing in for its session's api_request events (see the docstring)."""
    session = point.get("session.id", "")
    name = point.get("metric", "")
    if not session or name not in {TOKEN_METRIC, COST_METRIC}:
        return []
    value = Decimal(point.get("value", "0"))
    row = UsageRow(
        actor,
        day,
        PROVIDER,
        TOOL,
        model=point.get("model", ""),
        dimension=stand_in_dimension(session),
        purpose=otel_purpose(point),
        cost_usd=value if name == COST_METRIC else Decimal(0),  # the cost data points carry the cost
        stands_in_for_session=session,
    )
    if name == TOKEN_METRIC:
        kind = TOKEN_TYPES.get(point.get("type", ""))
        if kind is None:
            return []
        setattr(row, kind, int(value))
    return [row]


def otel_purpose(payload: dict[str, Any]) -> str:
    return purpose_label((name, payload.get(name)) for name in PURPOSE_ATTRIBUTES)


def labels_digest(point_attributes: dict[str, Any]) -> str | None:
    """A digest of the data point's attributes that the key does not name one by one; None when it has none."""
    labels = {key: value for key, value in point_attributes.items() if key not in KEYED_POINT_ATTRIBUTES}
    if not labels:
        return None
    return hashlib.sha256(json.dumps(labels, sort_keys=True, default=str).encode()).hexdigest()[:16]


def attributes(items: object) -> dict[str, Any]:
    """OTLP's [{key, value: {stringValue|intValue|doubleValue|boolValue}}] as a flat dict; nested values skipped."""
    flat: dict[str, Any] = {}
    if not isinstance(items, list):
        return flat
    for item in items:
        if not isinstance(item, dict) or not isinstance(item.get("value"), dict):
            continue
        value = item["value"]
        for kind in ("stringValue", "intValue", "doubleValue", "boolValue"):
            if kind in value:
                flat[str(item.get("key"))] = value[kind]
                break
    return flat


def commit_from_parameters(parameters: object) -> str | None:
    """Only the commit id is read out of tool_parameters; the rest (commands, paths) is never kept."""
    if not isinstance(parameters, str):
        return None
    try:
        decoded = json.loads(parameters)
    except ValueError:
        return None
    sha = decoded.get("git_commit_id") if isinstance(decoded, dict) else None
    return sha if isinstance(sha, str) else None


def otel_actor(payload: dict[str, Any]) -> ActorRef:
    if payload.get("user.email"):
        return ActorRef("email", payload["user.email"].lower(), PROVIDER)
    if payload.get("user.account_id"):
        return ActorRef("provider_user", payload["user.account_id"], PROVIDER)
    if payload.get("user.account_uuid"):
        return ActorRef("otel_account", payload["user.account_uuid"], PROVIDER)
    return ActorRef("otel_account", "(telemetry without a user)", PROVIDER)


def nanos_moment(value: str, where: str) -> Any:
    if not (value.isascii() and value.isdigit()) or len(value) > 20:  # isdigit alone also takes '²'
        raise RecordError(f"field '{where}': {value[:40]!r} is not a time in nanoseconds")
    return moment_from_epoch(int(value), where=where, unit=NANOS)


class ClaudeCodeOtel(Importer):
    source = "claude-code-otel"
    provider = PROVIDER
    description = "Claude Code OpenTelemetry, OTLP/JSON lines as the collector's file exporter writes them"
    list_keys = ()
    has_stand_in_usage = True

    def expand(self, record: dict[str, Any]) -> Iterator[dict[str, Any]]:
        if "resourceLogs" not in record and "resourceMetrics" not in record:
            raise RecordError("not an OTLP/JSON line: no 'resourceLogs' or 'resourceMetrics'")
        for resource_logs in _list(record.get("resourceLogs")):
            resource = attributes(_dict(resource_logs.get("resource")).get("attributes"))
            for scope in _list(resource_logs.get("scopeLogs")):
                for log in _list(scope.get("logRecords")):
                    flat = {**resource, **attributes(log.get("attributes"))}
                    event = {key: flat[key] for key in flat if key != "tool_parameters"}
                    event["record"] = "event"
                    event["time_unix_nano"] = log.get("timeUnixNano") or log.get("observedTimeUnixNano")
                    sha = commit_from_parameters(flat.get("tool_parameters"))
                    if sha:
                        event["git_commit_id"] = sha
                    yield event
        for resource_metrics in _list(record.get("resourceMetrics")):
            resource = attributes(_dict(resource_metrics.get("resource")).get("attributes"))
            for scope in _list(resource_metrics.get("scopeMetrics")):
                for metric in _list(scope.get("metrics")):
                    body = _dict(metric.get("sum") or metric.get("gauge"))
                    for point in _list(body.get("dataPoints")):
                        point_attributes = attributes(point.get("attributes"))
                        yield {
                            **resource,
                            **point_attributes,
                            "labels": labels_digest(point_attributes),
                            "record": "metric",
                            "metric": metric.get("name"),
                            "temporality": body.get("aggregationTemporality", DELTA),
                            "start_time_unix_nano": point.get("startTimeUnixNano"),
                            "time_unix_nano": point.get("timeUnixNano"),
                            "value": point.get("asInt", point.get("asDouble")),
                        }

    def keep(self, record: dict[str, Any]) -> Kept:
        payload = pick(record, SPEC)
        nanos_moment(payload["time_unix_nano"], "time_unix_nano")
        if payload["record"] == "metric":
            if payload.get("temporality") == CUMULATIVE:
                raise RecordError(
                    "field 'aggregationTemporality': the metric uses cumulative temporality; export with "
                    "OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE=delta"
                )
            labels = json.dumps({key: payload.get(key) for key in ("type", "model", "decision", "tool_name")})
            digest = hashlib.sha256(labels.encode()).hexdigest()[:16]
            parts = ["metric", payload.get("metric", ""), payload.get("session.id", ""), str(otel_actor(payload).value)]
            parts += [payload.get("start_time_unix_nano", ""), payload["time_unix_nano"], digest]
            if payload.get("labels"):  # appended only when present: keys of points without other attributes stay
                parts.append(payload["labels"])
        else:
            if payload.get("git_commit_id") and not SHA.match(payload["git_commit_id"].lower()):
                raise RecordError("field 'git_commit_id' is not a git commit hash")
            parts = [
                "event",
                payload.get("event.name", ""),
                payload.get("session.id", ""),
                payload.get("prompt.id", ""),
            ]
            parts += [str(payload.get("event.sequence", "")), payload["time_unix_nano"], payload.get("request_id", "")]
        return Kept(hashlib.sha256("|".join(parts).encode()).hexdigest(), payload)

    def facts(self, payload: dict[str, Any]) -> Facts:
        actor = otel_actor(payload)
        moment = nanos_moment(payload["time_unix_nano"], "time_unix_nano")
        if payload["record"] == "metric":
            metric = outcome_metric(payload)
            value = int(float(payload.get("value", "0")))
            return Facts(
                usage=metric_usage(actor, moment.date(), payload),
                outcomes=outcome_rows(actor, moment.date(), TOOL, [(metric, value)] if metric else []),
            )
        facts = Facts()
        name = payload.get("event.name", "").removeprefix("claude_code.")
        session = None
        if payload.get("session.id"):
            session = SessionRow(actor, payload["session.id"], TOOL, started_at=moment, ended_at=moment)
            facts.sessions.append(session)
        if name == "api_request":
            tokens = {
                "input_uncached": payload.get("input_tokens", 0),
                "cache_read": payload.get("cache_read_tokens", 0),
                "cache_write": payload.get("cache_creation_tokens", 0),
                "output": payload.get("output_tokens", 0),
            }
            cost = usd(payload.get("cost_usd"))
            facts.usage.append(
                UsageRow(
                    actor,
                    moment.date(),
                    PROVIDER,
                    TOOL,
                    model=payload.get("model", ""),
                    dimension=payload.get("terminal.type", ""),
                    purpose=otel_purpose(payload),
                    requests=1,
                    cost_usd=cost,
                    **tokens,
                )
            )
            if session:
                session.requests, session.cost_usd = 1, cost
                for kind, count in tokens.items():
                    setattr(session, kind, count)
        elif name == "user_prompt" and session:
            session.prompts = 1
        elif name == "tool_decision" and session and payload.get("tool_name") in EDIT_TOOLS:
            decision = payload.get("decision", "")
            session.edits_accepted = int(decision == "accept")
            session.edits_rejected = int(decision == "reject")
        elif name == "tool_result":
            if session and payload.get("tool_name"):
                session.tool_calls = {payload["tool_name"]: 1}
            sha = payload.get("git_commit_id", "").lower()
            if sha:
                if session:
                    session.commit_shas = [sha]
                facts.commits.append(
                    CommitRow(actor, sha, TOOL, session_id=payload.get("session.id", ""), committed_at=moment)
                )
        return facts


def _list(value: object) -> list[dict[str, Any]]:
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []


def _dict(value: object) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}

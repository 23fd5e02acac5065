"""The packet's context: a frozen, typed view of one facts JSON (v1) plus the employee's annotations.

The PDF and the HTML preview print this and nothing else. Reading is tolerant: keys the engine adds are ignored,
missing ones read as "no data", and every string a person or a source controls is capped in length here (the
template autoescapes it), so no field can make a render run away.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.utils.safestring import SafeString

from reviews.printing.charts import Day, PairedShare, paired_share_chart, tool_days_chart, weekly_activity_chart

SHORT, LONG, ESSAY = 200, 1200, 6000
HIGHLIGHTS_SHOWN = 6
CONTRIBUTIONS_LISTED = 60
FLAG_DAYS_LISTED = 12
NO_DATA = "no data"
PATTERN_NAMES = {
    "delegation": "Delegation",
    "exploration": "Exploration and understanding",
    "iterative_debugging": "Iterative debugging",
    "review_assistance": "Review assistance",
}
FLAG_NAMES = {
    "unlinked_usage": "Usage with no linked work",
    "idle_loop": "Idle-loop pattern",
    "volume_spike": "Volume spike without outcome change",
}
OUTCOME_CAVEAT_KEYS = ("outcome", "merge", "survival", "revert", "follow_up", "review_rounds", "pr_lines")
USAGE_CAVEAT_KEYS = ("usage", "acceptance", "cache", "cost", "token", "pattern")


def clip(value: object, limit: int = SHORT) -> str:
    text = "" if value is None else str(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def share(value: object) -> str:
    return f"{value:.0%}" if isinstance(value, int | float) and not isinstance(value, bool) else NO_DATA


def number(value: object, unit: str = "") -> str:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return NO_DATA
    text = f"{value:,.0f}" if isinstance(value, int) or float(value).is_integer() else f"{value:,.1f}"
    return f"{text}{unit}"


def _dict(value: object) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _list(value: object) -> list[Any]:
    return value if isinstance(value, list) else []


@dataclass(frozen=True)
class Highlight:
    key: str
    kind: str
    repository: str
    ref: str
    title: str
    url: str
    tools: str
    reason: str
    confidence: str
    outcome: str
    outcome_confidence: str
    context: str
    employee_note: str
    picked: bool


@dataclass(frozen=True)
class OutcomeRow:
    label: str
    ai: str
    other: str
    previous_ai: str
    previous_other: str
    group: str = ""


@dataclass(frozen=True)
class Pattern:
    label: str
    summary: str
    rests_on: str
    confidence: str


@dataclass(frozen=True)
class Tool:
    name: str
    provider: str
    active_days: str
    sessions: str
    models: str


@dataclass(frozen=True)
class Flag:
    key: str
    label: str
    summary: str
    days: str
    figures: str
    confidence: str
    explanation: str


@dataclass(frozen=True)
class Source:
    name: str
    period: str
    records: str


@dataclass(frozen=True)
class Caveat:
    applies_to: str
    text: str


@dataclass(frozen=True)
class PacketContext:
    person_name: str
    person_email: str
    team: str
    manager_name: str
    cycle_name: str
    cycle_start: date
    cycle_end: date
    previous_cycle_name: str
    version: int
    generated_on: date
    summary: tuple[str, ...]
    has_usage: bool
    has_work: bool
    highlights: tuple[Highlight, ...]
    highlights_picked_by_employee: bool
    contributions: tuple[Highlight, ...]
    contributions_not_listed: int
    outcome_rows: tuple[OutcomeRow, ...]
    outcome_provenance: str
    outcome_chart: SafeString
    reviews_of_ai_prs: str
    patterns: tuple[Pattern, ...]
    tools: tuple[Tool, ...]
    models: tuple[str, ...]
    usage_rows: tuple[tuple[str, str], ...]
    usage_provenance: str
    daily_chart: SafeString | None
    tools_chart: SafeString | None
    flags: tuple[Flag, ...]
    narrative: str
    disputes: tuple[str, ...]
    sources: tuple[Source, ...]
    usage_linked_share: str
    coverage_confidence: str
    work_confidence: str
    unresolved_identities: str
    repositories_without_blame: tuple[str, ...]
    outcome_caveats: tuple[Caveat, ...]
    usage_caveats: tuple[Caveat, ...]
    caveats: tuple[Caveat, ...]
    facts: Mapping[str, Any]


def packet_context_build(
    *, facts: Mapping[str, Any], annotations: Sequence[Mapping[str, Any]], version: int, generated_on: date
) -> PacketContext:
    person, cycle, usage, outcomes = (_dict(facts.get(key)) for key in ("person", "cycle", "usage", "outcomes"))
    start, end = _date(cycle.get("start"), generated_on), _date(cycle.get("end"), generated_on)
    notes = _annotations_by_kind(annotations)
    highlights, picked = _highlights(_list(facts.get("highlights")), notes.get("highlight", {}))
    all_contributions = [_highlight(item, notes.get("highlight", {})) for item in _list(facts.get("highlights"))]
    ai, other = _dict(outcomes.get("ai_assisted")), _dict(outcomes.get("other"))
    previous = _dict(outcomes.get("previous_cycle"))
    caveats = [
        Caveat(clip(item.get("applies_to")), clip(item.get("text"), LONG))
        for item in map(_dict, _list(facts.get("caveats")))
    ]
    usage_days = [
        Day(_date(day.get("day"), start), int(day.get("tokens") or 0), bool(day.get("linked")))
        for day in map(_dict, _list(usage.get("daily")))
    ]
    tools = [_tool(_dict(item)) for item in _list(usage.get("tools"))]
    has_usage = bool(tools or usage_days or usage.get("active_days"))
    work = _dict(facts.get("work"))
    coverage = _dict(facts.get("coverage"))
    return PacketContext(
        person_name=clip(person.get("name")),
        person_email=clip(person.get("email")),
        team=clip(person.get("team")) or "—",
        manager_name=clip(_dict(person.get("manager")).get("name")) or "—",
        cycle_name=clip(cycle.get("name")),
        cycle_start=start,
        cycle_end=end,
        previous_cycle_name=clip(_dict(cycle.get("previous")).get("name")),
        version=version,
        generated_on=generated_on,
        summary=_summary(usage, tools, ai, other, facts),
        has_usage=has_usage,
        has_work=bool(work.get("commits") or work.get("pull_requests") or work.get("reviews_given")),
        highlights=tuple(highlights),
        highlights_picked_by_employee=picked,
        contributions=tuple(all_contributions[:CONTRIBUTIONS_LISTED]),
        contributions_not_listed=max(len(all_contributions) - CONTRIBUTIONS_LISTED, 0),
        outcome_rows=_outcome_rows(ai, other, _dict(previous.get("ai_assisted")), _dict(previous.get("other"))),
        outcome_provenance=_provenance(_dict(ai.get("provenance")), ai.get("confidence")),
        outcome_chart=paired_share_chart(
            rows=[
                PairedShare("Merge rate", _float(ai.get("merge_rate")), _float(other.get("merge_rate"))),
                PairedShare(
                    "Lines surviving at cycle end",
                    _float(ai.get("survival_share")),
                    _float(other.get("survival_share")),
                ),
            ]
        ),
        reviews_of_ai_prs=number(outcomes.get("reviews_of_ai_prs")),
        patterns=tuple(_pattern(_dict(item)) for item in _list(facts.get("patterns"))),
        tools=tuple(tools),
        models=tuple(clip(_dict(item).get("model")) for item in _list(usage.get("models"))),
        usage_rows=_usage_rows(usage),
        usage_provenance=_provenance(_dict(usage.get("provenance")), usage.get("confidence")),
        daily_chart=weekly_activity_chart(days=usage_days, start=start, end=end) if usage_days else None,
        tools_chart=tool_days_chart(
            tools=[
                (tool.name, int(_dict(item).get("active_days") or 0))
                for tool, item in zip(tools, _list(usage.get("tools")), strict=True)
            ],
            cycle_days=(end - start).days + 1,
        )
        if tools
        else None,
        flags=tuple(_flag(_dict(item), notes.get("flag_explanation", {})) for item in _list(facts.get("flags"))),
        narrative=clip(notes.get("narrative", {}).get("", ""), ESSAY),
        disputes=tuple(clip(text, LONG) for text in notes.get("dispute", {}).values() if text),
        sources=tuple(_source(_dict(item)) for item in _list(coverage.get("sources"))),
        usage_linked_share=share(coverage.get("usage_linked_share")),
        coverage_confidence=confidence_text(coverage.get("confidence")),
        work_confidence=confidence_text(work.get("confidence")),
        unresolved_identities=number(coverage.get("unresolved_identities")),
        repositories_without_blame=tuple(clip(name) for name in _list(coverage.get("repositories_without_blame"))),
        outcome_caveats=tuple(c for c in caveats if c.applies_to.startswith(OUTCOME_CAVEAT_KEYS)),
        usage_caveats=tuple(c for c in caveats if c.applies_to.startswith(USAGE_CAVEAT_KEYS)),
        caveats=tuple(caveats),
        facts=facts,
    )


def _date(value: object, default: date) -> date:
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        return default


def _words(key: object) -> str:
    """A figure's name as words: 'accepted_edits' prints as 'accepted edits'."""
    return clip(key, 60).replace("_", " ")


def _float(value: object) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def _annotations_by_kind(annotations: Sequence[Mapping[str, Any]]) -> dict[str, dict[str, str]]:
    by_kind: dict[str, dict[str, str]] = {}
    for note in annotations:
        key = str(note.get("item_key") or "")
        text = str(note.get("text") or "")
        if note.get("kind") == "highlight" and note.get("highlighted"):
            text = text or " "  # picked without a note: the key's presence is the pick
        by_kind.setdefault(str(note.get("kind")), {})[key] = text
    return by_kind


def highlight_key(item: Mapping[str, Any]) -> str:
    """How an annotation names a highlight: '<repository> <ref>', stable across versions of the facts."""
    return clip(f"{item.get('repository') or ''} {item.get('ref') or ''}".strip(), 300)


def _highlight(item: Any, notes: Mapping[str, str]) -> Highlight:
    item = _dict(item)
    ai, outcome = _dict(item.get("ai")), _dict(item.get("outcome"))
    merged = outcome.get("merged")
    state = {True: "merged", False: "not merged", None: ""}.get(merged if isinstance(merged, bool) else None, "")
    parts = [
        state,
        f"{share(outcome.get('survival_share'))} of its lines still in place"
        if outcome.get("survival_share") is not None
        else "",
    ]
    if outcome.get("reverted"):
        parts.append("reverted")
    url = str(item.get("url") or "")
    key = highlight_key(item)
    return Highlight(
        key=key,
        kind="Pull request" if item.get("kind") == "pull_request" else "Commit",
        repository=clip(item.get("repository")),
        ref=clip(item.get("ref"), 40),
        title=clip(item.get("title")),
        url=clip(url, 300) if url.startswith("https://") else "",
        tools=", ".join(clip(tool, 60) for tool in _list(ai.get("tools"))) or NO_DATA,
        reason=clip(ai.get("evidence") or ai.get("reason"), LONG),  # the evidence in words, when the facts carry it
        confidence=clip(ai.get("confidence"), 20) or NO_DATA,
        outcome=", ".join(part for part in parts if part) or NO_DATA,
        outcome_confidence=clip(_dict(outcome.get("confidence")).get("level"), 20),
        context=clip(item.get("context"), LONG),
        employee_note=clip(notes.get(key, ""), LONG).strip(),
        picked=key in notes,
    )


def _highlights(items: list[Any], notes: Mapping[str, str]) -> tuple[list[Highlight], bool]:
    """The employee's picks when there are any, else the strongest by outcome (merged, surviving, not reverted)."""
    all_items = [_highlight(item, notes) for item in items]
    picked = [item for item in all_items if item.picked]
    if picked:
        return picked[:HIGHLIGHTS_SHOWN], True

    def strength(pair: tuple[int, Any]) -> tuple[int, int, float, int]:
        outcome = _dict(_dict(pair[1]).get("outcome"))
        return (
            0 if outcome.get("reverted") else 1,
            1 if outcome.get("merged") else 0,
            _float(outcome.get("survival_share")) or 0.0,
            -pair[0],
        )

    ranked = sorted(enumerate(items), key=strength, reverse=True)
    return [all_items[index] for index, _ in ranked[:HIGHLIGHTS_SHOWN]], False


OUTCOME_FIGURES = (
    ("Throughput", "prs_opened", "Pull requests opened", ""),
    ("Throughput", "prs_merged", "Pull requests merged", ""),
    ("Throughput", "merge_rate", "Merge rate", "share"),
    ("Throughput", "median_hours_to_merge", "Median time to merge", " h"),
    ("Throughput", "commits", "Commits", ""),
    ("Stability", "review_rounds_per_pr", "Review rounds per pull request", ""),
    ("Stability", "median_pr_lines", "Median pull request size", " lines"),
    ("Durability", "lines_added", "Lines added", ""),
    ("Durability", "survival_share", "Lines surviving at cycle end", "share"),
    ("Durability", "reverted", "Reverted within 30 days", ""),
    ("Durability", "follow_up_fix_lines", "Follow-up fix lines within 21 days", ""),
    ("Quality work", "tests_touched", "Pull requests touching tests", ""),
    ("Quality work", "issues_closed", "Issues closed", ""),
    ("Quality work", "refactor_lines_deleted", "Refactoring: lines deleted", ""),
    ("Quality work", "refactor_lines_moved", "Refactoring: lines moved", ""),
)


def _figure(outcome: Mapping[str, Any], key: str, unit: str) -> str:
    if not outcome:
        return "—"
    return share(outcome.get(key)) if unit == "share" else number(outcome.get(key), unit)


def _outcome_rows(
    ai: Mapping[str, Any], other: Mapping[str, Any], previous_ai: Mapping[str, Any], previous_other: Mapping[str, Any]
) -> tuple[OutcomeRow, ...]:
    return tuple(
        OutcomeRow(
            label=label,
            ai=_figure(ai, key, unit),
            other=_figure(other, key, unit),
            previous_ai=_figure(previous_ai, key, unit),
            previous_other=_figure(previous_other, key, unit),
            group=group,
        )
        for group, key, label, unit in OUTCOME_FIGURES
    )


def _provenance(provenance: Mapping[str, Any], confidence: object) -> str:
    parts = []
    sources = ", ".join(clip(source, 60) for source in _list(provenance.get("sources")))
    if sources:
        parts.append(f"sources: {sources}")
    if provenance.get("records") is not None:
        parts.append(f"{number(provenance.get('records'))} records")
    if provenance.get("first_day") and provenance.get("last_day"):
        parts.append(f"{clip(provenance.get('first_day'), 10)} to {clip(provenance.get('last_day'), 10)}")
    if confidence:
        parts.append(f"confidence {confidence_text(confidence)}")
    return "; ".join(parts)


def confidence_text(value: object) -> str:
    """A figure group's confidence in brief: its level and why (`{level, basis}`), or a bare level string."""
    if isinstance(value, Mapping):
        level, basis = clip(value.get("level"), 20), clip(value.get("basis"), LONG)
        return f"{level} ({basis})" if level and basis else level
    return clip(value, 20) if value else ""


def _pattern(item: Mapping[str, Any]) -> Pattern:
    rests_on = "; ".join(f"{_words(key)}: {clip(value, 60)}" for key, value in _dict(item.get("rests_on")).items())
    label = clip(item.get("label")) or PATTERN_NAMES.get(str(item.get("kind")), clip(item.get("kind")))
    return Pattern(
        label, clip(item.get("summary"), LONG), rests_on or NO_DATA, clip(item.get("confidence"), 20) or NO_DATA
    )


def _tool(item: Mapping[str, Any]) -> Tool:
    return Tool(
        name=clip(item.get("tool"), 60),
        provider=clip(item.get("provider"), 60),
        active_days=number(item.get("active_days")),
        sessions=number(item.get("sessions")),
        models=", ".join(clip(model, 60) for model in _list(item.get("models"))) or "—",
    )


def _usage_rows(usage: Mapping[str, Any]) -> tuple[tuple[str, str], ...]:
    acceptance = _dict(usage.get("acceptance"))
    cost = _dict(usage.get("cost_per_merged_ai_pr"))
    band = {"below": "below", "near": "near", "above": "above"}.get(str(cost.get("team_band")), "")
    cost_text = f"${cost['usd']:,.2f}" if isinstance(cost.get("usd"), int | float) else NO_DATA
    if band:
        cost_text += f" ({band} the team median)"
    if cost.get("band_note"):
        cost_text += f": {clip(cost.get('band_note'))}"
    if cost.get("confidence"):
        cost_text += f". Confidence {confidence_text(cost.get('confidence'))}"
    return (
        ("Active days", number(usage.get("active_days"))),
        ("Sessions", number(usage.get("sessions"))),
        (
            "Acceptance of AI edits and suggestions",
            f"{share(acceptance.get('rate'))} ({number(acceptance.get('accepted'))} accepted, {number(acceptance.get('rejected'))} rejected)",
        ),
        ("Cache efficiency (cache reads as a share of input)", share(usage.get("cache_read_share"))),
        ("Cost per merged AI-assisted pull request", cost_text),
    )


def _flag(item: Mapping[str, Any], notes: Mapping[str, str]) -> Flag:
    kind = str(item.get("kind") or "")
    days = [clip(day, 10) for day in _list(item.get("days"))]
    listed = ", ".join(days[:FLAG_DAYS_LISTED]) + (
        f" and {len(days) - FLAG_DAYS_LISTED} more" if len(days) > FLAG_DAYS_LISTED else ""
    )
    figures = "; ".join(f"{_words(key)}: {clip(value, 60)}" for key, value in _dict(item.get("figures")).items())
    return Flag(
        key=clip(kind, 60),
        label=FLAG_NAMES.get(kind, clip(kind, 60)),
        summary=clip(item.get("summary"), LONG),
        days=listed or NO_DATA,
        figures=figures,
        confidence=confidence_text(item.get("confidence")),
        explanation=clip(notes.get(kind, ""), LONG),
    )


def _source(item: Mapping[str, Any]) -> Source:
    period = (
        f"{clip(item.get('first_day'), 10)} to {clip(item.get('last_day'), 10)}" if item.get("first_day") else NO_DATA
    )
    return Source(clip(item.get("source"), 60), period, number(item.get("records")))


def _summary(
    usage: Mapping[str, Any],
    tools: list[Tool],
    ai: Mapping[str, Any],
    other: Mapping[str, Any],
    facts: Mapping[str, Any],
) -> tuple[str, ...]:
    sentences = []
    if tools:
        # a pattern resting on a single item (low confidence) is shown in section 4 with its figures, never claimed here
        patterns = [
            _pattern(_dict(item)).label.lower()
            for item in _list(facts.get("patterns"))
            if _dict(item).get("confidence") in ("medium", "high")
        ]
        sentences.append(
            f"Used {', '.join(tool.name for tool in tools)} on {number(usage.get('active_days'))} days"
            + (f"; the usage patterns seen were {', '.join(patterns)}." if patterns else ".")
        )
    else:
        sentences.append(
            "No AI coding-tool usage was recorded for this cycle. This packet shows the work and its outcomes; "
            "not using AI is not a finding."
        )
    if ai.get("prs_opened"):
        sentences.append(
            f"{number(ai.get('prs_merged'))} of {number(ai.get('prs_opened'))} AI-assisted pull requests were merged "
            f"({share(ai.get('merge_rate'))}), against {number(other.get('prs_merged'))} of "
            f"{number(other.get('prs_opened'))} of the person's other pull requests ({share(other.get('merge_rate'))})."
        )
        sentences.append(
            f"Durability: {share(ai.get('survival_share'))} of AI-assisted lines were still in place at cycle end "
            f"(other work: {share(other.get('survival_share'))}); {number(ai.get('reverted'))} AI-assisted changes "
            f"were reverted (other work: {number(other.get('reverted'))})."
        )
    elif other.get("prs_opened") or other.get("commits"):
        sentences.append(
            f"{number(other.get('prs_merged'))} of {number(other.get('prs_opened'))} pull requests were merged "
            f"({share(other.get('merge_rate'))}); {share(other.get('survival_share'))} of the lines added were still "
            "in place at cycle end."
        )
    else:
        sentences.append("No repository work was found for this cycle in the connected sources.")
    flags = _list(facts.get("flags"))
    if flags:
        sentences.append(
            f"{len(flags)} context flag(s) are listed in section 5 for the employee to explain; they are not a score."
        )
    return tuple(sentences)

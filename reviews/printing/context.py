"""The packet's context: a frozen, typed view of one facts JSON (v1) plus the employee's annotations.

The PDF and the HTML preview print this and nothing else. The facts are read through their types
(evidence.facts.schema): keys added within version 1 are missing from facts stored before them and print as
"no data"; keys the engine adds later are ignored. Every string a person or a source controls is capped in length
here (the template autoescapes it), so no field can make a render run away.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date
from typing import Any, Literal

from django.utils.safestring import SafeString

from evidence.facts.schema import (
    ConfidenceDict,
    CorrectionDict,
    CoverageSourceDict,
    EvidenceFactsDict,
    FlagDict,
    HighlightDict,
    Level,
    OutcomeDict,
    OutcomePairDict,
    PatternDict,
    ToolUsageDict,
    UsageDict,
    WorkItemAIDict,
    WorkItemDict,
)
from reviews.printing.charts import Day, PairedShare, paired_share_chart, tool_days_chart, weekly_activity_chart

SHORT, LONG, ESSAY = 200, 1200, 10_000
# The employee's texts, capped at the limits the services hold them to (characters).
REASON, HIGHLIGHT_PART, EXPLANATION = 500, 1_000, 2_000
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


def share(value: float | None) -> str:
    """A share (0..1) as a whole percentage, or "no data"."""
    return f"{value:.0%}" if isinstance(value, int | float) and not isinstance(value, bool) else NO_DATA


def number(value: float | None, unit: str = "") -> str:
    """A count or measure with thousands separators and one decimal at most, or "no data"."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return NO_DATA
    text = f"{value:,.0f}" if isinstance(value, int) or float(value).is_integer() else f"{value:,.1f}"
    return f"{text}{unit}"


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
    picked: bool
    # The employee's words on a picked highlight; "" where they wrote none.
    words_context: str = ""
    words_what_ai_did: str = ""
    words_outcome: str = ""
    correction: str = ""  # the employee's verdict when it differs from the machine's, e.g. "not AI-assisted"
    machine: str = ""  # the machine's verdict in words, printed beside a picked highlight's own words


@dataclass(frozen=True)
class CorrectionLine:
    """One corrected work item: the machine's verdict and, beside it, the employee's."""

    key: str
    title: str
    machine: str
    employee: str
    reason: str


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
    corrections: tuple[CorrectionLine, ...]
    disputes: tuple[str, ...]  # free-text disputes kept in versions printed before corrections existed
    sources: tuple[Source, ...]
    usage_linked_share: str
    coverage_confidence: str
    work_confidence: str
    unresolved_identities: str
    repositories_without_blame: tuple[str, ...]
    outcome_caveats: tuple[Caveat, ...]
    usage_caveats: tuple[Caveat, ...]
    caveats: tuple[Caveat, ...]
    facts: EvidenceFactsDict


def packet_context_build(
    *, facts: EvidenceFactsDict, annotations: Sequence[Mapping[str, Any]], version: int, generated_on: date
) -> PacketContext:
    person, cycle, usage, outcomes = facts["person"], facts["cycle"], facts["usage"], facts["outcomes"]
    work, coverage = facts["work"], facts["coverage"]
    start, end = date.fromisoformat(cycle["start"]), date.fromisoformat(cycle["end"])
    notes = _annotations_by_kind(annotations)
    work_items = facts.get("work_items", [])
    highlights, picked = _highlights(facts["highlights"], work_items, annotations)
    all_contributions = [_highlight(item) for item in facts["highlights"]]
    ai, other = outcomes["ai_assisted"], outcomes["other"]
    caveats = [Caveat(clip(item["applies_to"]), clip(item["text"], LONG)) for item in facts["caveats"]]
    usage_days = [Day(date.fromisoformat(day["day"]), day["tokens"], day["linked"]) for day in usage["daily"]]
    tools = [_tool(item) for item in usage["tools"]]
    has_usage = bool(tools or usage_days or usage["active_days"])
    manager, previous_cycle = person["manager"], cycle["previous"]
    return PacketContext(
        person_name=clip(person["name"]),
        person_email=clip(person["email"]),
        team=clip(person["team"]) or "—",
        manager_name=(clip(manager["name"]) if manager else "") or "—",
        cycle_name=clip(cycle["name"]),
        cycle_start=start,
        cycle_end=end,
        previous_cycle_name=clip(previous_cycle["name"]) if previous_cycle else "",
        version=version,
        generated_on=generated_on,
        summary=_summary(usage=usage, tools=tools, ai=ai, other=other, facts=facts),
        has_usage=has_usage,
        has_work=bool(work["commits"] or work["pull_requests"] or work["reviews_given"]),
        highlights=tuple(highlights),
        highlights_picked_by_employee=picked,
        contributions=tuple(all_contributions[:CONTRIBUTIONS_LISTED]),
        contributions_not_listed=max(len(all_contributions) - CONTRIBUTIONS_LISTED, 0),
        outcome_rows=_outcome_rows(ai=ai, other=other, previous=outcomes["previous_cycle"]),
        outcome_provenance=_outcome_provenance(ai),
        outcome_chart=paired_share_chart(
            rows=[
                PairedShare("Merge rate", ai["merge_rate"], other["merge_rate"]),
                PairedShare("Lines surviving at cycle end", ai["survival_share"], other["survival_share"]),
            ]
        ),
        reviews_of_ai_prs=number(outcomes["reviews_of_ai_prs"]),
        patterns=tuple(_pattern(item) for item in facts["patterns"]),
        tools=tuple(tools),
        models=tuple(clip(item["model"]) for item in usage["models"]),
        usage_rows=_usage_rows(usage),
        usage_provenance=_usage_provenance(usage),
        daily_chart=weekly_activity_chart(days=usage_days, start=start, end=end) if usage_days else None,
        tools_chart=tool_days_chart(
            tools=[(tool.name, item["active_days"]) for tool, item in zip(tools, usage["tools"], strict=True)],
            cycle_days=(end - start).days + 1,
        )
        if tools
        else None,
        flags=tuple(_flag(item, notes.get("flag_explanation", {})) for item in facts["flags"]),
        narrative=clip(notes.get("narrative", {}).get("", ""), ESSAY),
        corrections=tuple(_correction_line(item, item["correction"]) for item in work_items if item["correction"]),
        disputes=tuple(clip(text, LONG) for text in notes.get("dispute", {}).values() if text),
        sources=tuple(_source(item) for item in coverage["sources"]),
        usage_linked_share=share(coverage["usage_linked_share"]),
        coverage_confidence=confidence_text(coverage.get("confidence")),
        work_confidence=confidence_text(work.get("confidence")),
        unresolved_identities=number(coverage["unresolved_identities"]),
        # facts stored before this key existed have none: they print no line, as before
        repositories_without_blame=tuple(clip(name) for name in coverage.get("repositories_without_blame", [])),
        outcome_caveats=tuple(c for c in caveats if c.applies_to.startswith(OUTCOME_CAVEAT_KEYS)),
        usage_caveats=tuple(c for c in caveats if c.applies_to.startswith(USAGE_CAVEAT_KEYS)),
        caveats=tuple(caveats),
        facts=facts,
    )


def _words(key: object) -> str:
    """A figure's name as words: 'accepted_edits' prints as 'accepted edits'."""
    return clip(key, 60).replace("_", " ")


def _annotations_by_kind(annotations: Sequence[Mapping[str, Any]]) -> dict[str, dict[str, str]]:
    by_kind: dict[str, dict[str, str]] = {}
    for note in annotations:
        by_kind.setdefault(str(note.get("kind")), {})[str(note.get("item_key") or "")] = str(note.get("text") or "")
    return by_kind


def highlight_key(item: HighlightDict | WorkItemDict) -> str:
    """How an annotation names a work item: '<repository> <ref>', stable across versions of the facts."""
    return clip(f"{item['repository']} {item['ref']}".strip(), 300)


def _outcome_text(*, merged: bool | None, survival: float | None, reverted: bool) -> str:
    state = {True: "merged", False: "not merged", None: ""}[merged]
    parts = [state, f"{share(survival)} of its lines still in place" if survival is not None else ""]
    if reverted:
        parts.append("reverted")
    return ", ".join(part for part in parts if part) or NO_DATA


def _https(url: str | None) -> str:
    """Only https links are printed: anything else (javascript:, data:, file:) is dropped."""
    text = url or ""
    return clip(text, 300) if text.startswith("https://") else ""


def _item_fields(item: HighlightDict | WorkItemDict) -> dict[str, str]:
    """What an automatic highlight and a work item print alike: which item, where, and what came of it."""
    outcome = item["outcome"]
    return {
        "key": highlight_key(item),
        "kind": "Pull request" if item["kind"] == "pull_request" else "Commit",
        "repository": clip(item["repository"]),
        "ref": clip(item["ref"], 40),
        "title": clip(item["title"]),
        "url": _https(item["url"]),
        "outcome": _outcome_text(
            merged=outcome["merged"], survival=outcome["survival_share"], reverted=outcome["reverted"]
        ),
    }


def _highlight(item: HighlightDict) -> Highlight:
    ai = item["ai"]
    outcome_confidence = item["outcome"].get("confidence")
    return Highlight(
        **_item_fields(item),
        tools=", ".join(clip(tool, 60) for tool in ai["tools"]) or NO_DATA,
        reason=clip(ai.get("evidence") or ai["reason"], LONG),  # the evidence in words, when the facts carry it
        confidence=clip(ai["confidence"], 20) or NO_DATA,
        outcome_confidence=clip(outcome_confidence["level"], 20) if outcome_confidence else "",
        context=clip(item["context"], LONG),
        picked=False,
    )


def _employee_words(note: Mapping[str, Any]) -> dict[str, str]:
    """The employee's three texts on a picked highlight (a version printed before them has the context only)."""
    return {
        "words_context": clip(note.get("text") or "", HIGHLIGHT_PART).strip(),
        "words_what_ai_did": clip(note.get("what_ai_did") or "", HIGHLIGHT_PART).strip(),
        "words_outcome": clip(note.get("outcome") or "", HIGHLIGHT_PART).strip(),
    }


def _picked(item: WorkItemDict, note: Mapping[str, Any]) -> Highlight:
    """A highlight the employee picked, from its work item."""
    ai, correction = item["ai"], item["correction"]
    return Highlight(
        **_item_fields(item),
        tools=clip(ai["tool"], 120) or NO_DATA,
        reason=clip(ai["rule"], LONG),
        confidence=clip(ai["confidence"], 20) or NO_DATA,
        outcome_confidence="",
        context="",
        picked=True,
        correction=_employee_verdict(correction) if correction else "",
        machine=_machine_verdict(ai),
        **_employee_words(note),
    )


def _highlights(
    items: list[HighlightDict], work_items: list[WorkItemDict], annotations: Sequence[Mapping[str, Any]]
) -> tuple[list[Highlight], bool]:
    """The employee's picks, in their order, when there are any; else the strongest by outcome (merged,
    surviving, not reverted). A pick whose item is no longer in the facts is left out."""
    picks = sorted(
        (note for note in annotations if note.get("kind") == "highlight" and note.get("highlighted")),
        key=lambda note: (int(note.get("position") or 0), str(note.get("item_key") or "")),
    )
    if picks:
        work = {highlight_key(item): item for item in work_items}
        automatic = {highlight_key(item): item for item in items}  # facts stored before work items had them
        found = []
        for note in picks:
            key = str(note.get("item_key") or "")
            if key in work:
                found.append(_picked(work[key], note))
            elif key in automatic:
                automatic_item = _highlight(automatic[key])
                machine = f"attributed ({automatic_item.tools}, {automatic_item.reason}, confidence {automatic_item.confidence})"
                found.append(replace(automatic_item, picked=True, machine=machine, **_employee_words(note)))
        if found:
            return found[:HIGHLIGHTS_SHOWN], True

    def strength(pair: tuple[int, HighlightDict]) -> tuple[int, int, float, int]:
        outcome = pair[1]["outcome"]
        return (
            0 if outcome["reverted"] else 1,
            1 if outcome["merged"] else 0,
            outcome["survival_share"] or 0.0,
            -pair[0],
        )

    ranked = sorted(enumerate(items), key=strength, reverse=True)
    return [_highlight(item) for _index, item in ranked[:HIGHLIGHTS_SHOWN]], False


def _machine_verdict(ai: WorkItemAIDict) -> str:
    if ai["verdict"] == "none":
        return "no AI signal found"
    how = "attributed" if ai["verdict"] == "attributed" else "timing only"
    details = [clip(ai["tool"], 120), clip(ai["rule"], 80)]
    if ai["confidence"] is not None:
        details.append(f"confidence {ai['confidence']:.2f}")
    listed = ", ".join(detail for detail in details if detail)
    return f"{how} ({listed})" if listed else how


def _employee_verdict(correction: CorrectionDict) -> str:
    if not correction["ai_assisted"]:
        return "not AI-assisted"
    tool = clip(correction["tool"], 60)
    return f"AI-assisted ({tool})" if tool else "AI-assisted"


def _correction_line(item: WorkItemDict, correction: CorrectionDict) -> CorrectionLine:
    return CorrectionLine(
        key=highlight_key(item),
        title=clip(item["title"]),
        machine=_machine_verdict(item["ai"]),
        employee=_employee_verdict(correction),
        reason=clip(correction["reason"], REASON),
    )


OutcomeFigure = Literal[
    "prs_opened",
    "prs_merged",
    "merge_rate",
    "median_hours_to_merge",
    "commits",
    "review_rounds_per_pr",
    "median_pr_lines",
    "lines_added",
    "survival_share",
    "reverted",
    "follow_up_fix_lines",
    "tests_touched",
    "issues_closed",
    "refactor_lines_deleted",
    "refactor_lines_moved",
]
OUTCOME_FIGURES: tuple[tuple[str, OutcomeFigure, str, str], ...] = (
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


def outcome_figure(outcome: OutcomeDict | None, key: OutcomeFigure, unit: str) -> str:
    """One outcome figure as the packet prints it: a share, a count with its unit, "no data", or "—" (no group)."""
    if outcome is None:
        return "—"
    # refactor_lines_moved is missing from facts stored before it was added: "no data"
    value = outcome.get(key)
    return share(value) if unit == "share" else number(value, unit)


def _outcome_rows(*, ai: OutcomeDict, other: OutcomeDict, previous: OutcomePairDict | None) -> tuple[OutcomeRow, ...]:
    return tuple(
        OutcomeRow(
            label=label,
            ai=outcome_figure(ai, key, unit),
            other=outcome_figure(other, key, unit),
            previous_ai=outcome_figure(previous["ai_assisted"] if previous else None, key, unit),
            previous_other=outcome_figure(previous["other"] if previous else None, key, unit),
            group=group,
        )
        for group, key, label, unit in OUTCOME_FIGURES
    )


def _outcome_provenance(outcome: OutcomeDict) -> str:
    """What the durability figures were measured on, and how sure the AI-assisted/other split is."""
    parts = []
    provenance = outcome.get("provenance")
    if provenance is not None:
        measured_at = provenance["survival_measured_at"]
        parts.append(
            f"survival measured on {number(provenance['commits_with_survival_measured'])} commits"
            + (f", last on {clip(measured_at[:10], 10)}" if measured_at else "")
        )
        moves = provenance.get("commits_with_moves_measured")
        if moves is not None:
            parts.append(f"moved lines measured on {number(moves)} commits")
    confidence = outcome.get("confidence")
    if confidence:
        parts.append(f"confidence {confidence_text(confidence)}")
    return "; ".join(parts)


def _usage_provenance(usage: UsageDict) -> str:
    provenance = usage["provenance"]
    parts = []
    sources = ", ".join(clip(source, 60) for source in provenance["sources"])
    if sources:
        parts.append(f"sources: {sources}")
    parts.append(f"{number(provenance['records'])} records")
    if provenance["first_day"] and provenance["last_day"]:
        parts.append(f"{clip(provenance['first_day'], 10)} to {clip(provenance['last_day'], 10)}")
    confidence = usage.get("confidence")
    if confidence:
        parts.append(f"confidence {confidence_text(confidence)}")
    return "; ".join(parts)


def confidence_text(value: ConfidenceDict | Level | None) -> str:
    """A figure group's confidence in brief: its level and why (`{level, basis}`), or a bare level string."""
    if isinstance(value, Mapping):
        level, basis = clip(value["level"], 20), clip(value["basis"], LONG)
        return f"{level} ({basis})" if level and basis else level
    return clip(value, 20) if value else ""


def _pattern(item: PatternDict) -> Pattern:
    rests_on = "; ".join(f"{_words(key)}: {clip(value, 60)}" for key, value in item["rests_on"].items())
    label = clip(item["label"]) or PATTERN_NAMES.get(item["kind"], clip(item["kind"]))
    return Pattern(label, clip(item["summary"], LONG), rests_on or NO_DATA, clip(item["confidence"], 20) or NO_DATA)


def _tool(item: ToolUsageDict) -> Tool:
    return Tool(
        name=clip(item["tool"], 60),
        provider=clip(item["provider"], 60),
        active_days=number(item["active_days"]),
        sessions=number(item["sessions"]),
        models=", ".join(clip(model, 60) for model in item["models"]) or "—",
    )


def _usage_rows(usage: UsageDict) -> tuple[tuple[str, str], ...]:
    acceptance = usage["acceptance"]
    cost = usage["cost_per_merged_ai_pr"]
    cost_text = f"${cost['usd']:,.2f}" if cost["usd"] is not None else NO_DATA
    if cost["team_band"]:
        cost_text += f" ({cost['team_band']} the team median)"
    if cost["band_note"]:
        cost_text += f": {clip(cost['band_note'])}"
    cost_confidence = cost.get("confidence")
    if cost_confidence:
        cost_text += f". Confidence {confidence_text(cost_confidence)}"
    return (
        ("Active days", number(usage["active_days"])),
        ("Sessions", number(usage["sessions"])),
        (
            "Acceptance of AI edits and suggestions",
            f"{share(acceptance['rate'])} ({number(acceptance['accepted'])} accepted, {number(acceptance['rejected'])} rejected)",
        ),
        ("Cache efficiency (cache reads as a share of input)", share(usage["cache_read_share"])),
        ("Cost per merged AI-assisted pull request", cost_text),
    )


def _flag(item: FlagDict, notes: Mapping[str, str]) -> Flag:
    kind = item["kind"]
    days = [clip(day, 10) for day in item["days"]]
    listed = ", ".join(days[:FLAG_DAYS_LISTED]) + (
        f" and {len(days) - FLAG_DAYS_LISTED} more" if len(days) > FLAG_DAYS_LISTED else ""
    )
    figures = "; ".join(f"{_words(key)}: {clip(value, 60)}" for key, value in item["figures"].items())
    return Flag(
        key=clip(kind, 60),
        label=FLAG_NAMES.get(kind, clip(kind, 60)),
        summary=clip(item["summary"], LONG),
        days=listed or NO_DATA,
        figures=figures,
        confidence=confidence_text(item.get("confidence")),
        explanation=clip(notes.get(kind, ""), EXPLANATION),
    )


def _source(item: CoverageSourceDict) -> Source:
    return Source(
        clip(item["source"], 60),
        f"{clip(item['first_day'], 10)} to {clip(item['last_day'], 10)}",
        number(item["records"]),
    )


def _plural(count: int, noun: str) -> str:
    """'1 commit', '3 commits': a count with its noun."""
    return f"{number(count)} {noun}{'' if count == 1 else 's'}"


def _rate(value: float | None) -> str:
    return f" ({share(value)})" if value is not None else ""


def _summary(
    *, usage: UsageDict, tools: list[Tool], ai: OutcomeDict, other: OutcomeDict, facts: EvidenceFactsDict
) -> tuple[str, ...]:
    """The packet's summary in plain words. Each sentence states only what the figures below it show, for every
    mix of data present and absent: a side with no work is not described, a figure not measured is said to be
    not measured (never printed as "no data" inside a sentence), and no count is given as "0 of 0"."""
    ai_work = bool(ai["commits"] or ai["prs_opened"])
    sentences = [_usage_sentence(usage=usage, tools=tools, patterns=facts["patterns"], ai_work=ai_work)]
    sentences.extend(_work_sentences(ai=ai, other=other, reviews_given=facts["work"]["reviews_given"]))
    flags = len(facts["flags"])
    if flags:
        listed = "is listed" if flags == 1 else "are listed"
        sentences.append(
            f"{_plural(flags, 'context flag')} {listed} in section 5 for the employee to explain; "
            f"{'it is' if flags == 1 else 'they are'} not a score."
        )
    return tuple(sentences)


def _usage_sentence(*, usage: UsageDict, tools: list[Tool], patterns: list[PatternDict], ai_work: bool) -> str:
    days = usage["active_days"]
    if tools:
        # a pattern resting on a single item (low confidence) is shown in section 4 with its figures, never claimed here
        seen = [_pattern(item).label.lower() for item in patterns if item["confidence"] in ("medium", "high")]
        return (
            f"Used {', '.join(tool.name for tool in tools)}"
            + (f" on {_plural(days, 'day')}" if days else "")
            + (f"; the usage patterns seen were {', '.join(seen)}." if seen else ".")
        )
    if days:
        return f"AI usage was recorded on {_plural(days, 'day')}, from sources that name no coding tool."
    if ai_work:
        return (
            "No AI coding-tool usage was recorded for this cycle; the AI-assisted work below was recognised from "
            "the repositories themselves (commit trailers, agent authors, tool reports)."
        )
    return (
        "No AI coding-tool usage was recorded for this cycle. This packet shows the work and its outcomes; "
        "not using AI is not a finding."
    )


def _work_sentences(*, ai: OutcomeDict, other: OutcomeDict, reviews_given: int) -> list[str]:
    sides = [(label, outcome) for label, outcome in (("AI-assisted", ai), ("other", other)) if _has_work(outcome)]
    if not sides:
        if reviews_given:
            return [
                "No commits or pull requests of the person's were found for this cycle in the connected sources; "
                f"they gave {_plural(reviews_given, 'review')} on others' pull requests."
            ]
        return ["No repository work was found for this cycle in the connected sources."]
    sentences = []
    if ai["prs_opened"]:
        against = (
            f", against {number(other['prs_merged'])} of {number(other['prs_opened'])} of the person's other "
            f"pull requests{_rate(other['merge_rate'])}."
            if other["prs_opened"]
            else "; the person opened no other pull requests."
        )
        sentences.append(
            f"{number(ai['prs_merged'])} of {number(ai['prs_opened'])} AI-assisted pull requests were merged"
            f"{_rate(ai['merge_rate'])}{against}"
        )
    elif other["prs_opened"]:
        sentences.append(
            f"{number(other['prs_merged'])} of {number(other['prs_opened'])} pull requests were merged"
            f"{_rate(other['merge_rate'])}; none was AI-assisted."
        )
    if ai["commits"] or other["commits"]:
        sentences.append(
            f"Commits in the cycle: {_plural(ai['commits'], 'AI-assisted commit')} and "
            f"{_plural(other['commits'], 'other commit')}"
            + ("" if ai["prs_opened"] or other["prs_opened"] else "; no pull requests were found")
            + "."
        )
    sentences.append("Durability: " + "; ".join(_durability(label, outcome) for label, outcome in sides) + ".")
    return sentences


def _has_work(outcome: OutcomeDict) -> bool:
    return bool(outcome["commits"] or outcome["prs_opened"])


def _durability(label: str, outcome: OutcomeDict) -> str:
    survival = outcome["survival_share"]
    surviving = (
        f"{share(survival)} of {label} lines were still in place at cycle end"
        if survival is not None
        else f"the survival of {label} lines was not measured"
    )
    reverted = outcome["reverted"]
    return f"{surviving}, and {_plural(reverted, f'{label} change')} {'was' if reverted == 1 else 'were'} reverted"

"""How much AI was used, as context only: tools, models, days, sessions, tokens by kind, acceptance, cost.

None of these figures is ever used to order people. The one cross-person figure, the cost band, compares a
person's cost per merged AI-assisted PR with their team's median and is withheld for teams under five.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from decimal import Decimal
from statistics import median

from evidence.facts.activity import Activity
from evidence.facts.involvement import Involvement, is_coding_tool, session_days
from evidence.facts.schema import (
    CostBandDict,
    CostPerMergedAIPRDict,
    EvidenceFactsDict,
    ModelUsageDict,
    PurposeUsageDict,
    TeamBand,
    TokensDict,
    ToolUsageDict,
    UsageConfidenceDict,
    UsageDict,
)
from evidence.models import EvidenceFacts, Purpose, PurposeLabel, ToolOutcomeFact, UsageFact
from reviews.models import Person, ReviewCycle

Metric = ToolOutcomeFact.Metric
MIN_GROUP = 5  # aggregates over fewer people reveal individuals (GitHub's and GitClear's threshold too)
BAND_BELOW, BAND_ABOVE = 0.8, 1.25
ACCEPTED = (Metric.EDITS_ACCEPTED, Metric.SUGGESTIONS_ACCEPTED)


def fact_tokens(fact: UsageFact) -> int:
    return fact.input_uncached + fact.cache_read + fact.cache_write + fact.output


def usage_section(
    *,
    activity: Activity,
    involvement: Involvement,
    cost_per_merged_ai_pr: CostPerMergedAIPRDict,
    confidence: UsageConfidenceDict,
) -> UsageDict:
    """The usage section, with the cost per merged AI-assisted PR and the confidence its caller worked out."""
    facts, outcome_facts, sessions = activity.usage_facts, activity.outcome_facts, activity.sessions
    tokens: TokensDict = {
        "input_uncached": sum(fact.input_uncached for fact in facts),
        "cache_read": sum(fact.cache_read for fact in facts),
        "cache_write": sum(fact.cache_write for fact in facts),
        "output": sum(fact.output for fact in facts),
    }
    input_side = tokens["input_uncached"] + tokens["cache_read"] + tokens["cache_write"]
    costs = [fact.cost_usd for fact in facts if fact.cost_usd is not None]
    tools = _tools(activity)
    accepted, rejected = acceptance_counts(activity)
    days = active_days(activity)
    daily_tokens: dict[date, int] = defaultdict(int)
    for fact in facts:
        daily_tokens[fact.day] += fact_tokens(fact)
    return {
        "tools": tools,
        "models": _models(facts),
        "by_purpose": by_purpose(facts),
        "active_days": len(days),
        "sessions": sum(tool["sessions"] for tool in tools),
        "tokens": tokens,
        "cost_usd": round(float(sum(costs, Decimal(0))), 2) if costs else None,
        "cache_read_share": round(tokens["cache_read"] / input_side, 4) if input_side else None,
        "acceptance": {
            "accepted": accepted,
            "rejected": rejected,
            "rate": round(accepted / (accepted + rejected), 4) if accepted + rejected else None,
        },
        "cost_per_merged_ai_pr": cost_per_merged_ai_pr,
        "daily": [
            {"day": day.isoformat(), "tokens": daily_tokens[day], "linked": day in involvement.linked_days}
            for day in sorted(daily_tokens)
        ],
        "provenance": {
            "sources": sorted(
                {fact.source for fact in facts}
                | {fact.source for fact in outcome_facts}
                | {session.source for session in sessions}
            ),
            "first_day": min(days, default=None),
            "last_day": max(days, default=None),
            "records": len(facts) + len(outcome_facts) + len(sessions),
        },
        "confidence": confidence,
    }


def active_days(activity: Activity) -> set[str]:
    days = {fact.day for fact in activity.usage_facts if fact_tokens(fact) or fact.requests}
    days |= {fact.day for fact in activity.outcome_facts if fact.value}
    days |= {day for session in activity.sessions for day in session_days(session) if activity.window.holds_day(day)}
    return {day.isoformat() for day in days}


def acceptance_counts(activity: Activity) -> tuple[int, int]:
    """Per tool, the tool's own daily counts when it reports them, else its sessions' counts (never both)."""
    reported: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for fact in activity.outcome_facts:
        reported[fact.tool][fact.metric] += fact.value
    accepted = rejected = 0
    for counts in reported.values():
        accepted += sum(counts[metric] for metric in ACCEPTED)
        rejected += counts[Metric.EDITS_REJECTED]
        rejected += max(counts[Metric.SUGGESTIONS_SHOWN] - counts[Metric.SUGGESTIONS_ACCEPTED], 0)
    for session in activity.sessions:
        if session.tool not in reported:
            accepted += session.edits_accepted
            rejected += session.edits_rejected
    return accepted, rejected


def coding_cost_usd(activity: Activity) -> float | None:
    costs = [fact.cost_usd for fact in activity.usage_facts if fact.cost_usd is not None and is_coding_tool(fact.tool)]
    return float(sum(costs, Decimal(0))) if costs else None


def cost_per_merged_ai_pr(*, cost_usd: float | None, merged_ai_prs: int) -> float | None:
    if cost_usd is None or not merged_ai_prs:
        return None
    return round(cost_usd / merged_ai_prs, 2)


def team_figures(*, person: Person, cycle: ReviewCycle) -> tuple[int, list[float]]:
    """The team's size and its other members' stored costs per merged AI-assisted PR (unordered: a median only)."""
    if not person.team:
        return 0, []
    size = Person.objects.filter(team=person.team).count()
    others = EvidenceFacts.objects.filter(cycle=cycle, team=person.team, cost_per_merged_ai_pr_usd__isnull=False)
    figures = others.exclude(person=person).values_list("cost_per_merged_ai_pr_usd", flat=True)
    return size, [figure for figure in figures if figure is not None]


def cost_band(*, own_usd: float | None, team_size: int, teammates_usd: list[float]) -> CostBandDict:
    """The person's own figure and where it sits against the team median: below, near or above. Never a rank."""
    if own_usd is None:
        return {"usd": None, "team_band": None, "band_note": "no AI-assisted PR merged with a known cost"}
    figures = [*teammates_usd, own_usd]
    if team_size < MIN_GROUP or len(figures) < MIN_GROUP:
        return {
            "usd": own_usd,
            "team_band": None,
            "band_note": f"no team band: fewer than {MIN_GROUP} people in the team have this figure",
        }
    team_median = median(figures)
    ratio = own_usd / team_median if team_median else 1.0
    band: TeamBand = "below" if ratio < BAND_BELOW else "above" if ratio > BAND_ABOVE else "near"
    return {
        "usd": own_usd,
        "team_band": band,
        "band_note": (
            f"{band} the median of {len(figures)} people in the team (near means within "
            f"{BAND_BELOW:.0%} to {BAND_ABOVE:.0%} of it); context, not a score"
        ),
    }


def _tools(activity: Activity) -> list[ToolUsageDict]:
    days: dict[str, set[date]] = defaultdict(set)
    providers: dict[str, set[str]] = defaultdict(set)
    models: dict[str, set[str]] = defaultdict(set)
    reported_sessions: dict[str, int] = defaultdict(int)
    session_rows: dict[str, int] = defaultdict(int)
    for fact in activity.usage_facts:
        days[fact.tool].add(fact.day)
        providers[fact.tool].add(fact.provider)
        if fact.model:
            models[fact.tool].add(fact.model)
    for outcome in activity.outcome_facts:
        days[outcome.tool].add(outcome.day)
        if outcome.metric == Metric.SESSIONS:
            reported_sessions[outcome.tool] += outcome.value
    for session in activity.sessions:
        days[session.tool].add(session.started_at.date())
        session_rows[session.tool] += 1
    return [
        {
            "tool": tool,
            "provider": ", ".join(sorted(providers[tool])),
            "active_days": len(days[tool]),
            # the same sessions may come daily (analytics) and one by one (telemetry): take the fuller count
            "sessions": max(reported_sessions[tool], session_rows[tool]),
            "models": sorted(models[tool]),
        }
        for tool in sorted(days)
    ]


def _models(facts: list[UsageFact]) -> list[ModelUsageDict]:
    requests: dict[str, int] = defaultdict(int)
    tokens: dict[str, int] = defaultdict(int)
    for fact in facts:
        name = fact.model or "unknown"
        requests[name] += fact.requests
        tokens[name] += fact_tokens(fact)
    return [{"model": name, "requests": requests[name], "tokens": tokens[name]} for name in sorted(requests)]


def cost_band_settled(*, facts: EvidenceFactsDict, band: CostBandDict) -> EvidenceFactsDict:
    """The facts with the cost band's fields replaced by `band`; the figure's confidence and the rest are kept."""
    usage = facts["usage"]
    return {**facts, "usage": {**usage, "cost_per_merged_ai_pr": {**usage["cost_per_merged_ai_pr"], **band}}}


UNLABELLED = "(no purpose given)"


def by_purpose(facts: list[UsageFact]) -> list[PurposeUsageDict]:
    """Tokens and cost (USD, None when no fact has one) per purpose, as context; ordered by purpose, never by figure.

    A fact's purpose is the first of its source's `attribute=value` pairs that an admin mapped to a purpose
    (evidence.models.PurposeLabel), or whose `purpose` value names one; otherwise its pairs as they are, a pair
    that a provider's list names showing that name (`project_id=proj_abc (Checkout)`).
    """
    pairs = {pair for fact in facts for pair in fact.purpose.split("|") if pair}
    values = {pair.split("=", 1)[1] for pair in pairs}
    mapped: dict[str, str] = {}
    named: dict[str, str] = {}
    for label in PurposeLabel.objects.filter(value__in=values).select_related("purpose"):
        pair = f"{label.attribute}={label.value}"
        if label.purpose is not None:
            mapped[pair] = label.purpose.name
        if label.name:
            named[pair] = f"{pair} ({label.name})"
    names = {name.lower(): name for name in Purpose.objects.values_list("name", flat=True)}
    tokens: dict[tuple[str, bool], int] = defaultdict(int)
    costs: dict[tuple[str, bool], list[Decimal]] = defaultdict(list)
    for fact in facts:
        key = _purpose_of(fact.purpose, mapped=mapped, named=named, names=names)
        tokens[key] += fact_tokens(fact)
        if fact.cost_usd is not None:
            costs[key].append(fact.cost_usd)
    return [
        {
            "purpose": purpose,
            "mapped": is_mapped,
            "tokens": tokens[(purpose, is_mapped)],
            "cost_usd": round(float(sum(costs[(purpose, is_mapped)], Decimal(0))), 2)
            if costs[(purpose, is_mapped)]
            else None,
        }
        for purpose, is_mapped in sorted(tokens)
    ]


def _purpose_of(
    label: str, *, mapped: dict[str, str], named: dict[str, str], names: dict[str, str]
) -> tuple[str, bool]:
    """(purpose, whether an admin's list gives it) for a fact's purpose label."""
    if not label:
        return UNLABELLED, False
    pairs = label.split("|")
    for pair in pairs:
        attribute, value = pair.split("=", 1)
        if pair in mapped:
            return mapped[pair], True
        if attribute == "purpose" and value.lower() in names:
            return names[value.lower()], True
    return "|".join(named.get(pair, pair) for pair in pairs), False

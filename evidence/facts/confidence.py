"""How sure each figure group is: `{level: high|medium|low, basis}`, read from properties of the data behind it.

A level is never a judgment of the person: it says how completely the sources could see what the figure counts.
Outcomes carry their own (evidence.facts.outcomes: direct links against timing alone); patterns carry a level
string of their own (evidence.facts.patterns).
"""

from __future__ import annotations

from decimal import Decimal

from evidence.facts.activity import Activity
from evidence.facts.involvement import is_coding_tool
from evidence.facts.schema import (
    ConfidenceDict,
    CostConfidenceDict,
    FlagDict,
    HighlightDict,
    Level,
    UsageConfidenceDict,
)
from evidence.facts.usage import fact_tokens
from evidence.models import Repository, UsageFact
from reviews.models import Identity

LEVELS: tuple[Level, ...] = ("low", "medium", "high")
HIGH_SHARE, MEDIUM_SHARE = 0.9, 0.5
LINKED_HIGH, LINKED_MEDIUM = 0.8, 0.5
# Identities that name one person in the source itself; an API key may be shared by a team or a script.
PER_USER_KINDS = frozenset({Identity.Kind.EMAIL, Identity.Kind.PROVIDER_USER, Identity.Kind.OTEL_ACCOUNT})


def confidence(level: Level, basis: str) -> ConfidenceDict:
    return {"level": level, "basis": basis}


def weakest(*levels: Level) -> Level:
    return min(levels, key=LEVELS.index)


def _level_of_share(share: float) -> Level:
    return "high" if share >= HIGH_SHARE else "medium" if share >= MEDIUM_SHARE else "low"


def usage_confidence(activity: Activity) -> UsageConfidenceDict:
    """Who the usage belongs to: per-user identities are sure; API keys may be shared."""
    records = len(activity.usage_facts) + len(activity.outcome_facts) + len(activity.sessions)
    if not records:
        return {
            **confidence(
                "medium",
                "no usage records for this person in the imported sources; use through a source not imported would "
                "not show",
            ),
            "per_user_share": None,
        }
    per_user = total = 0
    for fact in activity.usage_facts:
        weight = fact_tokens(fact) or 1
        total += weight
        per_user += weight if fact.actor.kind in PER_USER_KINDS else 0
    actors = [row.actor for row in activity.outcome_facts] + [session.actor for session in activity.sessions]
    for actor in actors:
        total += 1
        per_user += 1 if actor.kind in PER_USER_KINDS else 0
    share = per_user / total
    level = _level_of_share(share)
    basis = (
        f"{share:.0%} of usage (by tokens) from per-user identities (email, provider user id, OTel account); "
        "the rest from API keys mapped to this person, which others may share"
    )
    computed = sum(1 for fact in activity.usage_facts if fact.cost_basis == UsageFact.CostBasis.PRICE_TABLE)
    if computed:
        # Tokens are counted by the source either way; only the cost is then a list-price estimate.
        level = weakest(level, "medium")
        basis += f"; the cost of {computed} of {len(activity.usage_facts)} usage records computed at list prices"
    return {**confidence(level, basis), "per_user_share": round(share, 4)}


def cost_confidence(*, activity: Activity, own_usd: float | None, split_level: Level) -> CostConfidenceDict | None:
    """Cost per merged AI-assisted PR: as sure as its cost (reported, or computed at list price) and its split."""
    if own_usd is None:
        return None
    coding = [fact for fact in activity.usage_facts if is_coding_tool(fact.tool)]
    costed = [fact for fact in coding if fact.cost_usd is not None]
    cost = sum((fact.cost_usd for fact in costed if fact.cost_usd is not None), Decimal(0))
    computed = sum(
        (
            fact.cost_usd
            for fact in costed
            if fact.cost_usd is not None and fact.cost_basis == UsageFact.CostBasis.PRICE_TABLE
        ),
        Decimal(0),
    )
    uncosted_tokens = sum(fact_tokens(fact) for fact in coding if fact.cost_usd is None)
    computed_share = float(computed / cost) if cost else 0.0
    cost_level: Level = "high" if not computed and not uncosted_tokens else "medium"
    basis = f"{1 - computed_share:.0%} of the cost reported by the source, {computed_share:.0%} computed at list prices"
    if uncosted_tokens:
        basis += f"; {uncosted_tokens:,} coding-tool tokens had no cost (seat-priced tools) and are not in it"
    basis += f"; AI-assisted PRs found with {split_level} confidence"
    return {**confidence(weakest(cost_level, split_level), basis), "computed_cost_share": round(computed_share, 4)}


def work_confidence(activity: Activity) -> ConfidenceDict:
    """How completely repository activity is seen: GitHub gives PRs and reviews, local git only commits."""
    repositories = {commit.repository for commit in activity.commits} | {
        pull_request.repository for pull_request in activity.pull_requests
    }
    if not repositories and not activity.reviews_given:
        return confidence(
            "low",
            "no commit, pull request or review matched to this person: an unmapped author identity or a repository "
            "not imported would look the same",
        )
    local = sorted(repository.full_name for repository in repositories if repository.host == Repository.Host.LOCAL)
    if local:
        return confidence(
            "medium",
            f"{len(local)} of {len(repositories)} repositories are local git only: their pull requests and reviews "
            "are not seen",
        )
    return confidence("high", "commits, pull requests and reviews from GitHub")


def coverage_confidence(*, linked: float | None, unresolved: int) -> ConfidenceDict:
    """How much of the AI use is tied to work (`linked`, a share of coding-tool tokens), and whether unmapped
    identities (`unresolved`, a count) may hide some of it."""
    level: Level
    if linked is None:
        level = "medium" if unresolved else "high"
        linked_text = "no AI coding-tool tokens to link"
    else:
        level = "high" if linked >= LINKED_HIGH else "medium" if linked >= LINKED_MEDIUM else "low"
        linked_text = f"{linked:.0%} of AI coding-tool tokens linked to work"
    if unresolved:
        level = weakest(level, "medium")
    return confidence(
        level,
        f"{linked_text}; {unresolved} source identities unresolved across the company (their usage is in nobody's "
        "packet until mapped)",
    )


def flags_confidence(*, flags: list[FlagDict], work: ConfidenceDict) -> list[FlagDict]:
    """The flags, each with its confidence: a flag rests on usage and on the absence of work, so it is no surer
    than the work data that shows the absence."""
    confident: list[FlagDict] = []
    for flag in flags:
        own: Level
        figures = flag["figures"]
        if "days_without_sessions" in figures:  # idle_loop
            timed = figures["sessions"] and not figures["days_without_sessions"]
            own = "high" if timed else "medium"
            basis = (
                "session timing from telemetry"
                if timed
                else "daily totals without session timing on some days (a long session is inferred, not seen)"
            )
        elif flag["kind"] == "volume_spike":
            own, basis = "medium", "a weekly median over the cycle is a rough baseline"
        else:
            own, basis = "high", "daily token totals"
        basis = f"{basis}; work seen: {work['basis']}"
        confident.append({**flag, "confidence": confidence(weakest(own, work["level"]), basis)})
    return confident


def highlights_confidence(highlights: list[HighlightDict]) -> list[HighlightDict]:
    """The highlights, each outcome with its confidence: sure when survival was measured with git blame; without
    a clone it is not."""
    return [
        {**item, "outcome": {**item["outcome"], "confidence": _highlight_outcome_confidence(item)}}
        for item in highlights
    ]


def _highlight_outcome_confidence(item: HighlightDict) -> ConfidenceDict:
    measured = item["outcome"]["survival_share"] is not None
    return confidence(
        "high" if measured else "medium",
        "merged, reverted and surviving lines from the repository history"
        if measured
        else "merged and reverted from the repository; lines surviving not measured (no local clone)",
    )

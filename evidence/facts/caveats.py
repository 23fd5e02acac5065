"""Caveats from published research, attached to the figures they qualify; each caveat names its study."""

from __future__ import annotations

from evidence.facts.schema import CaveatDict, OutcomePairDict, UsageDict

NO_RANKING_CAVEAT = (
    "No one is ranked by token volume or cost: token and cost figures appear only as context in a person's own packet."
)
NO_TIME_SAVED = (
    "Time saved is never inferred. In a 2025 randomised trial (METR) experienced developers were 19% slower with AI "
    "while believing they were 20% faster, so this packet shows artifacts, not estimates of time."
)
OWN_BASELINE = (
    "AI-assisted work is compared with the same person's other work and earlier cycle only, never with other people: "
    "heavy AI users were often strong before (selection bias, GitClear and Swarmia)."
)
SPEED_BESIDE_DURABILITY = (
    "A speed figure is read beside durability: AI raises throughput but also instability (DORA 2024 and 2025), so "
    "time to merge is always shown with survival, reverts and follow-up fixes."
)
ACCEPTANCE_WEAK = (
    "Acceptance rate is a weak signal: accepted suggestions are often rewritten later (reported 80-90% accepted "
    "versus 10-30% surviving), so it is context, not an outcome."
)
TEMPORAL_LINKS = (
    "Some work counts as AI-assisted only because an AI coding tool was in use that day or while the pull request "
    "was open. Those links are weak and marked low confidence; the employee can correct them."
)
UNKNOWN_NOT_HUMAN = "'Other work' means no AI signal was found: a missing trailer means unknown, not human."
SURVIVAL_METHOD = (
    "Survival counts a commit's added lines still present at the last git blame measurement; it is not yet known "
    "for commits measured too recently or never measured."
)
CACHE_CONTEXT = "Cache read share describes how the tool reuses context; it is efficiency context, not an outcome."
COST_BAND = (
    "The cost band compares the person's own cost per merged AI-assisted pull request with their team's median and "
    "is withheld for teams under five. It is context, not a score."
)
REFACTOR_METHOD = (
    "Refactor lines are the deletions in commits that delete at least as much as they add: a sign of removal and "
    "reshaping work, which AI-era code bases see less of (GitClear)."
)
MOVED_METHOD = (
    "Moved lines are lines a commit deleted in one place and added unchanged in another, and renamed files; they "
    "are read from local git only, and short lines such as braces are not counted. Moving code is the reuse GitClear "
    "finds declining as AI-written code grows."
)


def caveats_section(*, usage: UsageDict, outcomes: OutcomePairDict) -> list[CaveatDict]:
    """The caveats that apply to the figures present. The no-ranking sentence is always first."""
    ai = outcomes["ai_assisted"]
    caveats = [
        ("general", NO_RANKING_CAVEAT),
        ("general", NO_TIME_SAVED),
        ("outcomes", OWN_BASELINE),
        ("outcomes.other", UNKNOWN_NOT_HUMAN),
    ]
    if ai["median_hours_to_merge"] is not None or outcomes["other"]["median_hours_to_merge"] is not None:
        caveats.append(("median_hours_to_merge", SPEED_BESIDE_DURABILITY))
    if ai["commits"] or outcomes["other"]["commits"]:
        caveats.append(("survival_share", SURVIVAL_METHOD))
        caveats.append(("refactor_lines_deleted", REFACTOR_METHOD))
        caveats.append(("refactor_lines_moved", MOVED_METHOD))
    split = ai["confidence"]  # built outcomes carry their confidence, and ai_assisted's its counts
    if split["temporal_commits"] or split["temporal_prs"]:
        caveats.append(("outcomes.ai_assisted", TEMPORAL_LINKS))
    if usage["acceptance"]["rate"] is not None:
        caveats.append(("acceptance", ACCEPTANCE_WEAK))
    if usage["cache_read_share"] is not None:
        caveats.append(("cache_read_share", CACHE_CONTEXT))
    if usage["cost_per_merged_ai_pr"]["usd"] is not None:
        caveats.append(("cost_per_merged_ai_pr", COST_BAND))
    return [{"applies_to": applies_to, "text": text} for applies_to, text in caveats]

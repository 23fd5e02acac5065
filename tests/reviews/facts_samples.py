"""Realistic facts JSON v1 samples (evidence.facts.schema) for packet tests and benchmarks.

They have the shape the evidence engine builds: a typical person, a person with ten times the data, a person
who never used AI, and one whose every string is hostile. All are seeded, so the same call gives the same facts.
"""

from __future__ import annotations

import random
import types
from datetime import date, timedelta
from typing import NotRequired, Union, cast, get_args, get_origin, get_type_hints, is_typeddict

from evidence.facts.caveats import NO_RANKING_CAVEAT
from evidence.facts.schema import (
    EVIDENCE_SCHEMA,
    CycleDict,
    DailyUsageDict,
    EvidenceFactsDict,
    HighlightDict,
    HighlightKind,
    OutcomeDict,
    PeriodDict,
)

CYCLE: CycleDict = {"name": "2026-H2", "start": "2026-07-01", "end": "2026-12-31", "previous": None}
PREVIOUS_CYCLE: PeriodDict = {"name": "2026-H1", "start": "2026-01-01", "end": "2026-06-30"}
SURVIVAL_MEASURED_AT = "2026-12-31T02:00:00+00:00"
REPOSITORIES = ("acme/payments-api", "acme/ledger", "acme/web-checkout", "acme/infra", "acme/mobile-app")
PR_TITLES = (
    "Retry idempotent card captures on gateway timeouts",
    "Split the ledger reconciliation job into daily shards",
    "Add contract tests for the refunds webhook",
    "Remove the legacy currency rounding path",
    "Cache exchange rates per request instead of per process",
    "Migrate checkout form validation to the shared schema",
    "Fix off-by-one in statement pagination",
    "Backfill missing merchant categories",
    "Document the settlement cut-off rules",
    "Replace hand-written SQL in the payout report with the ORM",
)
AI_REASONS = (
    "Co-Authored-By: Claude trailer on 3 of 4 commits",
    "Cursor AI code tracking reported 112 AI lines in the merged commit",
    "Claude Code session linked by git_commit_id",
    "Copilot coding agent opened the pull request",
)
CONTEXTS = (
    "Gateway timeouts caused duplicate captures twice last quarter; this closes the gap.",
    "The nightly job ran past its window on month ends.",
    "Refund disputes were untested, and two regressions reached production in H1.",
    "Dead code path kept alive only by one report.",
)


def empty_outcome() -> OutcomeDict:
    """An outcome with no work in it, as facts stored before confidence and provenance were added have it."""
    return {
        "commits": 0,
        "prs_opened": 0,
        "prs_merged": 0,
        "merge_rate": None,
        "median_hours_to_merge": None,
        "review_rounds_per_pr": None,
        "median_pr_lines": None,
        "lines_added": 0,
        "lines_surviving": 0,
        "survival_share": None,
        "reverted": 0,
        "follow_up_fix_lines": 0,
        "tests_touched": 0,
        "issues_closed": 0,
        "refactor_lines_deleted": 0,
        "refactor_lines_moved": 0,
    }


def _outcome(rng: random.Random, *, scale: int, ai: bool) -> OutcomeDict:
    opened = rng.randint(6, 14) * scale
    merged = max(1, int(opened * rng.uniform(0.7, 0.95)))
    added = merged * rng.randint(80, 220)
    surviving = int(added * rng.uniform(0.62, 0.9))
    commits = merged * rng.randint(2, 5)
    return {
        "commits": commits,
        "prs_opened": opened,
        "prs_merged": merged,
        "merge_rate": round(merged / opened, 3),
        "median_hours_to_merge": round(rng.uniform(6, 40), 1),
        "review_rounds_per_pr": round(rng.uniform(0.4, 1.8), 2),
        "median_pr_lines": rng.randint(60, 260) if ai else rng.randint(40, 180),
        "lines_added": added,
        "lines_surviving": surviving,
        "survival_share": round(surviving / added, 3),
        "reverted": rng.randint(0, 2) * scale,
        "follow_up_fix_lines": rng.randint(20, 400) * scale,
        "tests_touched": rng.randint(2, merged),
        "issues_closed": rng.randint(1, 8) * scale,
        "refactor_lines_deleted": rng.randint(50, 900) * scale,
        "refactor_lines_moved": rng.randint(0, 300) * scale,
        "confidence": (
            {"level": "high", "basis": "direct links (tool-reported SHA, session, trailer or marker)"}
            if ai
            else {"level": "medium", "basis": "no AI signal found; a missing trailer means unknown, not human"}
        ),
        "provenance": {
            "commits_with_moves_measured": commits,
            "commits_with_survival_measured": commits,
            "survival_measured_at": SURVIVAL_MEASURED_AT,
        },
    }


def _daily(rng: random.Random, *, scale: int) -> list[DailyUsageDict]:
    start = date.fromisoformat(CYCLE["start"])
    days: list[DailyUsageDict] = []
    for offset in range(184):
        day = start + timedelta(days=offset)
        if day.weekday() >= 5 or rng.random() < 0.35:
            continue
        days.append(
            {"day": day.isoformat(), "tokens": rng.randint(40_000, 900_000) * scale, "linked": rng.random() < 0.82}
        )
    return days


def _highlight(rng: random.Random, index: int) -> HighlightDict:
    merged = rng.random() < 0.88
    kind: HighlightKind = "pull_request" if index % 5 else "commit"
    repository = REPOSITORIES[index % len(REPOSITORIES)]
    ref = f"#{100 + index * 7}" if kind == "pull_request" else f"{rng.getrandbits(28):07x}"
    return {
        "kind": kind,
        "repository": repository,
        "ref": ref,
        "title": PR_TITLES[index % len(PR_TITLES)],
        "url": f"https://github.com/{repository}/pull/{100 + index * 7}" if kind == "pull_request" else None,
        "ai": {
            "tools": rng.sample(["Claude Code", "Cursor", "GitHub Copilot"], rng.randint(1, 2)),
            "reason": AI_REASONS[index % len(AI_REASONS)],
            "confidence": rng.choice([0.95, 0.9, 0.8, 0.35]),
        },
        "outcome": {
            "merged": merged if kind == "pull_request" else None,
            "survival_share": round(rng.uniform(0.5, 1.0), 2),
            "reverted": (not merged) and rng.random() < 0.3,
            "confidence": {"level": "high", "basis": "merged, reverted and surviving lines from the repository"},
        },
        "context": CONTEXTS[index % len(CONTEXTS)],
    }


def typical_facts(
    *,
    seed: int = 1,
    name: str = "Ada Castro",
    email: str = "ada.castro@example.com",
    team: str = "Payments",
    scale: int = 1,
) -> EvidenceFactsDict:
    rng = random.Random(seed)  # noqa: S311 -- seeded sample data, not secrets
    ai, other = _outcome(rng, scale=scale, ai=True), _outcome(rng, scale=scale, ai=False)
    daily = _daily(rng, scale=scale)
    tokens = sum(day["tokens"] for day in daily)
    highlights = [_highlight(rng, index) for index in range(12 * scale)]
    return {
        "schema": "tokenproof.evidence/1",
        "person": {
            "email": email,
            "name": name,
            "team": team,
            "manager": {"email": "mira.novak@example.com", "name": "Mira Novak"},
        },
        "cycle": {**CYCLE, "previous": PREVIOUS_CYCLE},
        "usage": {
            "tools": [
                {
                    "tool": "Claude Code",
                    "provider": "anthropic",
                    "active_days": len(daily) - 10,
                    "sessions": 140 * scale,
                    "models": ["claude-sonnet-4-5", "claude-haiku-4-5"],
                },
                {"tool": "Cursor", "provider": "cursor", "active_days": 38, "sessions": 61 * scale, "models": ["auto"]},
                {
                    "tool": "GitHub Copilot",
                    "provider": "github",
                    "active_days": 22,
                    "sessions": 0,
                    "models": ["gpt-4.1"],
                },
            ],
            "models": [
                {"model": "claude-sonnet-4-5", "requests": 5200 * scale, "tokens": int(tokens * 0.8)},
                {"model": "claude-haiku-4-5", "requests": 1900 * scale, "tokens": int(tokens * 0.15)},
                {"model": "gpt-4.1", "requests": 300 * scale, "tokens": int(tokens * 0.05)},
            ],
            "active_days": len(daily),
            "sessions": 201 * scale,
            "tokens": {
                "input_uncached": int(tokens * 0.18),
                "cache_read": int(tokens * 0.7),
                "cache_write": int(tokens * 0.07),
                "output": int(tokens * 0.05),
            },
            "cost_usd": round(tokens / 1_000_000 * 1.9, 2),
            "cache_read_share": 0.73,
            "acceptance": {"accepted": 1830 * scale, "rejected": 410 * scale, "rate": 0.817},
            "cost_per_merged_ai_pr": {
                "usd": round(tokens / 1_000_000 * 1.9 / ai["prs_merged"], 2),
                "team_band": "near",
                "band_note": "within 25% of the Payments team median",
                "confidence": {
                    "level": "medium",
                    "basis": "12% of the cost computed at list prices",
                    "computed_cost_share": 0.12,
                },
            },
            "daily": daily,
            "provenance": {
                "sources": ["claude_code_analytics", "cursor_daily_usage", "copilot_metrics"],
                "first_day": daily[0]["day"],
                "last_day": daily[-1]["day"],
                "records": len(daily) * 3,
            },
            "confidence": {"level": "high", "basis": "96% of usage from per-user identities", "per_user_share": 0.96},
        },
        "work": {
            "commits": ai["commits"] + other["commits"],
            "pull_requests": ai["prs_opened"] + other["prs_opened"],
            "reviews_given": rng.randint(20, 60) * scale,
            "repositories": list(REPOSITORIES[: 3 + (scale > 1) * 2]),
            "confidence": {"level": "high", "basis": "commits, pull requests and reviews from GitHub"},
        },
        "outcomes": {
            "ai_assisted": ai,
            "other": other,
            "previous_cycle": {
                "ai_assisted": _outcome(rng, scale=scale, ai=True),
                "other": _outcome(rng, scale=scale, ai=False),
            },
            "reviews_of_ai_prs": rng.randint(4, 20) * scale,
        },
        "patterns": [
            {
                "kind": "delegation",
                "label": "Delegation of well-specified changes",
                "summary": "Most accepted edits came in sessions with few file reads and a commit within the hour.",
                "rests_on": {"accepted_edits": 1830 * scale, "sessions_with_commit": 88 * scale},
                "confidence": "high",
            },
            {
                "kind": "exploration",
                "label": "Exploring unfamiliar code",
                "summary": "Sessions in acme/ledger read many files and accepted few edits before the first commit.",
                "rests_on": {"read_only_sessions": 31 * scale},
                "confidence": "medium",
            },
            {
                "kind": "review_assistance",
                "label": "Review assistance",
                "summary": "AI tools were active on days the person reviewed others' pull requests.",
                "rests_on": {"review_days_with_usage": 19 * scale},
                "confidence": "low",
            },
        ],
        "flags": [
            {
                "kind": "unlinked_usage",
                "summary": "AI coding-tool usage on 6 days with no commit, pull request or review.",
                "days": [day["day"] for day in daily if not day["linked"]][:6],
                "figures": {"days": 6, "tokens_on_those_days": 1_200_000 * scale, "share_of_coding_tokens": 0.04},
                "confidence": {"level": "high", "basis": "daily token totals"},
            }
        ],
        "coverage": {
            "sources": [
                {
                    "source": "claude_code_analytics",
                    "first_day": "2026-07-01",
                    "last_day": "2026-12-31",
                    "records": 920,
                },
                {"source": "cursor_daily_usage", "first_day": "2026-07-01", "last_day": "2026-12-31", "records": 184},
                {"source": "github", "first_day": "2026-07-01", "last_day": "2026-12-31", "records": 1450 * scale},
            ],
            "usage_linked_share": 0.82,
            "unresolved_identities": 1,
            "confidence": {"level": "medium", "basis": "1 source identity unresolved across the company"},
        },
        "highlights": highlights,
        "caveats": [
            {"applies_to": "general", "text": NO_RANKING_CAVEAT},
            {
                "applies_to": "acceptance.rate",
                "text": "Acceptance rate is a weak signal: accepted edits are often rewritten later.",
            },
            {
                "applies_to": "survival_share",
                "text": "Line survival counts lines still present at cycle end (git blame); moved lines count as changed.",
            },
            {
                "applies_to": "general",
                "text": "People who use AI heavily were often strong before: compare this work with the person's own other work, not with colleagues.",
            },
        ],
    }


def ten_x_facts(*, seed: int = 2) -> EvidenceFactsDict:
    """A person with ten times the typical data: more pull requests, highlights, flags and repositories."""
    facts = typical_facts(seed=seed, name="Bruno Weber", email="bruno.weber@example.com", scale=10)
    facts["flags"] = [
        facts["flags"][0],
        {
            "kind": "volume_spike",
            "summary": "Usage tripled in October with no change in merged pull requests.",
            "days": [f"2026-10-{day:02d}" for day in range(1, 29)],
            "figures": {
                "weeks": [{"week_start": "2026-10-05", "tokens": 41_000_000, "commits_and_merged_prs": 6}],
                "median_weekly_tokens": 13_000_000,
                "median_weekly_commits_and_merged_prs": 7,
            },
        },
        {
            "kind": "idle_loop",
            "summary": "Two sessions over 9 hours with no accepted edits and no commits.",
            "days": ["2026-11-03", "2026-11-04"],
            "figures": {
                "sessions": 2,
                "session_hours": 9.4,
                "tokens_in_those_sessions": 31_000_000,
                "days_without_sessions": 0,
                "tokens_on_those_days": 0,
                "accepted_edits": 0,
                "commits": 0,
            },
        },
    ]
    return facts


def empty_facts(*, name: str, email: str, team: str) -> EvidenceFactsDict:
    """The facts of someone with no usage and no work: the contract's shape with empty figures, no database."""
    return {
        "schema": EVIDENCE_SCHEMA,
        "person": {
            "email": email,
            "name": name,
            "team": team,
            "manager": {"email": "mira.novak@example.com", "name": "Mira Novak"},
        },
        "cycle": CYCLE,
        "usage": {
            "tools": [],
            "models": [],
            "active_days": 0,
            "sessions": 0,
            "tokens": {"input_uncached": 0, "cache_read": 0, "cache_write": 0, "output": 0},
            "cost_usd": None,
            "cache_read_share": None,
            "acceptance": {"accepted": 0, "rejected": 0, "rate": None},
            "cost_per_merged_ai_pr": {"usd": None, "team_band": None, "band_note": "no AI-assisted PR merged"},
            "daily": [],
            "provenance": {"sources": [], "first_day": None, "last_day": None, "records": 0},
        },
        "work": {"commits": 0, "pull_requests": 0, "reviews_given": 0, "repositories": []},
        "outcomes": {
            "ai_assisted": empty_outcome(),
            "other": empty_outcome(),
            "previous_cycle": None,
            "reviews_of_ai_prs": 0,
        },
        "patterns": [],
        "flags": [],
        "coverage": {"sources": [], "usage_linked_share": None, "unresolved_identities": 0},
        "highlights": [],
        "caveats": [{"applies_to": "general", "text": NO_RANKING_CAVEAT}],
    }


def non_user_facts(*, name: str = "Quentin Rossi", email: str = "quentin.rossi@example.com") -> EvidenceFactsDict:
    """Someone with repository work and no AI usage at all: their packet must be fair and complete.

    It starts from the facts of a person with no data at all and adds only the person's other work.
    """
    rng = random.Random(3)  # noqa: S311 -- seeded sample data, not secrets
    other = _outcome(rng, scale=1, ai=False)
    facts = empty_facts(name=name, email=email, team="Platform")
    facts["work"] = {
        "commits": other["commits"],
        "pull_requests": other["prs_opened"],
        "reviews_given": 31,
        "repositories": ["acme/infra"],
    }
    facts["outcomes"] = {**facts["outcomes"], "other": other, "reviews_of_ai_prs": 6}
    facts["coverage"]["sources"] = [
        {"source": "github", "first_day": "2026-07-01", "last_day": "2026-12-31", "records": 380}
    ]
    return facts


HOSTILE_STRINGS = (
    "<img src=file:///etc/passwd>",
    '<link rel=attachment href="file:///etc/passwd">',
    "<style>@import url(http://127.0.0.1:1/x.css); body{background:url(file:///etc/shadow)}</style>",
    "<svg><image href='http://169.254.169.254/latest/meta-data/'/></svg>",
    '<a rel="attachment" href="file:///etc/hostname">x</a>',
    "background: url('file:///etc/passwd'); width: 1e308px",
    '=HYPERLINK("http://evil.example/","click")',
    "{{ packet.facts }} {% debug %}",
)
MEGABYTE = "A" * 1_000_000


def hostile_facts() -> EvidenceFactsDict:
    """Every string a person, a PR author or a source controls carries an injection attempt or a megabyte."""
    facts = typical_facts(seed=4, name="<img src=file:///etc/passwd> Mallory", email="mallory@example.com")
    for index, highlight in enumerate(facts["highlights"]):
        highlight["title"] = HOSTILE_STRINGS[index % len(HOSTILE_STRINGS)] + (MEGABYTE if index == 0 else "")
        highlight["context"] = HOSTILE_STRINGS[(index + 1) % len(HOSTILE_STRINGS)]
        highlight["repository"] = HOSTILE_STRINGS[(index + 2) % len(HOSTILE_STRINGS)]
        highlight["url"] = "file:///etc/passwd" if index % 2 else "javascript:alert(1)"
        highlight["ai"]["reason"] = MEGABYTE if index == 1 else HOSTILE_STRINGS[(index + 3) % len(HOSTILE_STRINGS)]
    facts["person"]["team"] = HOSTILE_STRINGS[2]
    facts["usage"]["tools"][0]["tool"] = HOSTILE_STRINGS[3]
    facts["patterns"][0]["summary"] = HOSTILE_STRINGS[1] + MEGABYTE
    facts["flags"][0]["summary"] = HOSTILE_STRINGS[4]
    facts["caveats"].append({"applies_to": "general", "text": HOSTILE_STRINGS[5]})
    return facts


def required_keys_only(facts: EvidenceFactsDict) -> EvidenceFactsDict:
    """The facts without any key the schema does not require: what facts stored before those keys were added
    within version 1 look like."""
    return cast(EvidenceFactsDict, _required_only(facts, EvidenceFactsDict))


def _required_only(value: object, hint: object) -> object:
    if get_origin(hint) in (Union, types.UnionType):
        shapes = [member for member in get_args(hint) if is_typeddict(member)]
        fitting = [shape for shape in shapes if isinstance(value, dict) and set(value) <= set(get_type_hints(shape))]
        return _required_only(value, fitting[0]) if fitting else value
    if is_typeddict(hint) and isinstance(value, dict):
        hints = get_type_hints(hint, include_extras=True)
        return {
            key: _required_only(item, hints[key])
            for key, item in value.items()
            if get_origin(hints[key]) is not NotRequired
        }
    if get_origin(hint) is list and isinstance(value, list):
        return [_required_only(item, get_args(hint)[0]) for item in value]
    return value

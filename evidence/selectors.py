"""Reads the rest of tokenproof may make of the evidence side."""

from __future__ import annotations

from typing import Any

from reviews.models import Person, ReviewCycle

EVIDENCE_SCHEMA = "tokenproof.evidence/1"
NO_RANKING_CAVEAT = (
    "No one is ranked by token volume or cost: token and cost figures appear only as context in a person's own packet."
)


def evidence_facts_get(*, person: Person, cycle: ReviewCycle) -> dict[str, Any]:
    """The facts JSON for one person and cycle: the one source packets, pages, API and exports are built from.

    This skeleton has the final shape (docs/evidence-schema.md) with empty figures; the evidence engine fills it.
    """
    manager = person.manager
    return {
        "schema": EVIDENCE_SCHEMA,
        "person": {
            "email": person.email,
            "name": person.name,
            "team": person.team,
            "manager": {"email": manager.email, "name": manager.name} if manager else None,
        },
        "cycle": {"name": cycle.name, "start": cycle.start.isoformat(), "end": cycle.end.isoformat(), "previous": None},
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


def empty_outcome() -> dict[str, Any]:
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
    }

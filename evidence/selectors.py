"""Reads the rest of tokenproof may make of the evidence side."""

from __future__ import annotations

from typing import Any

from reviews.models import Person, ReviewCycle

EVIDENCE_SCHEMA = "tokenproof.evidence/1"


def evidence_facts_get(*, person: Person, cycle: ReviewCycle) -> dict[str, Any]:
    """The facts JSON for one person and cycle: the one source packets, pages, API and exports are built from.

    Usage and repository sections stay empty until their sources are imported; the shape is already final.
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
        "cycle": {"name": cycle.name, "start": cycle.start.isoformat(), "end": cycle.end.isoformat()},
        "usage": {},
        "work": {},
        "outcomes": {"ai_assisted": _empty_outcome(), "other": _empty_outcome()},
        "patterns": [],
        "flags": [],
        "coverage": {"sources": [], "usage_linked_share": None, "unresolved_identities": 0},
        "highlights": [],
        "caveats": [
            "No one is ranked by token volume or cost: token figures appear only as context in a person's own packet.",
        ],
    }


def _empty_outcome() -> dict[str, Any]:
    return {
        "commits": 0,
        "prs_merged": 0,
        "lines_added": 0,
        "lines_surviving": 0,
        "survival_share": None,
        "reverted": 0,
    }

"""Reads the rest of tokenproof may make of the evidence side."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from evidence.facts.activity import Activity, Window, activity_load
from evidence.facts.caveats import NO_RANKING_CAVEAT, caveats_section
from evidence.facts.confidence import (
    cost_confidence,
    coverage_confidence,
    flags_confidence,
    highlights_confidence,
    usage_confidence,
    work_confidence,
)
from evidence.facts.coverage import coverage_section, unresolved_identities
from evidence.facts.flags import flags_section
from evidence.facts.highlights import highlights_section
from evidence.facts.involvement import Involvement, involvement_find
from evidence.facts.outcomes import outcome_groups, reviews_of_ai_prs
from evidence.facts.patterns import patterns_section
from evidence.facts.usage import coding_cost_usd, cost_band, cost_per_merged_ai_pr, team_figures, usage_section
from evidence.models import EvidenceFacts, FactsBuild
from reviews.models import Person, ReviewCycle

EVIDENCE_SCHEMA = "tokenproof.evidence/1"

__all__ = [
    "EVIDENCE_SCHEMA",
    "NO_RANKING_CAVEAT",
    "PersonEvidence",
    "empty_outcome",
    "evidence_facts_get",
    "evidence_facts_stored_get",
    "facts_build_get",
    "person_evidence_get",
    "previous_cycle_get",
]


@dataclass(frozen=True)
class PersonEvidence:
    """The facts JSON with what it was computed from, for the build service to store links beside it."""

    facts: dict[str, Any]
    activity: Activity
    involvement: Involvement


def evidence_facts_get(*, person: Person, cycle: ReviewCycle) -> dict[str, Any]:
    """The facts JSON for one person and cycle: the one source packets, pages, API and exports are built from.

    Computed from the canonical rows on every call with a bounded number of queries (32, however much data
    the person has); the shape is documented in docs/evidence-schema.md and docs/evidence-schema.json.
    """
    return person_evidence_get(person=person, cycle=cycle).facts


def evidence_facts_stored_get(
    *, person: Person, cycle: ReviewCycle, build_id: int | None = None
) -> dict[str, Any] | None:
    """The facts as the last build stored them (with team bands settled across the cycle), or None.

    With `build_id`, only facts that this build stored: a person the build failed on gets None, not older facts.
    """
    stored = EvidenceFacts.objects.filter(person=person, cycle=cycle)
    if build_id is not None:
        stored = stored.filter(build_id=build_id)
    facts = stored.values_list("facts", flat=True).first()
    return dict(facts) if facts is not None else None


def facts_build_get(*, build_id: int) -> FactsBuild:
    """A cycle-wide facts build's row: its status and progress (total, done, failed)."""
    return FactsBuild.objects.get(pk=build_id)


def facts_builds_get(*, build_ids: list[int]) -> dict[int, FactsBuild]:
    """Several facts builds' rows by id, in one query; ids with no row are left out."""
    return FactsBuild.objects.in_bulk(build_ids)


def previous_cycle_get(*, cycle: ReviewCycle) -> ReviewCycle | None:
    return ReviewCycle.objects.filter(end__lt=cycle.start).order_by("-end", "-pk").first()


def person_evidence_get(*, person: Person, cycle: ReviewCycle) -> PersonEvidence:
    window = Window(start=cycle.start, end=cycle.end)
    activity = activity_load(person=person, window=window)
    involvement = involvement_find(activity)
    outcomes = outcome_groups(activity=activity, involvement=involvement)
    previous = previous_cycle_get(cycle=cycle)
    previous_outcomes = None
    if previous is not None:
        previous_activity = activity_load(person=person, window=Window(start=previous.start, end=previous.end))
        previous_outcomes = outcome_groups(activity=previous_activity, involvement=involvement_find(previous_activity))
    usage = usage_section(activity=activity, involvement=involvement)
    team_size, teammates = team_figures(person=person, cycle=cycle)
    own_cost = cost_per_merged_ai_pr(
        cost_usd=coding_cost_usd(activity), merged_ai_prs=outcomes["ai_assisted"]["prs_merged"]
    )
    usage["cost_per_merged_ai_pr"] = cost_band(own_usd=own_cost, team_size=team_size, teammates_usd=teammates)
    usage["cost_per_merged_ai_pr"]["confidence"] = cost_confidence(
        activity=activity, own_usd=own_cost, split_level=outcomes["ai_assisted"]["confidence"]["level"]
    )
    usage["confidence"] = usage_confidence(activity)
    work_sure = work_confidence(activity)
    coverage = coverage_section(
        activity=activity, involvement=involvement, unresolved=unresolved_identities(window=window)
    )
    coverage["confidence"] = coverage_confidence(coverage)
    flags = flags_section(activity=activity)
    flags_confidence(flags=flags, work=work_sure)
    highlights = highlights_section(activity=activity, involvement=involvement)
    highlights_confidence(highlights)
    manager = person.manager
    facts: dict[str, Any] = {
        "schema": EVIDENCE_SCHEMA,
        "person": {
            "email": person.email,
            "name": person.name,
            "team": person.team,
            "manager": {"email": manager.email, "name": manager.name} if manager else None,
        },
        "cycle": {
            "name": cycle.name,
            "start": cycle.start.isoformat(),
            "end": cycle.end.isoformat(),
            "previous": (
                {"name": previous.name, "start": previous.start.isoformat(), "end": previous.end.isoformat()}
                if previous
                else None
            ),
        },
        "usage": usage,
        "work": {
            "commits": len(activity.commits),
            "pull_requests": len(activity.pull_requests),
            "reviews_given": len(activity.reviews_given),
            "repositories": sorted(
                {commit.repository.full_name for commit in activity.commits}
                | {pull_request.repository.full_name for pull_request in activity.pull_requests}
            ),
            "confidence": work_sure,
        },
        "outcomes": {
            **outcomes,
            "previous_cycle": previous_outcomes,
            "reviews_of_ai_prs": reviews_of_ai_prs(activity.reviews_given),
        },
        "patterns": patterns_section(activity=activity),
        "flags": flags,
        "coverage": coverage,
        "highlights": highlights,
    }
    facts["caveats"] = caveats_section(facts=facts)
    return PersonEvidence(facts=facts, activity=activity, involvement=involvement)


def empty_outcome() -> dict[str, Any]:
    """An outcome with no work in it: the shape every OUTCOME in the facts has (docs/evidence-schema.md)."""
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

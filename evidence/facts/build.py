"""One person's evidence facts for one cycle, built from the canonical rows by the section builders beside it."""

from __future__ import annotations

from dataclasses import dataclass

from evidence.facts.activity import Activity, Window, activity_load
from evidence.facts.caveats import caveats_section
from evidence.facts.confidence import (
    cost_confidence,
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
from evidence.facts.schema import EVIDENCE_SCHEMA, CostPerMergedAIPRDict, EvidenceFactsDict, OutcomePairDict
from evidence.facts.usage import coding_cost_usd, cost_band, cost_per_merged_ai_pr, team_figures, usage_section
from evidence.facts.work_items import verdicts_get, work_items_section
from evidence.selectors import previous_cycle_get
from reviews.models import Person, ReviewCycle


@dataclass(frozen=True)
class PersonFacts:
    """The facts JSON with what it was computed from, for the build service to store links beside it."""

    facts: EvidenceFactsDict
    activity: Activity
    involvement: Involvement


def person_facts_build(*, person: Person, cycle: ReviewCycle) -> PersonFacts:
    """The facts for one person and cycle: the one source packets, pages, API and exports are built from.

    Computed from the canonical rows and the employee's corrections on every call, writing nothing, with a bounded
    number of queries (34, however much data the person has); the shape is `EvidenceFactsDict`
    (docs/evidence-schema.md and docs/evidence-schema.json).
    """
    window = Window(start=cycle.start, end=cycle.end)
    activity = activity_load(person=person, window=window)
    involvement = involvement_find(activity)
    verdicts = verdicts_get(person=person, cycle=cycle, activity=activity, involvement=involvement)
    outcomes = outcome_groups(activity=activity, verdicts=verdicts)
    previous = previous_cycle_get(cycle=cycle)
    previous_outcomes: OutcomePairDict | None = None
    if previous is not None:
        previous_activity = activity_load(person=person, window=Window(start=previous.start, end=previous.end))
        previous_verdicts = verdicts_get(
            person=person,
            cycle=previous,
            activity=previous_activity,
            involvement=involvement_find(previous_activity),
        )
        previous_outcomes = outcome_groups(activity=previous_activity, verdicts=previous_verdicts)
    usage = usage_section(
        activity=activity,
        involvement=involvement,
        cost_per_merged_ai_pr=_cost_per_merged_ai_pr(person=person, cycle=cycle, activity=activity, outcomes=outcomes),
        confidence=usage_confidence(activity),
    )
    work_sure = work_confidence(activity)
    manager = person.manager
    facts: EvidenceFactsDict = {
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
        "flags": flags_confidence(flags=flags_section(activity=activity), work=work_sure),
        "coverage": coverage_section(
            activity=activity, involvement=involvement, unresolved=unresolved_identities(window=window)
        ),
        "highlights": highlights_confidence(highlights_section(activity=activity, verdicts=verdicts)),
        "caveats": caveats_section(usage=usage, outcomes=outcomes),
        "work_items": work_items_section(activity=activity, verdicts=verdicts),
    }
    return PersonFacts(facts=facts, activity=activity, involvement=involvement)


def _cost_per_merged_ai_pr(
    *, person: Person, cycle: ReviewCycle, activity: Activity, outcomes: OutcomePairDict
) -> CostPerMergedAIPRDict:
    """The person's own figure, its band against the teammates' stored figures, and its confidence."""
    team_size, teammates = team_figures(person=person, cycle=cycle)
    own_cost = cost_per_merged_ai_pr(
        cost_usd=coding_cost_usd(activity), merged_ai_prs=outcomes["ai_assisted"]["prs_merged"]
    )
    split_level = outcomes["ai_assisted"]["confidence"]["level"]  # built outcomes always carry their confidence
    return {
        **cost_band(own_usd=own_cost, team_size=team_size, teammates_usd=teammates),
        "confidence": cost_confidence(activity=activity, own_usd=own_cost, split_level=split_level),
    }

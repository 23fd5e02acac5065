"""Reads the rest of tokenproof may make of the evidence side: stored facts, facts builds, cycles.

The facts themselves are built in evidence.facts.build; their types are in evidence.facts.schema.
"""

from __future__ import annotations

from evidence.facts.schema import EvidenceFactsDict, stored_facts
from evidence.models import EvidenceFacts, FactsBuild
from reviews.models import Person, ReviewCycle

__all__ = ["evidence_facts_stored_get", "facts_build_get", "previous_cycle_get"]


def evidence_facts_stored_get(
    *, person: Person, cycle: ReviewCycle, build_id: int | None = None
) -> EvidenceFactsDict | None:
    """The facts as the last build stored them (with team bands settled across the cycle), or None.

    With `build_id`, only facts that this build stored: a person the build failed on gets None, not older facts.
    """
    stored = EvidenceFacts.objects.filter(person=person, cycle=cycle)
    if build_id is not None:
        stored = stored.filter(build_id=build_id)
    facts = stored.values_list("facts", flat=True).first()
    return stored_facts(facts) if facts is not None else None


def facts_build_get(*, build_id: int) -> FactsBuild:
    """A cycle-wide facts build's row: its status and progress (total, done, failed)."""
    return FactsBuild.objects.get(pk=build_id)


def previous_cycle_get(*, cycle: ReviewCycle) -> ReviewCycle | None:
    """The latest cycle that ended before this one started, or None."""
    return ReviewCycle.objects.filter(end__lt=cycle.start).order_by("-end", "-pk").first()

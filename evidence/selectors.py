"""Reads the rest of tokenproof may make of the evidence side: stored facts, facts builds, cycles, repositories,
the attribution rules, usage imports.

The facts themselves are built in evidence.facts.build; their types are in evidence.facts.schema.
"""

from __future__ import annotations

from django.db.models import QuerySet

from evidence.facts.schema import EvidenceFactsDict, stored_facts
from evidence.importers import IMPORTERS
from evidence.models import AttributionRule, EvidenceFacts, FactsBuild, ImportBatch, Repository
from reviews.models import Person, ReviewCycle

__all__ = [
    "attribution_rule_list",
    "evidence_facts_stored_get",
    "facts_build_get",
    "github_repository_get",
    "import_batch_get",
    "previous_cycle_get",
    "repository_list",
    "usage_source_names",
]


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


def facts_builds_get(*, build_ids: list[int]) -> dict[int, FactsBuild]:
    """Several facts builds' rows by id, in one query; ids with no row are left out."""
    return FactsBuild.objects.in_bulk(build_ids)


def previous_cycle_get(*, cycle: ReviewCycle) -> ReviewCycle | None:
    """The latest cycle that ended before this one started, or None."""
    return ReviewCycle.objects.filter(end__lt=cycle.start).order_by("-end", "-pk").first()


def repository_list() -> QuerySet[Repository]:
    """Every repository, GitHub and local git, by full name."""
    return Repository.objects.order_by("full_name")


def github_repository_get(*, repository_id: int) -> Repository | None:
    """A repository synced from GitHub, or None (also for a local git repository of that id)."""
    return Repository.objects.filter(pk=repository_id, host=Repository.Host.GITHUB).first()


def attribution_rule_list() -> QuerySet[AttributionRule]:
    """The attribution ladder's rules, in the order they were added."""
    return AttributionRule.objects.order_by("pk")


def import_batch_get(*, batch_id: int) -> ImportBatch | None:
    return ImportBatch.objects.filter(pk=batch_id).first()


def usage_source_names() -> list[str]:
    """The sources a usage import accepts (`import_usage --source`, the API's `source`), sorted."""
    return sorted(IMPORTERS)

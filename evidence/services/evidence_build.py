"""Building and storing evidence facts: one person, or a whole cycle in chunks with progress in rows.

The cycle-wide build's canvas (a chord of chunk tasks) is assembled in evidence.tasks.facts; this module only
creates, builds and closes the rows. Everything here is rerun-safe. A cycle build first measures durability at the
cycle's end (incremental: commits measured there before are skipped); a person's snapshot is one row per person and
cycle, replaced on rebuild; a chunk delivered twice rebuilds the same rows; finalize counts from the rows and
settles team bands once all are built.
"""

from __future__ import annotations

import logging
from collections import defaultdict

from django.db import transaction
from django.db.models import Count, F
from django.utils import timezone

from evidence.facts.build import person_facts_build
from evidence.facts.schema import stored_facts
from evidence.facts.usage import cost_band, cost_band_settled
from evidence.models import EvidenceFacts, FactsBuild
from evidence.services.activity.durability import CycleDurability, cycle_durability_measure
from evidence.services.linking import work_links_store
from reviews.errors import ApplicationError
from reviews.models import Person, ReviewCycle

logger = logging.getLogger("tokenproof.evidence")
DEFAULT_CHUNK_SIZE = 100


def evidence_build(
    *, person: Person, cycle: ReviewCycle, build: FactsBuild | None = None, measure_durability: bool = False
) -> EvidenceFacts:
    """Link the person's usage to their work, compute the facts and store both. Idempotent.

    measure_durability: first measure the cycle's commits at its end, as a cycle build does (for a build of one
    person alone; a cycle build measures once, before its chunks).
    """
    if measure_durability:
        cycle_durability_measure(cycle=cycle)
    evidence = person_facts_build(person=person, cycle=cycle)
    with transaction.atomic():
        work_links_store(person=person, activity=evidence.activity, involvement=evidence.involvement)
        stored, _created = EvidenceFacts.objects.update_or_create(
            person=person,
            cycle=cycle,
            defaults={
                "facts": evidence.facts,
                "team": person.team,
                "build": build,
                "cost_per_merged_ai_pr_usd": evidence.facts["usage"]["cost_per_merged_ai_pr"]["usd"],
                "built_at": timezone.now(),
            },
        )
    return stored


def facts_build_create(
    *, cycle: ReviewCycle, chunk_size: int = DEFAULT_CHUNK_SIZE, person_ids: list[int] | None = None
) -> FactsBuild:
    """The build row, counting the cycle's population (or only `person_ids`: a run for some people); the caller
    sends its chunks after commit, for the same people.

    Raises ApplicationError when chunk_size is below 1 or nobody is employed during the cycle.
    """
    if chunk_size < 1:
        raise ApplicationError(f"Chunk size must be at least 1, not {chunk_size}.")
    people = population_ids(cycle=cycle) if person_ids is None else person_ids
    if not people:
        raise ApplicationError(f"Cycle {cycle.name!r} has nobody in it: import people first.")
    return FactsBuild.objects.create(cycle=cycle, total=len(people), chunk_size=chunk_size)


def facts_build_durability_measure(*, build_id: int) -> CycleDurability | None:
    """A cycle build's first step: durability of the cycle's commits at its end, in every repository with a local
    clone. Never raises: a failure is logged and the facts still build, with survival as last measured (or none)."""
    build = FactsBuild.objects.select_related("cycle").get(pk=build_id)
    if build.status in FactsBuild.TERMINAL:
        return None
    try:
        return cycle_durability_measure(cycle=build.cycle)
    except Exception:  # a durability failure must not stop the cycle's facts: logged, the chunks still run
        logger.exception("evidence build %s: durability not measured", build_id)
        return None


def population_ids(*, cycle: ReviewCycle) -> list[int]:
    """Everyone employed for at least one day of the cycle, in id order (never by any usage figure)."""
    return list(
        Person.objects.employed_during(start=cycle.start, end=cycle.end).order_by("pk").values_list("pk", flat=True)
    )


def facts_build_chunks(*, build_id: int, person_ids: list[int] | None = None) -> list[list[int]]:
    """The build's people (the cycle's population, or `person_ids`) as lists of person ids, each at most the
    build's chunk size, in the order given (id order for the population)."""
    build = FactsBuild.objects.select_related("cycle").get(pk=build_id)
    people = population_ids(cycle=build.cycle) if person_ids is None else person_ids
    return [people[index : index + build.chunk_size] for index in range(0, len(people), build.chunk_size)]


def facts_build_chunk(*, build_id: int, person_ids: list[int]) -> int:
    """Build one chunk. A person's failure is logged and counted, never raised, so finalize always runs."""
    build = FactsBuild.objects.select_related("cycle").get(pk=build_id)
    if build.status in FactsBuild.TERMINAL:
        return 0
    FactsBuild.objects.filter(pk=build_id, status=FactsBuild.Status.QUEUED).update(status=FactsBuild.Status.RUNNING)
    already = set(
        EvidenceFacts.objects.filter(build=build, person_id__in=person_ids).values_list("person_id", flat=True)
    )
    built = 0
    for person in Person.objects.filter(pk__in=person_ids).exclude(pk__in=already).select_related("manager"):
        try:
            evidence_build(person=person, cycle=build.cycle, build=build)
        except Exception:  # one person's bad data must not stop the cycle: counted as failed, finalize decides
            logger.exception("evidence build %s: person %s failed", build_id, person.pk)
            FactsBuild.objects.filter(pk=build_id).update(failed=F("failed") + 1)
            continue
        FactsBuild.objects.filter(pk=build_id).update(done=F("done") + 1)
        built += 1
    return built


def facts_build_finalize(*, build_id: int) -> FactsBuild:
    """Count from the rows, settle every team's cost band now that all figures are in, and close the build."""
    with transaction.atomic():
        build = FactsBuild.objects.select_for_update().get(pk=build_id)
        if build.status in FactsBuild.TERMINAL:
            return build
        team_bands_settle(cycle=build.cycle)
        build.done = EvidenceFacts.objects.filter(build=build).count()
        build.failed = build.total - build.done
        build.status = FactsBuild.Status.DONE if not build.failed else FactsBuild.Status.PARTIAL
        build.finished_at = timezone.now()
        build.save(update_fields=["done", "failed", "status", "finished_at"])
    return build


def team_bands_settle(*, cycle: ReviewCycle) -> int:
    """Recompute each stored person's cost band against the whole team's stored figures; returns rows changed.

    A person built early in a cycle build saw only the teammates built before them; this pass gives everyone the
    same team median. It reads figures per team, never ordered, and writes only the band.
    """
    snapshots = list(EvidenceFacts.objects.filter(cycle=cycle, cost_per_merged_ai_pr_usd__isnull=False))
    by_team: dict[str, list[EvidenceFacts]] = defaultdict(list)
    for snapshot in snapshots:
        by_team[snapshot.team].append(snapshot)
    sizes = dict(
        Person.objects.filter(team__in=list(by_team))
        .values("team")
        .annotate(size=Count("pk"))
        .values_list("team", "size")
    )
    changed: list[EvidenceFacts] = []
    for team, members in by_team.items():
        for snapshot in members:
            teammates = [other.cost_per_merged_ai_pr_usd for other in members if other.pk != snapshot.pk]
            band = cost_band(
                own_usd=snapshot.cost_per_merged_ai_pr_usd,
                team_size=sizes.get(team, 0) if team else 0,
                teammates_usd=[figure for figure in teammates if figure is not None],
            )
            settled = cost_band_settled(facts=stored_facts(snapshot.facts), band=band)
            if snapshot.facts != settled:
                snapshot.facts = settled
                changed.append(snapshot)
    EvidenceFacts.objects.bulk_update(changed, ["facts"], batch_size=500)
    return len(changed)

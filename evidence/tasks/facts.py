"""Celery tasks for evidence facts: thin, ids only, stable names. The work is in evidence.services.evidence_build."""

from __future__ import annotations

from typing import Any

from celery import chord, group, shared_task
from celery.canvas import Signature

from evidence.models import FactsBuild


@shared_task(name="evidence.build_facts", acks_late=True)
def build_facts(person_id: int, cycle_id: int) -> int:
    from evidence.services.evidence_build import evidence_build
    from reviews.models import Person, ReviewCycle

    person = Person.objects.select_related("manager").get(pk=person_id)
    return evidence_build(person=person, cycle=ReviewCycle.objects.get(pk=cycle_id)).pk


@shared_task(name="evidence.build_facts_chunk", acks_late=True)
def build_facts_chunk(build_id: int, person_ids: list[int]) -> int:
    from evidence.services.evidence_build import facts_build_chunk

    return facts_build_chunk(build_id=build_id, person_ids=person_ids)


@shared_task(name="evidence.finalize_facts", acks_late=True)
def finalize_facts(build_id: int) -> str:
    from evidence.services.evidence_build import facts_build_finalize

    return str(facts_build_finalize(build_id=build_id).status)


def fan_out_rollback_unsafe(
    *, build_id: int, then: Signature[Any] | None = None, person_ids: list[int] | None = None
) -> None:
    """Send one task per chunk of the cycle's population (or of `person_ids`), then finalize (or `then`), which
    reads the rows. Call only after the row is committed."""
    from evidence.services.evidence_build import population_ids

    build = FactsBuild.objects.select_related("cycle").get(pk=build_id)
    people = population_ids(cycle=build.cycle) if person_ids is None else person_ids
    chunks = [people[index : index + build.chunk_size] for index in range(0, len(people), build.chunk_size)]
    chord(group(build_facts_chunk.si(build_id, chunk) for chunk in chunks))(then or finalize_facts.si(build_id))

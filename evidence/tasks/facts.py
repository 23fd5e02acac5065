"""Celery tasks for evidence facts (thin, ids only, stable names) and the cycle-wide build's canvas.

The work is in evidence.services.evidence_build. `facts_build_header` is the facts phase as a signature, never
sent here for a packet run: the standalone build (`facts_build_start`, the `evidence --cycle` command) closes it
with finalize_facts; the packet run (reviews.tasks) closes it with its own render step.
"""

from __future__ import annotations

from functools import partial
from typing import Any

from celery import chain, chord, group, shared_task
from celery.canvas import Signature
from django.db import transaction

from evidence.models import FactsBuild
from evidence.services.evidence_build import (
    DEFAULT_CHUNK_SIZE,
    evidence_build,
    facts_build_chunk,
    facts_build_chunks,
    facts_build_create,
    facts_build_durability_measure,
    facts_build_finalize,
)
from reviews.models import Person, ReviewCycle


@shared_task(name="evidence.build_facts", acks_late=True)
def build_facts(person_id: int, cycle_id: int) -> int:
    person = Person.objects.select_related("manager").get(pk=person_id)
    return evidence_build(person=person, cycle=ReviewCycle.objects.get(pk=cycle_id)).pk


@shared_task(name="evidence.measure_cycle_durability", acks_late=True)
def measure_cycle_durability(build_id: int) -> None:
    facts_build_durability_measure(build_id=build_id)


@shared_task(name="evidence.build_facts_chunk", acks_late=True)
def build_facts_chunk(build_id: int, person_ids: list[int]) -> int:
    return facts_build_chunk(build_id=build_id, person_ids=person_ids)


@shared_task(name="evidence.finalize_facts", acks_late=True)
def finalize_facts(build_id: int) -> str:
    return str(facts_build_finalize(build_id=build_id).status)


def facts_build_header(*, build_id: int, person_ids: list[int] | None = None) -> group:
    """The facts phase of a build: a group of one build_facts_chunk per chunk of people (the cycle's population,
    or `person_ids`, the people facts_build_create counted), not sent.

    The caller makes it a chord's header. The chord's body must call facts_build_finalize first: that counts the
    rows and settles the team bands. Each chunk records its people's failures and returns, so the body always runs.
    """
    chunks = facts_build_chunks(build_id=build_id, person_ids=person_ids)
    return group(build_facts_chunk.si(build_id, chunk) for chunk in chunks)


def facts_build_start(*, cycle: ReviewCycle, chunk_size: int = DEFAULT_CHUNK_SIZE) -> FactsBuild:
    """Create the build row; after commit, send its chunks with finalize_facts as the chord's body.

    Raises ApplicationError when chunk_size is below 1 or nobody is employed during the cycle.
    """
    with transaction.atomic():
        build = facts_build_create(cycle=cycle, chunk_size=chunk_size)
        transaction.on_commit(partial(_facts_build_send, build_id=build.pk))
    return build


def facts_build_send(*, build_id: int, then: Signature[Any], person_ids: list[int] | None = None) -> None:
    """Send a build: durability at the cycle's end first, then the facts phase as a chord closed by `then`, which
    must call facts_build_finalize first. `person_ids`: only those people (the ones facts_build_create counted),
    else the cycle's population. Call only after the build's row is committed."""
    header = facts_build_header(build_id=build_id, person_ids=person_ids)
    chain(measure_cycle_durability.si(build_id), chord(header, then))()


def _facts_build_send(*, build_id: int) -> None:
    facts_build_send(build_id=build_id, then=finalize_facts.si(build_id))

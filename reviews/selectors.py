"""Reads for the people side: populations, run phases, packet contexts (who may see what: reviews.permissions)."""

from __future__ import annotations

import hashlib
import io
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from evidence.facts.schema import stored_facts
from evidence.selectors import facts_builds_get
from reviews.models import (
    Annotation,
    CalibrationPrint,
    Correction,
    EvidenceRun,
    Packet,
    PacketRelease,
    Person,
    ReviewCycle,
)
from reviews.printing.context import PacketContext, packet_context_build
from reviews.printing.pdf import FACTS_ATTACHMENT_NAME


def cycle_population(*, cycle: ReviewCycle) -> QuerySet[Person]:
    """Everyone employed for at least one day of the cycle, by name (never by any usage figure)."""
    return Person.objects.employed_during(start=cycle.start, end=cycle.end).order_by("name", "email")


@dataclass(frozen=True)
class RunPhase:
    """Where a packet run stands: building everyone's facts first, then rendering packets, then finished."""

    name: str  # "facts", "packets" or "finished"
    done: int
    failed: int
    total: int

    @property
    def percent(self) -> int:
        return round(100 * (self.done + self.failed) / self.total) if self.total else 100


def run_phases_get(*, runs: list[EvidenceRun]) -> dict[int, RunPhase]:
    """Each run's phase, in one query for the facts builds, so a page of runs costs the same however many."""
    builds = facts_builds_get(build_ids=[run.facts_build_id for run in runs if run.facts_build_id is not None])
    phases = {}
    for run in runs:
        build = builds.get(run.facts_build_id) if run.facts_build_id is not None else None
        if run.status in EvidenceRun.TERMINAL:
            phases[run.pk] = RunPhase("finished", run.done, run.failed, run.total)
        elif build is not None and build.status not in build.TERMINAL:
            phases[run.pk] = RunPhase("facts", build.done, build.failed, build.total)
        else:
            phases[run.pk] = RunPhase("packets", run.done, run.failed, run.total)
    return phases


def packet_context_get(*, packet: Packet) -> PacketContext:
    """The context a stored packet version was printed from: its facts and its annotations snapshot."""
    generated = packet.generated_at or timezone.now()
    return packet_context_build(
        facts=stored_facts(packet.facts),
        annotations=packet.annotations,
        version=packet.version,
        generated_on=timezone.localdate(generated),
    )


def annotations_snapshot(*, person: Person, cycle: ReviewCycle) -> list[dict[str, Any]]:
    """The employee's current annotations and corrections for a cycle, as a packet version stores them (two
    queries). The packet prints corrections from its facts, where they sit beside the machine's verdicts."""
    corrections = [
        {
            "kind": "correction",
            "item_key": correction.item_key,
            "text": correction.reason,
            "ai_assisted": correction.ai_assisted,
            "tool": correction.tool,
        }
        for correction in Correction.objects.filter(person=person, cycle=cycle).order_by("item_key")
    ]
    return corrections + [
        {
            "kind": note.kind,
            "item_key": note.item_key,
            "text": note.text,
            "highlighted": note.highlighted,
            **(
                {"what_ai_did": note.what_ai_did, "outcome": note.outcome, "position": note.position}
                if note.kind == Annotation.Kind.HIGHLIGHT
                else {}
            ),
        }
        for note in Annotation.objects.filter(person=person, cycle=cycle).order_by("kind", "position", "item_key")
    ]


@dataclass(frozen=True)
class PacketVerification:
    """What verify_packet reports: whether a file is a stored packet version, byte for byte."""

    sha256: str
    packet: Packet | None
    embedded_facts: dict[str, Any] | None
    calibration_print: CalibrationPrint | None = None

    @property
    def verified(self) -> bool:
        return self.packet is not None or self.calibration_print is not None


def packet_verification_get(*, pdf: bytes) -> PacketVerification:
    """Whether the bytes are a stored packet version or a calibration sheet tokenproof printed, by SHA-256."""
    digest = hashlib.sha256(pdf).hexdigest()
    packet = Packet.objects.filter(sha256=digest, status=Packet.Status.DONE).select_related("person", "cycle").first()
    sheet = (
        None if packet is not None else CalibrationPrint.objects.select_related("cycle").filter(sha256=digest).first()
    )
    return PacketVerification(
        sha256=digest, packet=packet, embedded_facts=embedded_facts_read(pdf=pdf), calibration_print=sheet
    )


def embedded_facts_read(*, pdf: bytes) -> dict[str, Any] | None:
    """The facts JSON attached to a PDF, or None when there is none or the file is not a readable PDF."""
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        attachments = PdfReader(io.BytesIO(pdf)).attachments
        contents = attachments.get(FACTS_ATTACHMENT_NAME) or []
        facts = json.loads(contents[0]) if contents else None
    except (PdfReadError, ValueError, KeyError, TypeError, OSError):
        return None
    return facts if isinstance(facts, dict) else None


# Releases: which version a person's manager chain sees (reviews.permissions decides with these).


def release_date_passed(cycle: ReviewCycle) -> bool:
    """After the cycle's release date managers see every report's latest version, released or not."""
    return cycle.release_date is not None and cycle.release_date <= timezone.localdate()


def current_release_get(*, person: Person, cycle: ReviewCycle) -> PacketRelease | None:
    """The release in force: the newest not withdrawn. Older ones stay as history, superseded."""
    return (
        PacketRelease.objects.filter(person=person, cycle=cycle, withdrawn_at__isnull=True)
        .select_related("packet")
        .order_by("-released_at", "-pk")
        .first()
    )


def released_packet_ids(*, packets: Sequence[Packet]) -> set[int]:
    """Which of these versions were released and not withdrawn (one query)."""
    return set(
        PacketRelease.objects.filter(packet__in=packets, withdrawn_at__isnull=True).values_list("packet_id", flat=True)
    )


def packet_released(packet: Packet) -> bool:
    """Whether this version was released and not withdrawn (the one in force, or one it superseded)."""
    return PacketRelease.objects.filter(packet=packet, withdrawn_at__isnull=True).exists()


def released_versions_get(*, person_ids: frozenset[int]) -> dict[tuple[int, int], int]:
    """The packet id of each release in force (the newest not withdrawn), by (cycle id, person id); one query."""
    releases = (
        PacketRelease.objects.filter(person_id__in=person_ids, withdrawn_at__isnull=True)
        .order_by("released_at", "pk")
        .values_list("cycle_id", "person_id", "packet_id")
    )
    return {(cycle_id, person_id): packet_id for cycle_id, person_id, packet_id in releases}

"""Reads for the people side: populations, packet contexts, what a user may see."""

from __future__ import annotations

import hashlib
import io
import json
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from evidence.facts.schema import stored_facts
from evidence.models import FactsBuild
from reviews.models import Annotation, EvidenceRun, Packet, Person, ReviewCycle
from reviews.printing.context import PacketContext, packet_context_build
from reviews.printing.pdf import FACTS_ATTACHMENT_NAME


def cycle_population(*, cycle: ReviewCycle) -> QuerySet[Person]:
    """Everyone employed for at least one day of the cycle, by name (never by any usage figure)."""
    employed = (Q(employed_from__isnull=True) | Q(employed_from__lte=cycle.end)) & (
        Q(employed_to__isnull=True) | Q(employed_to__gte=cycle.start)
    )
    return Person.objects.filter(employed).order_by("name", "email")


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
    builds = FactsBuild.objects.in_bulk([run.facts_build_id for run in runs if run.facts_build_id is not None])
    phases = {}
    for run in runs:
        build = builds.get(run.facts_build_id) if run.facts_build_id is not None else None
        if run.status in EvidenceRun.TERMINAL:
            phases[run.pk] = RunPhase("finished", run.done, run.failed, run.total)
        elif build is not None and build.status not in FactsBuild.TERMINAL:
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
    """The employee's current annotations for a cycle, as a packet version stores and prints them."""
    return [
        {"kind": note.kind, "item_key": note.item_key, "text": note.text, "highlighted": note.highlighted}
        for note in Annotation.objects.filter(person=person, cycle=cycle).order_by("kind", "item_key")
    ]


@dataclass(frozen=True)
class PacketVerification:
    """What verify_packet reports: whether a file is a stored packet version, byte for byte."""

    sha256: str
    packet: Packet | None
    embedded_facts: dict[str, Any] | None

    @property
    def verified(self) -> bool:
        return self.packet is not None


def packet_verification_get(*, pdf: bytes) -> PacketVerification:
    digest = hashlib.sha256(pdf).hexdigest()
    packet = Packet.objects.filter(sha256=digest, status=Packet.Status.DONE).select_related("person", "cycle").first()
    return PacketVerification(sha256=digest, packet=packet, embedded_facts=embedded_facts_read(pdf=pdf))


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


def person_for_user(*, user: Any) -> Person | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return Person.objects.filter(user=user).select_related("manager").first()


def is_hr(*, user: Any) -> bool:
    if getattr(user, "is_superuser", False):
        return True
    person = person_for_user(user=user)
    return person is not None and person.role in {Person.Role.HR, Person.Role.ADMIN}


def reports_of(*, manager: Person) -> set[int]:
    """Ids of everyone below this person in the org chart, direct and indirect."""
    below: set[int] = set()
    frontier = {manager.pk}
    while frontier:
        frontier = set(Person.objects.filter(manager_id__in=frontier).values_list("pk", flat=True)) - below
        below |= frontier
    return below


@dataclass(frozen=True)
class Viewer:
    """Who is looking, resolved once per request: their person, whether HR, and everyone below them."""

    person_id: int | None
    hr: bool
    reports: frozenset[int]

    def may_see(self, packet: Packet) -> bool:
        """Employees first; managers after release or the cycle's release date; HR and admins always."""
        if self.hr or packet.person_id == self.person_id:
            return True
        if packet.person_id not in self.reports:
            return False
        release_date = packet.cycle.release_date
        return packet.released_at is not None or (release_date is not None and release_date <= timezone.localdate())


def viewer_get(*, user: Any) -> Viewer:
    person = person_for_user(user=user)
    return Viewer(
        person_id=person.pk if person else None,
        hr=is_hr(user=user),
        reports=frozenset(reports_of(manager=person)) if person else frozenset(),
    )


def packets_visible_to(*, user: Any) -> list[Packet]:
    """The latest finished version of every packet this user may open, newest cycle first, then by name."""
    viewer = viewer_get(user=user)
    candidates = (
        Packet.objects.filter(status=Packet.Status.DONE)
        .select_related("person", "cycle")
        .order_by("cycle_id", "person_id", "-version")
    )
    if not viewer.hr:
        own = {viewer.person_id} if viewer.person_id else set()
        candidates = candidates.filter(person_id__in=own | viewer.reports)
    latest: dict[tuple[int, int], Packet] = {}
    for packet in candidates:
        latest.setdefault((packet.cycle_id, packet.person_id), packet)
    visible = [packet for packet in latest.values() if viewer.may_see(packet)]
    return sorted(visible, key=lambda packet: (-packet.cycle.start.toordinal(), packet.person.name))

"""Reads for the people side: populations, packet contexts, what a user may see."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from reviews.models import EvidenceRun, Packet, Person, ReviewCycle


def cycle_population(*, cycle: ReviewCycle) -> QuerySet[Person]:
    """Everyone employed for at least one day of the cycle, by name (never by any usage figure)."""
    employed = (Q(employed_from__isnull=True) | Q(employed_from__lte=cycle.end)) & (
        Q(employed_to__isnull=True) | Q(employed_to__gte=cycle.start)
    )
    return Person.objects.filter(employed).order_by("name", "email")


@dataclass(frozen=True)
class PacketContext:
    """Everything the packet template prints, built from the facts JSON alone."""

    person_name: str
    person_email: str
    team: str
    manager_name: str
    cycle_name: str
    cycle_start: date
    cycle_end: date
    version: int
    generated_on: date
    facts: dict[str, Any]


def packet_context_get(*, facts: dict[str, Any], version: int, generated_on: date) -> PacketContext:
    person = facts["person"]
    cycle = facts["cycle"]
    manager = person.get("manager") or {}
    return PacketContext(
        person_name=person["name"],
        person_email=person["email"],
        team=person.get("team") or "—",
        manager_name=manager.get("name") or "—",
        cycle_name=cycle["name"],
        cycle_start=date.fromisoformat(cycle["start"]),
        cycle_end=date.fromisoformat(cycle["end"]),
        version=version,
        generated_on=generated_on,
        facts=facts,
    )


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


def packet_visible_to(*, user: Any, packet: Packet) -> bool:
    return viewer_get(user=user).may_see(packet)


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


def runs_for_cycle(*, cycle: ReviewCycle) -> QuerySet[EvidenceRun]:
    return EvidenceRun.objects.filter(cycle=cycle).order_by("-created_at")

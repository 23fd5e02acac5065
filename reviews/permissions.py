"""The one access gate: who is looking, what they may open, and the audit event of every packet they open.

Pages and the API reach a packet only through `packet_access` (fetch, check, audit in one call) and list packets
only through `packets_visible_get`; API views name `IsHROrAdmin` for HR's work. tests/reviews/test_permissions.py
walks the URL conf and fails on any packet route that skips the gate.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any
from weakref import WeakKeyDictionary

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from django.utils import timezone
from rest_framework.permissions import SAFE_METHODS, BasePermission
from rest_framework.request import Request
from rest_framework.views import APIView

from reviews.models import Packet, Person
from reviews.services.audit import audit_record
from reviews.views.requests import client_ip


class PacketAction(StrEnum):
    """What a viewer does with a packet, named as the audit log records it."""

    VIEW = "packet.view"
    DOWNLOAD = "packet.download"
    RELEASE = "packet.release"


@dataclass(frozen=True)
class Viewer:
    """Who is looking, resolved once per request: their person, whether HR, and everyone below them."""

    person: Person | None
    hr: bool
    reports: frozenset[int]

    @property
    def person_id(self) -> int | None:
        return self.person.pk if self.person is not None else None

    def may_see(self, packet: Packet) -> bool:
        """Employees first; managers after release or the cycle's release date; HR and admins always."""
        if self.hr or packet.person_id == self.person_id:
            return True
        if packet.person_id not in self.reports:
            return False
        release_date = packet.cycle.release_date
        return packet.released_at is not None or (release_date is not None and release_date <= timezone.localdate())

    def may(self, action: PacketAction, packet: Packet) -> bool:
        """A release belongs to the employee alone; viewing and downloading follow `may_see`."""
        if action is PacketAction.RELEASE:
            return self.person_id is not None and packet.person_id == self.person_id
        return self.may_see(packet)


def reports_of(*, manager: Person) -> set[int]:
    """Ids of everyone below this person in the org chart, direct and indirect (one query per level)."""
    below: set[int] = set()
    frontier = {manager.pk}
    while frontier:
        frontier = set(Person.objects.filter(manager_id__in=frontier).values_list("pk", flat=True)) - below
        below |= frontier
    return below


def viewer_get(*, user: Any) -> Viewer:
    """The Viewer of a user (anonymous users see nothing); superusers count as HR whether or not they are a person."""
    authenticated = getattr(user, "is_authenticated", False)
    person = Person.objects.filter(user=user).select_related("manager").first() if authenticated else None
    return Viewer(
        person=person,
        hr=bool(getattr(user, "is_superuser", False)) or (person is not None and person.is_hr_or_admin),
        reports=frozenset(reports_of(manager=person)) if person is not None else frozenset(),
    )


# One Viewer per request, however many checks ask for it (DRF's permission class, then the view's gate call).
_viewers: WeakKeyDictionary[HttpRequest, Viewer] = WeakKeyDictionary()


def request_viewer(request: HttpRequest | Request) -> Viewer:
    """The Viewer of a page's or an API call's request, built on its first use."""
    http_request = request._request if isinstance(request, Request) else request
    viewer = _viewers.get(http_request)
    if viewer is None:
        viewer = _viewers[http_request] = viewer_get(user=request.user)
    return viewer


def signed_in_user(request: HttpRequest | Request) -> User:
    """The request's user, for a view that a login or permission check has already let through.

    Raises PermissionDenied for an anonymous request, which such a view never receives.
    """
    if not isinstance(request.user, User):
        raise PermissionDenied("Sign in first.")
    return request.user


def packet_access(*, request: HttpRequest | Request, packet_id: int, action: PacketAction) -> Packet:
    """The finished packet version `packet_id`, when the request's viewer may do `action` with it; audited.

    Writes one AuditEvent (the action, the packet, the user and their address) for every allowed call, before the
    caller serves anything. Raises Http404 when the packet does not exist, is not finished, or is not the viewer's
    to act on: not 403, since whether a packet exists is itself not for them to learn.
    """
    packet = Packet.objects.select_related("person", "cycle").filter(pk=packet_id, status=Packet.Status.DONE).first()
    if packet is None or not request_viewer(request).may(action, packet):
        raise Http404("No packet here.")
    audit_record(actor=request.user, action=action, target=packet, ip_address=client_ip(request))
    return packet


def packets_visible_get(*, viewer: Viewer) -> list[Packet]:
    """The latest finished version of every packet the viewer may open, newest cycle first, then by name.

    Never ordered by a usage, cost or outcome figure. A list names packets and opens none, so it is not audited.
    """
    candidates = (
        Packet.objects.filter(status=Packet.Status.DONE)
        .select_related("person", "cycle")
        .order_by("cycle_id", "person_id", "-version")
    )
    if not viewer.hr:
        own = {viewer.person_id} if viewer.person_id is not None else set()
        candidates = candidates.filter(person_id__in=own | viewer.reports)
    latest: dict[tuple[int, int], Packet] = {}
    for packet in candidates:
        latest.setdefault((packet.cycle_id, packet.person_id), packet)
    visible = [packet for packet in latest.values() if viewer.may_see(packet)]
    return sorted(visible, key=lambda packet: (-packet.cycle.start.toordinal(), packet.person.name))


class IsHROrAdmin(BasePermission):
    """HR / people-ops, admins and superusers: cycles, runs, exports, usage imports, repositories."""

    message = "Only HR and admins may do this."

    def has_permission(self, request: Request, view: APIView) -> bool:
        return request_viewer(request).hr


class IsHROrAdminToWrite(IsHROrAdmin):
    """Anyone signed in reads (GET, HEAD, OPTIONS); only HR and admins write. List it after IsAuthenticated."""

    def has_permission(self, request: Request, view: APIView) -> bool:
        return request.method in SAFE_METHODS or super().has_permission(request, view)

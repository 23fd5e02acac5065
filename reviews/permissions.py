"""The one access gate: who is looking, what they may open, and the audit event of every packet they open.

Pages and the API reach a packet only through `packet_access` (fetch, check, audit in one call), list packets
only through `packets_visible_get`, and reach a self-review workspace only through `self_review_access`; a
manager's team and calibration sheets through `team_access` and `calibration_sheet_access`, calibration notes
through `calibration_note_access`; API views name `IsHROrAdmin` for HR's work. tests/reviews/test_permissions.py
walks the URL conf and fails on any packet route that skips the gate.

Which version a manager sees: the version the employee released (a release belongs to the person and cycle, so a
newer version stays a draft until they release again), or any version once the cycle's release date has passed.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass, replace
from enum import StrEnum
from functools import wraps
from typing import Any, Concatenate, ParamSpec
from weakref import WeakKeyDictionary

from django.contrib.auth.models import User
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from django.http.response import HttpResponseBase
from django.utils import timezone
from rest_framework.permissions import SAFE_METHODS, BasePermission
from rest_framework.request import Request
from rest_framework.views import APIView

from reviews.models import CalibrationGroup, Packet, PacketRelease, Person, ReviewCycle
from reviews.requests import client_ip
from reviews.selectors import packet_released, release_date_passed, released_packet_ids, released_versions_get
from reviews.services.audit import PacketAction, audit_record


class CalibrationAction(StrEnum):
    """What a viewer does with a team page or a calibration sheet, named as the audit log records it."""

    TEAM_VIEW = "team.view"
    SHEET_VIEW = "calibration.sheet.view"
    SHEET_DOWNLOAD = "calibration.sheet.download"


@dataclass(frozen=True)
class Viewer:
    """Who is looking, resolved once per request: their person, whether HR, and everyone below them."""

    person: Person | None
    hr: bool
    reports: frozenset[int]

    @property
    def person_id(self) -> int | None:
        return self.person.pk if self.person is not None else None

    def may_see(self, packet: Packet, released: Collection[int] | None = None) -> bool:
        """Employees first; managers the released version, or any after the cycle's release date; HR always.

        `released`: the ids of released versions, when the caller read them for many packets at once (one query
        for them all); else this packet's release is read here.
        """
        if self.hr or packet.person_id == self.person_id:
            return True
        if packet.person_id not in self.reports:
            return False
        if release_date_passed(packet.cycle):
            return True
        return packet.pk in released if released is not None else packet_released(packet)

    def role_for(self, person_id: int) -> str:
        """How the audit log names this viewer's relation to a person's packet."""
        if person_id == self.person_id:
            return "employee"
        if person_id in self.reports:
            return "manager"
        if self.person is not None and self.person.role == Person.Role.ADMIN:
            return "admin"
        return "hr" if self.hr else "other"

    def may_read_notes(self, person_id: int) -> bool:
        """Calibration notes: the person's manager chain and HR, never the person or their peers."""
        return self.hr or person_id in self.reports


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

    Writes one AuditEvent (the action, the packet, the viewer's role, the user and their address) for every allowed
    call, before the caller serves anything; a manager's first opening of a released version is recorded on the
    release, which can no longer be withdrawn. Raises Http404 when the packet does not exist, is not finished, or
    is not the viewer's to see: not 403, since whether a packet exists is itself not for them to learn.
    """
    viewer = request_viewer(request)
    packet = Packet.objects.select_related("person", "cycle").filter(pk=packet_id, status=Packet.Status.DONE).first()
    if packet is None or not viewer.may_see(packet):
        raise Http404("No packet here.")
    role = viewer.role_for(packet.person_id)
    audit_record(actor=request.user, action=action, target=packet, ip_address=client_ip(request), detail={"role": role})
    if role == "manager":
        PacketRelease.objects.filter(packet=packet, withdrawn_at__isnull=True, first_opened_at__isnull=True).update(
            first_opened_at=timezone.now()
        )
    return packet


def packet_owned_get(*, request: HttpRequest | Request, packet_id: int) -> Packet:
    """The viewer's own finished packet version, for an action on it (a release) whose service writes the audit
    event. Raises Http404 for anyone else's, as `packet_access` does."""
    packet = Packet.objects.select_related("person", "cycle").filter(pk=packet_id, status=Packet.Status.DONE).first()
    viewer = request_viewer(request)
    if packet is None or viewer.person_id is None or packet.person_id != viewer.person_id:
        raise Http404("No packet here.")
    return packet


@dataclass(frozen=True)
class SelfReviewAccess:
    """Whose workspace, for which cycle, and whether this viewer may only read it (HR reading someone's)."""

    person: Person
    cycle: ReviewCycle
    viewer: Viewer

    @property
    def owner(self) -> bool:
        return self.viewer.person_id == self.person.pk


def self_review_access(
    *, request: HttpRequest | Request, cycle_id: int, person_id: int | None = None, write: bool = False
) -> SelfReviewAccess:
    """The workspace of `person_id` (default: the viewer's own) for a cycle, when the viewer may reach it.

    The owner reads and writes; HR and admins may read anyone's, never write it. Anyone else, or a cycle or person
    that does not exist, gets Http404, as packets do. Not audited: the workspace serves no packet; opening a
    version from it goes through `packet_access`.
    """
    viewer = request_viewer(request)
    cycle = ReviewCycle.objects.filter(pk=cycle_id).first()
    wanted = viewer.person_id if person_id is None else person_id
    person = Person.objects.select_related("manager").filter(pk=wanted).first() if wanted is not None else None
    if cycle is None or person is None:
        raise Http404("No self-review here.")
    owner = viewer.person_id == person.pk
    if not owner and (write or not viewer.hr):
        raise Http404("No self-review here.")
    return SelfReviewAccess(person=person, cycle=cycle, viewer=viewer)


def packets_visible_get(*, viewer: Viewer) -> list[Packet]:
    """For each person and cycle, the finished version this viewer sees: newest cycle first, then by name.

    The latest version for the employee and HR; for a manager the released one, or the latest once the cycle's
    release date has passed. Never ordered by a usage, cost or outcome figure. A list names packets and opens
    none, so it is not audited. Two queries, however many packets.
    """
    candidates = (
        Packet.objects.filter(status=Packet.Status.DONE)
        .select_related("person", "cycle")
        .order_by("cycle_id", "person_id", "-version")
    )
    if not viewer.hr:
        own = {viewer.person_id} if viewer.person_id is not None else set()
        candidates = candidates.filter(person_id__in=own | viewer.reports)
    released = {} if viewer.hr else released_versions_get(person_ids=viewer.reports)
    shown: dict[tuple[int, int], Packet] = {}
    for packet in candidates:
        key = (packet.cycle_id, packet.person_id)
        sees_latest = viewer.hr or packet.person_id == viewer.person_id or release_date_passed(packet.cycle)
        if sees_latest or released.get(key) == packet.pk:
            shown.setdefault(key, packet)
    return sorted(shown.values(), key=lambda packet: (-packet.cycle.start.toordinal(), packet.person.name))


class IsHROrAdmin(BasePermission):
    """HR / people-ops, admins and superusers: cycles, runs, exports, usage imports, repositories."""

    message = "Only HR and admins may do this."

    def has_permission(self, request: Request, view: APIView) -> bool:
        return request_viewer(request).hr


class IsHROrAdminToWrite(IsHROrAdmin):
    """Anyone signed in reads (GET, HEAD, OPTIONS); only HR and admins write. List it after IsAuthenticated."""

    def has_permission(self, request: Request, view: APIView) -> bool:
        return request.method in SAFE_METHODS or super().has_permission(request, view)


def packets_shown_get(
    *, viewer: Viewer, cycle: ReviewCycle, person_ids: Collection[int], sitting: bool = False
) -> dict[int, Packet]:
    """Per person, the newest finished version of their packet for `cycle` that the viewer may see.

    For a manager that is the last released version (or the newest once the cycle's release date has passed): a
    newer draft stays the employee's until they release it. `sitting` is for a calibration group's managers, who see
    its members' packets as a manager sees a report's, chain or not (never their notes). One query, whatever the
    number of people, and one for their releases; the facts are deferred (tens of kB each: read only those of the versions shown). Keys are
    person ids; people with no visible version are absent.
    """
    shown_to = replace(viewer, reports=viewer.reports | frozenset(person_ids)) if sitting else viewer
    candidates = list(
        Packet.objects.filter(cycle=cycle, person_id__in=list(person_ids), status=Packet.Status.DONE)
        .select_related("person", "cycle")
        .defer("facts")
        .order_by("person_id", "-version")
    )
    released = released_packet_ids(packets=candidates)
    shown: dict[int, Packet] = {}
    for packet in candidates:
        if packet.person_id not in shown and shown_to.may_see(packet, released=released):
            shown[packet.person_id] = packet
    return shown


@dataclass(frozen=True)
class CalibrationScope:
    """Whose evidence one calibration sheet shows: a group HR defined, or the viewer's own reports for a cycle."""

    cycle: ReviewCycle
    title: str
    person_ids: frozenset[int]
    group: CalibrationGroup | None
    sitting: bool  # the viewer sits a group, so its members' packets show as a report's would


def team_access(*, request: HttpRequest | Request, cycle_id: int) -> ReviewCycle:
    """The cycle whose team page the viewer opens (their own reports); audited as team.view.

    Raises Http404 when the cycle does not exist or the viewer is not a person (HR's superusers see the status board).
    """
    cycle = ReviewCycle.objects.filter(pk=cycle_id).first()
    if cycle is None or request_viewer(request).person is None:
        raise Http404("No team page here.")
    audit_record(actor=request.user, action=CalibrationAction.TEAM_VIEW, target=cycle, ip_address=client_ip(request))
    return cycle


def calibration_sheet_access(
    *,
    request: HttpRequest | Request,
    action: CalibrationAction,
    cycle_id: int | None = None,
    group_id: int | None = None,
) -> CalibrationScope:
    """The scope of a calibration sheet the viewer may open: a group (HR, or a manager who sits it) or, given a cycle
    instead, the viewer's own reports. Audited (the action, the group or cycle, the user, their address).

    Raises Http404 when the group or cycle does not exist or is not the viewer's to open.
    """
    viewer = request_viewer(request)
    scope: CalibrationScope | None = None
    if group_id is not None:
        group = CalibrationGroup.objects.select_related("cycle").filter(pk=group_id).first()
        sits = (
            group is not None and viewer.person_id is not None and group.managers.filter(pk=viewer.person_id).exists()
        )
        if group is not None and (viewer.hr or sits):
            members = frozenset(group.members.values_list("pk", flat=True))
            scope = CalibrationScope(group.cycle, group.name, members, group, sitting=True)
    elif cycle_id is not None and viewer.person is not None:
        cycle = ReviewCycle.objects.filter(pk=cycle_id).first()
        if cycle is not None:
            title = f"Reports of {viewer.person.name}"
            scope = CalibrationScope(cycle, title, viewer.reports, None, sitting=False)
    if scope is None:
        raise Http404("No calibration sheet here.")
    target = scope.group if scope.group is not None else scope.cycle
    audit_record(actor=request.user, action=action, target=target, ip_address=client_ip(request))
    return scope


def calibration_note_access(
    *, request: HttpRequest | Request, cycle_id: int, person_id: int
) -> tuple[ReviewCycle, Person]:
    """The cycle and person whose calibration note the viewer may read and write: HR, or someone above the person.

    Raises Http404 otherwise, the person themself and their peers included. The write is audited by the service.
    """
    viewer = request_viewer(request)
    cycle = ReviewCycle.objects.filter(pk=cycle_id).first()
    person = Person.objects.filter(pk=person_id).first()
    if cycle is None or person is None or not viewer.may_read_notes(person.pk):
        raise Http404("No calibration note here.")
    return cycle, person


ViewArgs = ParamSpec("ViewArgs")


def hr_page(
    view: Callable[Concatenate[HttpRequest, ViewArgs], HttpResponseBase],
) -> Callable[Concatenate[HttpRequest, ViewArgs], HttpResponseBase]:
    """A page for HR and admins only (`Viewer.hr`): anonymous users go to sign in, anyone else gets 403."""

    @wraps(view)
    def gated(request: HttpRequest, /, *args: ViewArgs.args, **kwargs: ViewArgs.kwargs) -> HttpResponseBase:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not request_viewer(request).hr:
            raise PermissionDenied("Only HR and admins may open this page.")
        return view(request, *args, **kwargs)

    return gated

"""Reads for the manager's side of a cycle: the team page and the calibration sheet (who may see what: permissions).

People are listed by name, grouped by direct manager on the team page; nothing here orders, totals or ranks people
by a usage, cost or outcome figure, and the sheet prints figures side by side with the caveats saying what they
cannot tell.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any, Literal

from django.core.paginator import Page, Paginator
from django.db import models
from django.db.models import Case, CharField, F, OuterRef, Q, QuerySet, Subquery, Value, When
from django.db.models.functions import Lower
from django.utils import timezone

from evidence.facts.caveats import NO_RANKING_CAVEAT, NO_TIME_SAVED, OWN_BASELINE, UNKNOWN_NOT_HUMAN
from evidence.facts.schema import EvidenceFactsDict, FlagDict, OutcomeDict, stored_facts
from reviews.errors import ApplicationError
from reviews.models import CalibrationGroup, CalibrationNote, Packet, PacketRelease, Person, ReviewCycle
from reviews.permissions import CalibrationScope, Viewer, packets_shown_get
from reviews.printing.context import FLAG_NAMES, LONG, clip, highlight_key, number, share
from reviews.selectors import cycle_population, released_packet_ids

TEAM_PAGE_SIZE = 100
# Query parameters that would ask a list for an order; every list here is by name and refuses them all.
ORDERING_PARAMETERS = ("ordering", "order", "order_by", "sort", "sort_by", "o")
CALIBRATION_CAVEAT = (
    "Rows are in alphabetical order. There is no total, no average and no order by any figure: read each person's "
    "AI-assisted work against their own other work, never against the row above or below."
)


class PacketState(models.TextChoices):
    """Where a person's packet for the cycle stands, as the team page shows and filters it."""

    NONE = "none", "No packet yet"
    DRAFT = "draft", "Draft, not released"
    RELEASED = "released", "Released"
    NEWER_DRAFT = "newer_draft", "Released; a newer draft since"


def ordering_refuse(*, params: Mapping[str, Any]) -> None:
    """Raise ApplicationError when a request asks for an order: people are listed by name, never by a figure."""
    asked = sorted(name for name in ORDERING_PARAMETERS if name in params)
    if asked:
        raise ApplicationError(
            f"'{asked[0]}' is not accepted: people are listed by name, never ordered by a usage, cost or outcome figure."
        )


@dataclass(frozen=True)
class TeamRow:
    """One report on the team page. Counts come from the version the viewer may see (None when they see none)."""

    person: Person
    state: str
    packet: Packet | None
    corrections: int | None
    highlights: int | None
    flags: int | None
    flags_explained: int | None

    @property
    def state_label(self) -> str:
        return PacketState(self.state).label


@dataclass(frozen=True)
class TeamPage:
    cycle: ReviewCycle
    groups: tuple[tuple[str, tuple[TeamRow, ...]], ...]  # (direct manager's name, their reports on this page)
    page: Page[Person]
    teams: tuple[str, ...]
    calibration_groups: tuple[CalibrationGroup, ...]


def team_people(*, viewer: Viewer, cycle: ReviewCycle) -> QuerySet[Person]:
    """The viewer's direct and indirect reports employed in the cycle, each annotated with its packet state."""
    done = Packet.objects.filter(person=OuterRef("pk"), cycle=cycle, status=Packet.Status.DONE).order_by("-version")
    return (
        cycle_population(cycle=cycle)
        .filter(pk__in=list(viewer.reports))
        .annotate(
            latest_done=Subquery(done.values("version")[:1]),
            latest_released=Subquery(
                PacketRelease.objects.filter(person=OuterRef("pk"), cycle=cycle, withdrawn_at__isnull=True)
                .order_by("-released_at", "-pk")
                .values("packet__version")[:1]
            ),
        )
        .annotate(
            packet_state=Case(
                When(latest_done__isnull=True, then=Value(PacketState.NONE)),
                When(latest_released__isnull=True, then=Value(PacketState.DRAFT)),
                When(latest_done=F("latest_released"), then=Value(PacketState.RELEASED)),
                default=Value(PacketState.NEWER_DRAFT),
                output_field=CharField(),
            )
        )
    )


def team_page_get(
    *, viewer: Viewer, cycle: ReviewCycle, team: str = "", state: str = "", page_number: int = 1
) -> TeamPage:
    """One page of the viewer's reports for a cycle, grouped by direct manager and by name within each group.

    `team` and `state` (a PacketState value) filter; pages hold TEAM_PAGE_SIZE people. A fixed number of queries,
    however many reports: the page, its count, the teams, the visible packets, their flags and the viewer's calibration
    groups.
    """
    people = team_people(viewer=viewer, cycle=cycle)
    teams = tuple(people.exclude(team="").order_by("team").values_list("team", flat=True).distinct())
    if team:
        people = people.filter(team=team)
    if state:
        people = people.filter(Q(packet_state=state))  # through Q: the stubs do not see team_people's annotation
    ordered = people.select_related("manager").order_by(Lower("manager__name"), "manager_id", Lower("name"), "email")
    page = Paginator(ordered, TEAM_PAGE_SIZE).get_page(page_number)
    on_page: list[Person] = list(page.object_list)
    shown = packets_shown_get(viewer=viewer, cycle=cycle, person_ids=[person.pk for person in on_page])
    # Only the flags of the facts: the rest of each version's facts stays in the database.
    flags = dict(
        Packet.objects.filter(pk__in=[packet.pk for packet in shown.values()]).values_list("pk", "facts__flags")
    )
    groups: dict[int | None, tuple[str, list[TeamRow]]] = {}
    for person in on_page:
        manager_name = person.manager.name if person.manager is not None else "No manager"
        packet = shown.get(person.pk)
        row = _team_row(person=person, packet=packet, flags=flags.get(packet.pk) if packet is not None else None)
        groups.setdefault(person.manager_id, (manager_name, []))[1].append(row)
    sat = CalibrationGroup.objects.none()
    if viewer.person_id is not None:
        sat = CalibrationGroup.objects.filter(cycle=cycle, managers__pk=viewer.person_id)
    return TeamPage(
        cycle=cycle,
        groups=tuple((name, tuple(rows)) for name, rows in groups.values()),
        page=page,
        teams=teams,
        calibration_groups=tuple(sat.order_by("name")),
    )


def _team_row(*, person: Person, packet: Packet | None, flags: list[FlagDict] | None) -> TeamRow:
    state: str = getattr(person, "packet_state", PacketState.NONE)
    if packet is None:
        return TeamRow(person, state, None, None, None, None, None)
    notes = packet.annotations
    flags = flags or []
    explained = _explained_flags(notes)
    return TeamRow(
        person=person,
        state=state,
        packet=packet,
        corrections=_corrections(notes),
        highlights=sum(1 for note in notes if note.get("kind") == "highlight" and note.get("highlighted")),
        flags=len(flags),
        flags_explained=sum(1 for flag in flags if flag["kind"] in explained),
    )


def calibration_note_get(*, viewer: Viewer, person_id: int, cycle_id: int) -> CalibrationNote | None:
    """The calibration note on a person for a cycle, when the viewer may read it (their manager chain and HR)."""
    if not viewer.may_read_notes(person_id):
        return None
    return CalibrationNote.objects.select_related("author").filter(person_id=person_id, cycle_id=cycle_id).first()


def _corrections(notes: list[dict[str, Any]]) -> int:
    """The employee's corrections a version printed (free-text disputes in versions printed before corrections)."""
    return sum(1 for note in notes if note.get("kind") in {"correction", "dispute"} and note.get("text"))


def _explained_flags(notes: list[dict[str, Any]]) -> set[str]:
    return {str(note.get("item_key")) for note in notes if note.get("kind") == "flag_explanation" and note.get("text")}


@dataclass(frozen=True)
class SideBySide:
    """One outcome figure for the person's AI-assisted work beside their own other work."""

    label: str
    key: str
    unit: Literal["count", "share"]
    ai: float | None
    other: float | None

    @property
    def ai_text(self) -> str:
        return self._text(self.ai)

    @property
    def other_text(self) -> str:
        return self._text(self.other)

    def _text(self, value: float | None) -> str:
        return share(value) if self.unit == "share" else number(value)


@dataclass(frozen=True)
class FlagLine:
    label: str
    explained: bool


@dataclass(frozen=True)
class SheetRow:
    """One person with released evidence. `note` is None when the viewer may not read their calibration note."""

    person_id: int
    name: str
    email: str
    team: str
    packet_id: int
    version: int
    released: bool
    figures: tuple[SideBySide, ...]
    highlights: tuple[str, ...]
    flags: tuple[FlagLine, ...]
    corrections: int
    coverage: str
    confidence: str
    note: str | None


@dataclass(frozen=True)
class CalibrationSheet:
    """What a calibration sheet shows and prints. Rows are by name; there is deliberately no total."""

    cycle_id: int
    cycle_name: str
    title: str
    group_id: int | None
    generated_on: date
    caveats: tuple[str, ...]
    rows: tuple[SheetRow, ...]
    people_without_released_evidence: int

    @property
    def figure_labels(self) -> tuple[str, ...]:
        return tuple(label for label, _, _ in SHEET_FIGURES)


SHEET_FIGURES: tuple[tuple[str, str, Literal["count", "share"]], ...] = (
    ("PRs merged", "prs_merged", "count"),
    ("Merge rate", "merge_rate", "share"),
    ("Lines surviving at cycle end", "survival_share", "share"),
    ("Reverted in 30 days", "reverted", "count"),
    ("Follow-up fix lines in 21 days", "follow_up_fix_lines", "count"),
)


def calibration_sheet_get(*, viewer: Viewer, scope: CalibrationScope) -> CalibrationSheet:
    """The calibration sheet of a scope: one row per person whose packet the viewer may see, in alphabetical order.

    Figures come from that packet version's facts (counts are items or lines, shares 0..1); notes only for the
    people whose notes the viewer may read (their manager chain and HR). Six queries, however many people.
    """
    cycle = scope.cycle
    people = cycle_population(cycle=cycle).filter(pk__in=list(scope.person_ids)).values_list("pk", flat=True)
    person_ids = list(people)
    shown = packets_shown_get(viewer=viewer, cycle=cycle, person_ids=person_ids, sitting=scope.sitting)
    readable = [person_id for person_id in shown if viewer.may_read_notes(person_id)]
    notes = dict(CalibrationNote.objects.filter(cycle=cycle, person_id__in=readable).values_list("person_id", "text"))
    packets = sorted(shown.values(), key=lambda packet: (packet.person.name.casefold(), packet.person.email))
    facts_of = dict(Packet.objects.filter(pk__in=[packet.pk for packet in packets]).values_list("pk", "facts"))
    released = released_packet_ids(packets=packets)
    rows = []
    caveats = [OWN_BASELINE, NO_RANKING_CAVEAT, NO_TIME_SAVED, UNKNOWN_NOT_HUMAN]
    for packet in packets:
        facts = stored_facts(facts_of[packet.pk])
        caveats.extend(item["text"] for item in facts["caveats"] if item["text"] not in caveats)
        note = notes.get(packet.person_id, "") if packet.person_id in readable else None
        rows.append(_sheet_row(packet=packet, facts=facts, note=note, released=packet.pk in released))
    return CalibrationSheet(
        cycle_id=cycle.pk,
        cycle_name=cycle.name,
        title=scope.title,
        group_id=scope.group.pk if scope.group is not None else None,
        generated_on=timezone.localdate(),
        caveats=(CALIBRATION_CAVEAT, *(clip(text, LONG) for text in caveats)),
        rows=tuple(rows),
        people_without_released_evidence=len(person_ids) - len(rows),
    )


def _sheet_row(*, packet: Packet, facts: EvidenceFactsDict, note: str | None, released: bool) -> SheetRow:
    outcomes, coverage, work = facts["outcomes"], facts["coverage"], facts["work"]
    notes = packet.annotations
    picked = {
        str(item.get("item_key")) for item in notes if item.get("kind") == "highlight" and item.get("highlighted")
    }
    explained = _explained_flags(notes)
    unresolved = coverage["unresolved_identities"]
    levels = [
        ("work split", outcomes["ai_assisted"].get("confidence")),
        ("coverage", coverage.get("confidence")),
    ]
    return SheetRow(
        person_id=packet.person_id,
        name=clip(packet.person.name),
        email=clip(packet.person.email),
        team=clip(packet.person.team),
        packet_id=packet.pk,
        version=packet.version,
        released=released,
        figures=tuple(
            SideBySide(label, key, unit, _figure(outcomes["ai_assisted"], key), _figure(outcomes["other"], key))
            for label, key, unit in SHEET_FIGURES
        ),
        highlights=tuple(clip(item["title"]) for item in facts["highlights"] if highlight_key(item) in picked),
        flags=tuple(
            FlagLine(FLAG_NAMES.get(flag["kind"], clip(flag["kind"], 60)), flag["kind"] in explained)
            for flag in facts["flags"]
        ),
        corrections=_corrections(notes),
        coverage=(
            f"{share(coverage['usage_linked_share'])} of AI usage linked to work; "
            f"{number(unresolved)} unresolved identit{'y' if unresolved == 1 else 'ies'}; "
            f"{number(work['commits'])} commits, {number(work['pull_requests'])} pull requests"
        ),
        confidence="; ".join(f"{name} {level['level']}" for name, level in levels if level),
        note=note,
    )


def _figure(outcome: OutcomeDict, key: str) -> float | None:
    value = outcome.get(key)
    return value if isinstance(value, int | float) and not isinstance(value, bool) else None

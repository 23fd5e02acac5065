"""Reads for HR's pages and API: cycles, the status board, the audit log. Every list is filtered on the server and
ordered by name or time, never by a usage, cost or outcome figure."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import ClassVar
from zoneinfo import ZoneInfo

from django.core.paginator import Page, Paginator
from django.db import connection
from django.db.models import CharField, Count, Q, QuerySet, Subquery
from django.db.models.functions import Cast

from reviews.models import AuditEvent, Correction, CycleExport, EvidenceRun, Packet, PacketRelease, Person, ReviewCycle
from reviews.services.suppression import MIN_GROUP_SIZE


def cycle_list(*, search: str = "", state: str = "") -> QuerySet[ReviewCycle]:
    """Cycles whose name contains `search` (any case), in `state` when given; newest start first, then by name."""
    cycles = ReviewCycle.objects.order_by("-start", "name")
    if search:
        cycles = cycles.filter(name__icontains=search)
    if state:
        cycles = cycles.filter(state=state)
    return cycles


def cycle_runs_get(*, cycle: ReviewCycle) -> QuerySet[EvidenceRun]:
    """The cycle's packet runs, newest first."""
    return cycle.runs.order_by("-created_at", "-pk")


def cycle_exports_get(*, cycle: ReviewCycle) -> QuerySet[CycleExport]:
    """The cycle's exports, newest first (one query)."""
    return cycle.exports.order_by("-created_at", "-pk")


def run_failures_get(*, run: EvidenceRun) -> QuerySet[Packet]:
    """The run's failed packets with their reasons, by person name."""
    return run.packets.filter(status=Packet.Status.FAILED).select_related("person").order_by("person__name", "pk")


class PacketState:
    """A person's packet state in a cycle, as the status board counts it (release: reviews.services.release)."""

    NONE = 0  # no finished version
    DRAFT = 1  # finished versions, none released
    RELEASED = 2  # the latest finished version is released
    NEWER_DRAFT = 3  # released once, and a newer version waits to be released


@dataclass(frozen=True)
class TeamStatus:
    """One row of the status board: counts of people (never figures of their evidence)."""

    team: str
    people: int
    no_packet: int
    draft: int
    released: int
    newer_draft: int
    disputes: int  # the employees' corrections and disputes, open until a newer version prints them

    COUNTS: ClassVar[tuple[str, ...]] = ("people", "no_packet", "draft", "released", "newer_draft", "disputes")


@dataclass(frozen=True)
class StatusBoard:
    """A page of the teams that may be shown, the whole cycle's row when it may be, and how much was hidden (how
    many teams and people, never their figures)."""

    rows: list[TeamStatus]
    page: Page[str]  # the names of the shown teams, this page of them
    total: TeamStatus | None
    teams_hidden: int
    people_hidden: int


def status_board_get(
    *, cycle: ReviewCycle, search: str = "", page: int | str | None = 1, per_page: int = 50
) -> StatusBoard:
    """A page of the cycle's status board, teams by name (those whose name contains `search`).

    Teams under MIN_GROUP_SIZE people are hidden, and the whole-cycle row too whenever a team is, so that no hidden
    team's counts can be had by subtracting the shown teams from it. Team sizes take one grouped query over the
    population; the counts are read for this page's teams only (and for everyone when the total is shown).
    """
    population = Person.objects.employed_during(start=cycle.start, end=cycle.end)
    sizes = dict(population.order_by().values("team").annotate(people=Count("pk")).values_list("team", "people"))
    hidden = {team: people for team, people in sizes.items() if people < MIN_GROUP_SIZE}
    shown = sorted(team for team in sizes if team not in hidden and search.casefold() in team.casefold())
    teams = Paginator(shown, per_page).get_page(page)
    rows = team_statuses_get(cycle=cycle, population=population.filter(team__in=list(teams))) if shown else []
    total = None
    if sizes and not hidden:
        everyone = team_statuses_get(cycle=cycle, population=population)
        total = TeamStatus(team="", **{name: sum(getattr(row, name) for row in everyone) for name in TeamStatus.COUNTS})
    return StatusBoard(rows=rows, page=teams, total=total, teams_hidden=len(hidden), people_hidden=sum(hidden.values()))


def team_statuses_get(*, cycle: ReviewCycle, population: QuerySet[Person]) -> list[TeamStatus]:
    """Per team of these people, by team name: packet states in the cycle and the employees' corrections (as
    `disputes`). Two queries.

    Not for showing as it is: status_board_get hides small teams.
    """
    counts: dict[str, dict[int, int]] = {}
    for team, state, people in _team_state_counts(cycle=cycle, population=population):
        counts.setdefault(team, {})[state] = people
    disputes = dict(
        Correction.objects.filter(cycle=cycle, person__in=population)
        .order_by()
        .values("person__team")
        .annotate(open=Count("pk"))
        .values_list("person__team", "open")
    )
    return [
        TeamStatus(
            team=team,
            people=sum(by_state.values()),
            no_packet=by_state.get(PacketState.NONE, 0),
            draft=by_state.get(PacketState.DRAFT, 0),
            released=by_state.get(PacketState.RELEASED, 0),
            newer_draft=by_state.get(PacketState.NEWER_DRAFT, 0),
            disputes=disputes.get(team, 0),
        )
        for team, by_state in sorted(counts.items())
    ]


def _team_state_counts(*, cycle: ReviewCycle, population: QuerySet[Person]) -> list[tuple[str, int, int]]:
    """(team, PacketState, people) for the population, in one query: each person's latest finished version (one
    grouped pass over the cycle's packets) and the version of their release in force (releases are of the latest
    finished version when made, so the highest not withdrawn), joined to the people, grouped by team.

    SQL, because the ORM cannot group an aggregate by another: a correlated subquery per person instead is many
    times slower at 85,000 people (docs/benchmarks.md).
    """
    people_sql, people_params = population.values("pk").query.sql_with_params()
    done = Packet.Status.DONE
    sql = f"""
        SELECT person.team, CASE
                WHEN latest.version IS NULL THEN {PacketState.NONE}
                WHEN latest.released IS NULL THEN {PacketState.DRAFT}
                WHEN latest.released = latest.version THEN {PacketState.RELEASED}
                ELSE {PacketState.NEWER_DRAFT} END AS state, COUNT(*)
        FROM {Person._meta.db_table} person
        LEFT JOIN (
            SELECT done.person_id, MAX(done.version) AS version, MAX(released.version) AS released
            FROM {Packet._meta.db_table} done
            LEFT JOIN {PacketRelease._meta.db_table} rel ON rel.packet_id = done.id AND rel.withdrawn_at IS NULL
            LEFT JOIN {Packet._meta.db_table} released ON released.id = rel.packet_id
            WHERE done.cycle_id = %s AND done.status = %s GROUP BY done.person_id
        ) latest ON latest.person_id = person.id
        WHERE person.id IN ({people_sql})
        GROUP BY 1, 2
    """  # noqa: S608 - table names and constants of ours; every value is a parameter
    with connection.cursor() as cursor:
        cursor.execute(sql, [cycle.pk, done, *people_params])
        return [(team, int(state), int(people)) for team, state, people in cursor.fetchall()]


@dataclass(frozen=True)
class AuditFilter:
    """What HR narrows the audit log by; empty fields do not filter. Dates are whole days in `timezone`."""

    person: str = ""  # a name or e-mail: events about that person, their packets, or done by them
    actor: str = ""  # the actor's username, or part of it
    action: str = ""  # an action or the start of one: "packet.view", or "packet." for every packet action
    since: date | None = None
    until: date | None = None
    timezone: str = "UTC"
    before_id: int | None = None  # only events older than this one: a CSV holds the log as it stood when asked


def audit_events_list(*, filters: AuditFilter) -> QuerySet[AuditEvent]:
    """Audit events matching every given filter, newest first (the log's own order).

    A person filter matches events whose object is that person or one of their packets, and events they did.
    """
    events = AuditEvent.objects.order_by("-at", "-pk")
    if filters.person:
        people = Person.objects.filter(Q(name__icontains=filters.person) | Q(email__icontains=filters.person))
        # object_id is text (it names rows of any table): compare it with the ids as text, in the database.
        person_ids = people.annotate(text_id=Cast("pk", CharField())).values("text_id")
        packet_ids = (
            Packet.objects.filter(person__in=people).annotate(text_id=Cast("pk", CharField())).values("text_id")
        )
        events = events.filter(
            Q(object_type=Person._meta.label_lower, object_id__in=Subquery(person_ids))
            | Q(object_type=Packet._meta.label_lower, object_id__in=Subquery(packet_ids))
            | Q(actor__person__in=people)
        )
    if filters.actor:
        events = events.filter(actor_label__icontains=filters.actor)
    if filters.action:
        events = events.filter(action__startswith=filters.action)
    if filters.before_id is not None:
        events = events.filter(pk__lt=filters.before_id)
    zone = ZoneInfo(filters.timezone)
    if filters.since is not None:
        events = events.filter(at__gte=datetime.combine(filters.since, time.min, tzinfo=zone))
    if filters.until is not None:
        events = events.filter(at__lt=datetime.combine(filters.until + timedelta(days=1), time.min, tzinfo=zone))
    return events

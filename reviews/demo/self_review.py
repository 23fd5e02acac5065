"""The demo's self-reviews: two employees who corrected, picked, explained and wrote, and one release per team.

Everything goes through the services the pages call, as the employee, so each demo login shows something real: an
employee's workspace with their own words, and a manager with a released packet of one of their reports.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import User

from reviews.errors import ApplicationError
from reviews.models import Packet, Person, ReviewCycle
from reviews.self_review import SelfReview, WorkItem, self_review_get
from reviews.services.self_review import (
    HighlightInput,
    correction_set,
    flag_explanation_set,
    highlights_set,
    narrative_set,
    packet_release,
)
from reviews.tasks import packet_version_start

WRITERS = 2
NARRATIVE = (
    "This half I moved our service onto the new API and paid down the flaky tests that slowed every release.\n\n"
    "I used an AI coding tool most for the test suites and the migration scripts, and reviewed every change it "
    "proposed line by line; the outcomes table shows how much of that work is still in place."
)
FLAG_EXPLANATION = "Those days I was reading an unfamiliar codebase with the tool before writing any code."


@dataclass(frozen=True)
class DemoSelfReviews:
    writers: tuple[Person, ...]
    released: tuple[Person, ...]


def _correction_for(item: WorkItem) -> tuple[bool, str, str]:
    """The employee's word on the machine's verdict: the opposite of it, with a reason a person would give."""
    if item.ai.verdict == "attributed":
        return False, "", "The trailer came from a pairing session; I wrote this change myself."
    return True, "claude-code", "Claude Code drafted this change in a session the usage export did not link."


def _login_of(person: Person) -> User:
    """The demo employee's own account: every write is theirs. The demo gives every employee one."""
    if person.user is None:
        raise ApplicationError(f"Demo employee {person.email} has no login.")
    return person.user


def _fill(review: SelfReview) -> None:
    person, cycle, user = review.person, review.cycle, _login_of(review.person)
    first = review.items[0]
    ai_assisted, tool, reason = _correction_for(first)
    correction_set(
        person=person, cycle=cycle, item=first.key, ai_assisted=ai_assisted, tool=tool, reason=reason, user=user
    )
    # Prefer items the machine found AI in: the highlights are meant to show AI-assisted work.
    picks = sorted(review.items[1:], key=lambda item: item.ai.verdict != "attributed")[:2]
    highlights_set(
        person=person,
        cycle=cycle,
        items=[
            HighlightInput(
                item=item.key,
                context=f"{item.title}: a change the team had put off for two cycles.",
                what_ai_did="Drafted the change and its tests; I rewrote the error handling.",
                outcome="Merged and still in place at the cycle's end.",
            )
            for item in picks
        ],
        user=user,
    )
    for flag in review.flags:
        flag_explanation_set(person=person, cycle=cycle, kind=flag.kind, explanation=FLAG_EXPLANATION, user=user)
    narrative_set(person=person, cycle=cycle, text=NARRATIVE, user=user)
    packet_version_start(person=person, cycle=cycle, user=user)


def demo_self_reviews_write(*, cycle: ReviewCycle) -> DemoSelfReviews:
    """Fill two employees' workspaces (each on a different team) and release one employee's packet per team.

    The employees are the first by name of each team with a finished packet, so the same seed picks the same people.
    """
    done = Packet.objects.filter(cycle=cycle, status=Packet.Status.DONE).values("person_id")
    employees = (
        Person.objects.filter(pk__in=done, role=Person.Role.EMPLOYEE, reports__isnull=True, user__isnull=False)
        .exclude(manager__isnull=True)
        .order_by("team", "name")
    )
    first_of_team: dict[str, Person] = {}
    for person in employees:
        first_of_team.setdefault(person.team, person)
    writers: list[Person] = []
    for person in first_of_team.values():
        review = self_review_get(person=person, cycle=cycle)
        if len(writers) < WRITERS and len(review.items) >= 3:
            _fill(review)
            writers.append(person)
    for person in first_of_team.values():
        packet_release(person=person, cycle=cycle, user=_login_of(person))
    return DemoSelfReviews(writers=tuple(writers), released=tuple(first_of_team.values()))

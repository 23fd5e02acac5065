"""A small real cycle for self-review tests: the org chart, and Alice's work written as the importers write it.

Alice has an AI-attributed pull request (#1, its commit carries a Claude co-author trailer), a pull request with no
AI signal (#2), and AI coding-tool use on three days without any work, which raises the unlinked-usage flag.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date

from django.contrib.auth.models import User
from pypdf import PdfReader

from reviews.models import Packet, Person, ReviewCycle
from tests.evidence.scenarios.builders import at, commit, pull_request, repository, usage_day
from tests.factories import make_cycle, org_chart

REPO = "acme/payments"
AI_PR, OTHER_PR = f"{REPO} #1", f"{REPO} #2"


@dataclass(frozen=True)
class Company:
    people: dict[str, Person]
    cycle: ReviewCycle

    @property
    def alice(self) -> Person:
        return self.people["alice"]

    def user(self, name: str = "alice") -> User:
        """The sign-in account of one of the org chart's people (alice, bob, manager, head, hr)."""
        user = self.people[name].user
        assert user is not None
        return user


def company_with_work() -> Company:
    people = org_chart()
    cycle = make_cycle(name="2026-H1", start=date(2026, 1, 1), end=date(2026, 6, 30))
    alice, repo = people["alice"], repository(REPO)
    assisted = commit(alice, day=date(2026, 2, 2), additions=100, surviving=90, ai="claude-trailer", repo=repo)
    pull_request(
        alice, number=1, opened=at(date(2026, 2, 2)), merged=at(date(2026, 2, 3)), commits=[assisted], repo=repo
    )
    plain = commit(alice, day=date(2026, 3, 10), additions=50, surviving=50, repo=repo, subject="tidy the ledger")
    pull_request(
        alice, number=2, opened=at(date(2026, 3, 10)), merged=at(date(2026, 3, 11)), commits=[plain], repo=repo
    )
    for day in (date(2026, 4, 6), date(2026, 4, 7), date(2026, 4, 8)):
        usage_day(alice, day=day, input_uncached=50_000, output=5_000, cost="1.00")
    return Company(people=people, cycle=cycle)


def commit_key(person: Person, subject: str) -> str:
    """The work-item key of the person's commit with this subject: '<repository> <12-character SHA>'."""
    made = person.commits.select_related("repository").get(subject=subject)
    return f"{made.repository.full_name} {made.sha[:12]}"


def pdf_text(packet: Packet) -> str:
    """The PDF's text with every run of whitespace as one space: table cells wrap lines anywhere."""
    with packet.pdf.open("rb") as handle:
        return " ".join(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(handle.read())).pages).split())

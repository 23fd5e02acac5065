"""Storing the links between a person's AI usage and their work items, each with its reason and confidence.

The links are found by evidence.facts.involvement (the same code the facts read), so stored links and printed
facts always agree. Rebuilding replaces a person's links for the window's work items: it is idempotent.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import Q

from evidence.facts.activity import Activity
from evidence.facts.build import person_facts_build
from evidence.facts.involvement import Involvement, Link
from evidence.models import WorkLink
from reviews.models import Person, ReviewCycle


def work_links_build(*, person: Person, cycle: ReviewCycle) -> int:
    """Find and store the person's links for the cycle; returns how many links there are now."""
    evidence = person_facts_build(person=person, cycle=cycle)
    return work_links_store(person=person, activity=evidence.activity, involvement=evidence.involvement)


def work_links_store(*, person: Person, activity: Activity, involvement: Involvement) -> int:
    commit_ids = [commit.pk for commit in activity.commits]
    pr_ids = [pull_request.pk for pull_request in activity.pull_requests]
    rows = [
        _row(person=person, link=link, commit_id=commit_id)
        for commit_id, links in involvement.commit_links.items()
        for link in _one_per_reason(links)
    ] + [
        _row(person=person, link=link, pull_request_id=pr_id)
        for pr_id, links in involvement.pr_links.items()
        for link in _one_per_reason(links)
    ]
    with transaction.atomic():
        WorkLink.objects.filter(person=person).filter(
            Q(commit_id__in=commit_ids) | Q(pull_request_id__in=pr_ids)
        ).delete()
        WorkLink.objects.bulk_create(rows, batch_size=500)
    return len(rows)


def _one_per_reason(links: list[Link]) -> list[Link]:
    """The strongest link for each reason: three trailers on one commit are one reason, stored once."""
    best: dict[str, Link] = {}
    for link in links:
        if link.reason not in best or link.confidence > best[link.reason].confidence:
            best[link.reason] = link
    return [best[reason] for reason in sorted(best)]


def _row(*, person: Person, link: Link, commit_id: int | None = None, pull_request_id: int | None = None) -> WorkLink:
    return WorkLink(
        person=person,
        commit_id=commit_id,
        pull_request_id=pull_request_id,
        usage_fact_id=link.usage_fact_id,
        session_id=link.session_id,
        reason=link.reason,
        confidence=link.confidence,
    )

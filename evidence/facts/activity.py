"""Everything one person did in one window, loaded with a fixed number of queries however much there is."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from django.db.models import Exists, OuterRef, Prefetch, Q

from evidence.models import (
    Commit,
    CommitAttribution,
    PullRequest,
    Review,
    ToolOutcomeFact,
    ToolReportedCommit,
    UsageFact,
    UsageSession,
    WorkLink,
)
from reviews.models import Person


@dataclass(frozen=True)
class Window:
    """A closed range of UTC days: a review cycle, or the one before it."""

    start: date
    end: date

    @property
    def start_at(self) -> datetime:
        return datetime.combine(self.start, time.min, tzinfo=UTC)

    @property
    def end_before(self) -> datetime:
        return datetime.combine(self.end + timedelta(days=1), time.min, tzinfo=UTC)

    def holds_day(self, day: date) -> bool:
        return self.start <= day <= self.end

    def holds(self, moment: datetime | None) -> bool:
        return moment is not None and self.start_at <= moment < self.end_before


@dataclass(frozen=True)
class Activity:
    """A person's work items and AI usage in a window. Lists are in a stable order (time, then id)."""

    window: Window
    commits: list[Commit]
    pull_requests: list[PullRequest]
    reviews_given: Sequence[Review]  # each annotated with pull_request_ai_assisted
    usage_facts: list[UsageFact]
    outcome_facts: list[ToolOutcomeFact]
    sessions: list[UsageSession]
    tool_commits: list[ToolReportedCommit]


def activity_load(*, person: Person, window: Window) -> Activity:
    """Fifteen queries, whatever the person's volume: the query count per person is bounded (no N+1)."""
    commits_in_window = Commit.objects.filter(
        person=person,
        is_present=True,
        committed_at__gte=window.start_at,
        committed_at__lt=window.end_before,
    )
    reverting_prs = Prefetch("pull_requests", queryset=PullRequest.objects.prefetch_related("reverted_by"))
    commits = list(
        commits_in_window.select_related("repository")
        .prefetch_related("attributions", "reverted_by", reverting_prs)
        .order_by("committed_at", "pk")
    )
    pull_requests = list(
        PullRequest.objects.filter(person=person)
        .filter(
            Q(created_at__gte=window.start_at, created_at__lt=window.end_before)
            | Q(merged_at__gte=window.start_at, merged_at__lt=window.end_before)
        )
        .select_related("repository")
        .prefetch_related(
            Prefetch("commits", queryset=Commit.objects.prefetch_related("attributions")),
            "reviews",
            "reverted_by",
            "closed_issues",
        )
        .order_by("created_at", "pk")
    )
    others_pr_is_ai = Exists(CommitAttribution.objects.filter(commit__pull_requests=OuterRef("pull_request"))) | Exists(
        WorkLink.objects.filter(pull_request=OuterRef("pull_request"))
    )
    reviews_given = list(
        Review.objects.filter(person=person, submitted_at__gte=window.start_at, submitted_at__lt=window.end_before)
        .exclude(pull_request__person=person)
        .select_related("pull_request")
        .annotate(pull_request_ai_assisted=others_pr_is_ai)
        .order_by("submitted_at", "pk")
    )
    days = {"day__gte": window.start, "day__lte": window.end}
    usage_facts = list(UsageFact.objects.filter(person=person, **days).order_by("day", "pk"))
    outcome_facts = list(ToolOutcomeFact.objects.filter(person=person, **days).order_by("day", "pk"))
    sessions = list(
        UsageSession.objects.filter(
            person=person, started_at__gte=window.start_at, started_at__lt=window.end_before
        ).order_by("started_at", "pk")
    )
    tool_commits = list(
        ToolReportedCommit.objects.filter(Q(person=person) | Q(sha__in=commits_in_window.values("sha"))).order_by("pk")
    )
    return Activity(
        window=window,
        commits=commits,
        pull_requests=pull_requests,
        reviews_given=reviews_given,
        usage_facts=usage_facts,
        outcome_facts=outcome_facts,
        sessions=sessions,
        tool_commits=tool_commits,
    )

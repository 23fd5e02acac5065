"""Everything one person did in one window, loaded with a fixed number of queries however much there is."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import TypeVar

from django.db.models import Exists, OuterRef, Q

from evidence.models import (
    Commit,
    CommitAttribution,
    Issue,
    PullRequest,
    Review,
    ToolOutcomeFact,
    ToolReportedCommit,
    UsageFact,
    UsageSession,
    WorkLink,
)
from reviews.models import Person

T = TypeVar("T")


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
    """A person's work items and AI usage in a window, with their relations as plain lookups by id.

    Relations are read with one flat query each rather than prefetch_related: prefetching clones a queryset per
    object, which made a person with thousands of commits several times slower to build.
    """

    window: Window
    commits: list[Commit]
    pull_requests: list[PullRequest]
    reviews_given: Sequence[Review]  # each annotated with pull_request_ai_assisted
    usage_facts: list[UsageFact]
    outcome_facts: list[ToolOutcomeFact]
    sessions: list[UsageSession]
    tool_commits: list[ToolReportedCommit]
    attributions: dict[int, list[CommitAttribution]] = field(default_factory=dict)
    commit_reverted_at: dict[int, list[datetime]] = field(default_factory=dict)
    commit_pr_merges: dict[int, list[tuple[int, datetime | None]]] = field(default_factory=dict)
    pr_reverted_at: dict[int, list[datetime]] = field(default_factory=dict)
    pr_commits: dict[int, list[Commit]] = field(default_factory=dict)
    pr_review_states: dict[int, list[str]] = field(default_factory=dict)
    pr_closed_issues: dict[int, list[tuple[int, datetime | None]]] = field(default_factory=dict)

    def attributions_of(self, commit: Commit) -> list[CommitAttribution]:
        return self.attributions.get(commit.pk, [])

    def commits_of(self, pull_request: PullRequest) -> list[Commit]:
        return self.pr_commits.get(pull_request.pk, [])

    def reverted_within(self, commit: Commit, limit: timedelta) -> bool:
        """Reverted by a commit within the limit, or by a revert of a PR it landed in within the limit of merging."""
        if any(at - commit.committed_at <= limit for at in self.commit_reverted_at.get(commit.pk, [])):
            return True
        return any(
            merged_at is not None and at - merged_at <= limit
            for pr_id, merged_at in self.commit_pr_merges.get(commit.pk, [])
            for at in self.pr_reverted_at.get(pr_id, [])
        )


def _grouped(pairs: Iterable[tuple[int, T]]) -> dict[int, list[T]]:
    grouped: dict[int, list[T]] = defaultdict(list)
    for key, value in pairs:
        grouped[key].append(value)
    return dict(grouped)


def activity_load(*, person: Person, window: Window) -> Activity:
    """Fourteen queries, whatever the person's volume: the query count per person is bounded (no N+1)."""
    # A commit credits its person and its human co-authors (a squash commit's), each once.
    co_authored = Commit.co_authors.through.objects.filter(person=person).values("commit_id")
    commits_in_window = Commit.objects.filter(
        Q(person=person) | Q(pk__in=co_authored),
        is_present=True,
        on_default_branch=True,
        committed_at__gte=window.start_at,
        committed_at__lt=window.end_before,
    )
    prs_in_window = PullRequest.objects.filter(person=person).filter(
        Q(created_at__gte=window.start_at, created_at__lt=window.end_before)
        | Q(merged_at__gte=window.start_at, merged_at__lt=window.end_before)
    )
    membership = PullRequest.commits.through.objects
    commit_ids, pr_ids = commits_in_window.values("pk"), prs_in_window.values("pk")
    commits_prs = membership.filter(commit_id__in=commit_ids)
    pr_members = membership.filter(pullrequest_id__in=pr_ids)
    commits = list(commits_in_window.select_related("repository").order_by("committed_at", "pk"))
    pull_requests = list(prs_in_window.select_related("repository").order_by("created_at", "pk"))
    attributions = CommitAttribution.objects.filter(
        Q(commit_id__in=commit_ids) | Q(commit_id__in=pr_members.values("commit_id"))
    ).order_by("pk")
    commit_reverts = Commit.objects.filter(reverts_id__in=commit_ids).values_list("reverts_id", "committed_at")
    pr_reverts = PullRequest.objects.filter(
        Q(reverts_id__in=pr_ids) | Q(reverts_id__in=commits_prs.values("pullrequest_id"))
    ).values_list("reverts_id", "created_at")
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
    return Activity(
        window=window,
        commits=commits,
        pull_requests=pull_requests,
        reviews_given=reviews_given,
        # Each row's source identity (a join, not a query): confidence reads whether it names one person.
        usage_facts=list(UsageFact.objects.filter(person=person, **days).select_related("actor").order_by("day", "pk")),
        outcome_facts=list(
            ToolOutcomeFact.objects.filter(person=person, **days).select_related("actor").order_by("day", "pk")
        ),
        sessions=list(
            UsageSession.objects.filter(
                person=person, started_at__gte=window.start_at, started_at__lt=window.end_before
            )
            .select_related("actor")
            .order_by("started_at", "pk")
        ),
        tool_commits=list(
            ToolReportedCommit.objects.filter(Q(person=person) | Q(sha__in=commits_in_window.values("sha"))).order_by(
                "pk"
            )
        ),
        attributions=_grouped((attribution.commit_id, attribution) for attribution in attributions),
        commit_reverted_at=_grouped((reverted_id, at) for reverted_id, at in commit_reverts if reverted_id),
        commit_pr_merges=_grouped(
            (commit_id, (pr_id, merged_at))
            for commit_id, pr_id, merged_at in commits_prs.values_list(
                "commit_id", "pullrequest_id", "pullrequest__merged_at"
            )
        ),
        pr_reverted_at=_grouped((reverted_id, at) for reverted_id, at in pr_reverts if reverted_id),
        pr_commits=_grouped(
            (member.pullrequest_id, member.commit)
            for member in pr_members.select_related("commit").order_by("commit__committed_at", "commit_id")
        ),
        pr_review_states=_grouped(
            Review.objects.filter(pull_request_id__in=pr_ids).values_list("pull_request_id", "state")
        ),
        pr_closed_issues=_grouped(
            (closed_by, (issue_id, closed_at))
            for closed_by, issue_id, closed_at in Issue.objects.filter(closed_by_id__in=pr_ids).values_list(
                "closed_by_id", "pk", "closed_at"
            )
            if closed_by
        ),
    )

"""Typed builders that write the canonical rows exactly as the importers would.

A commit with a `Co-Authored-By: Claude` trailer gets the CommitAttribution the attribution step writes; usage
arrives as one UsageFact per actor, day, tool and model with the token kinds kept apart; sessions are rolled up
as the OTel importer rolls them up. Times are UTC.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from evidence.models import (
    AttributionRule,
    Commit,
    CommitAttribution,
    Issue,
    PullRequest,
    Repository,
    Review,
    SourceActor,
    ToolOutcomeFact,
    ToolReportedCommit,
    UsageFact,
    UsageSession,
)
from reviews.models import Person

CLAUDE_TRAILER = ("Co-Authored-By", "Claude Sonnet 4.5 <noreply@anthropic.com>")
AGENT_LOGIN = "copilot-swe-agent[bot]"


def at(day: date, hour: int = 10) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=UTC)


def repository(full_name: str = "acme/payments", *, host: str = Repository.Host.GITHUB) -> Repository:
    found, _created = Repository.objects.get_or_create(host=host, full_name=full_name)
    return found


def _sha(*parts: object) -> str:
    return hashlib.sha1("/".join(str(part) for part in parts).encode(), usedforsecurity=False).hexdigest()


def commit(
    person: Person | None,
    *,
    day: date,
    additions: int,
    deletions: int = 0,
    surviving: int | None = None,
    follow_up: int | None = None,
    repo: Repository | None = None,
    ai: str | None = None,
    touches_tests: bool = False,
    reverts: Commit | None = None,
    hour: int = 10,
    subject: str = "",
    trailers: list[tuple[str, str]] | None = None,
) -> Commit:
    """ai: None, "claude-trailer" (Co-Authored-By: Claude) or "copilot-agent" (the agent is the author)."""
    repo = repo or repository()
    count = Commit.objects.count()
    all_trailers = list(trailers or [])
    author_name = person.name if person else "Copilot"
    if ai == "claude-trailer":
        all_trailers.append(CLAUDE_TRAILER)
    if ai == "copilot-agent":
        author_name = AGENT_LOGIN
    made = Commit.objects.create(
        repository=repo,
        sha=_sha(repo.full_name, count, day, additions),
        author_name=author_name,
        author_email=person.email if person else "",
        authored_at=at(day, hour),
        committed_at=at(day, hour),
        subject=subject or f"change {count}",
        trailers=[list(pair) for pair in all_trailers],
        additions=additions,
        deletions=deletions,
        files_changed=1,
        touches_tests=touches_tests,
        person=person,
        reverts=reverts,
        lines_surviving=surviving,
        survival_measured_at=at(date(2026, 6, 30), 23) if surviving is not None else None,
        follow_up_fix_lines=follow_up,
    )
    if ai == "claude-trailer":
        _attribute(made, AttributionRule.Kind.COAUTHOR_TRAILER, "claude-code", 0.9, "Co-Authored-By: Claude")
    if ai == "copilot-agent":
        _attribute(made, AttributionRule.Kind.AGENT_IDENTITY, "copilot", 0.95, AGENT_LOGIN)
    return made


def _attribute(made: Commit, kind: str, tool: str, confidence: float, evidence: str) -> None:
    CommitAttribution.objects.create(
        commit=made, rule_name=f"{kind}:{tool}", kind=kind, tool=tool, confidence=confidence, evidence=evidence
    )


def pull_request(
    person: Person | None,
    *,
    number: int,
    opened: datetime,
    merged: datetime | None = None,
    closed: datetime | None = None,
    commits: list[Commit] | None = None,
    repo: Repository | None = None,
    body_markers: list[str] | None = None,
    title: str = "",
    closes_issues: int = 0,
) -> PullRequest:
    repo = repo or repository()
    commits = commits or []
    state = PullRequest.State.MERGED if merged else PullRequest.State.CLOSED if closed else PullRequest.State.OPEN
    made = PullRequest.objects.create(
        repository=repo,
        number=number,
        title=title or f"pull request {number}",
        author_login=person.email.split("@")[0] if person else AGENT_LOGIN,
        person=person,
        state=state,
        created_at=opened,
        merged_at=merged,
        closed_at=merged or closed,
        additions=sum(item.additions for item in commits),
        deletions=sum(item.deletions for item in commits),
        body_markers=body_markers or [],
    )
    made.commits.set(commits)
    for offset in range(closes_issues):
        Issue.objects.create(
            repository=repo, number=1000 * number + offset, title="bug", closed_at=merged, closed_by=made
        )
    return made


def review(reviewer: Person, pull: PullRequest, *, day: date, state: str = Review.State.APPROVED) -> Review:
    return Review.objects.create(
        pull_request=pull,
        external_id=f"{pull.pk}-{reviewer.pk}-{day}-{state}",
        reviewer_login=reviewer.email.split("@")[0],
        person=reviewer,
        state=state,
        submitted_at=at(day, 15),
    )


def actor(person: Person | None, *, provider: str = "anthropic", value: str = "") -> SourceActor:
    owner = SourceActor.Owner.PERSON if person else SourceActor.Owner.UNRESOLVED
    found, _created = SourceActor.objects.get_or_create(
        kind="email",
        provider=provider,
        value=value or (person.email if person else "unknown@example.com"),
        defaults={"owner": owner, "person": person},
    )
    return found


def usage_day(
    person: Person | None,
    *,
    day: date,
    input_uncached: int = 0,
    cache_read: int = 0,
    cache_write: int = 0,
    output: int = 0,
    cost: str | None = None,
    tool: str = "claude-code",
    model: str = "claude-sonnet-4-5",
    requests: int = 10,
    repository_name: str = "",
    source: str = "claude-code-analytics",
    dimension: str = "",
    owner: SourceActor | None = None,
) -> UsageFact:
    return UsageFact.objects.create(
        source=source,
        actor=owner or actor(person),
        person=person,
        day=day,
        provider="anthropic" if tool == "claude-code" else "github" if tool == "copilot" else "other",
        tool=tool,
        model=model,
        dimension=dimension,
        repository_name=repository_name,
        input_uncached=input_uncached,
        cache_read=cache_read,
        cache_write=cache_write,
        output=output,
        requests=requests,
        cost_usd=Decimal(cost) if cost is not None else None,
        cost_basis=UsageFact.CostBasis.REPORTED if cost is not None else UsageFact.CostBasis.UNKNOWN,
    )


def outcome(person: Person, *, day: date, metric: str, value: int, tool: str = "claude-code") -> ToolOutcomeFact:
    return ToolOutcomeFact.objects.create(
        source="claude-code-analytics",
        actor=actor(person),
        person=person,
        day=day,
        tool=tool,
        metric=metric,
        value=value,
    )


def session(
    person: Person,
    *,
    session_id: str,
    start: datetime,
    hours: float,
    input_uncached: int = 0,
    cache_read: int = 0,
    output: int = 0,
    edits_accepted: int = 0,
    edits_rejected: int = 0,
    tool_calls: dict[str, int] | None = None,
    commit_shas: list[str] | None = None,
    repository_name: str = "",
) -> UsageSession:
    return UsageSession.objects.create(
        source="claude-code-otel",
        session_id=session_id,
        actor=actor(person),
        person=person,
        tool="claude-code",
        repository_name=repository_name,
        started_at=start,
        ended_at=start + timedelta(hours=hours),
        requests=10,
        input_uncached=input_uncached,
        cache_read=cache_read,
        output=output,
        edits_accepted=edits_accepted,
        edits_rejected=edits_rejected,
        tool_calls=tool_calls or {},
        commit_shas=commit_shas or [],
    )


def tool_reported(person: Person, made: Commit, *, tool: str = "cursor") -> ToolReportedCommit:
    return ToolReportedCommit.objects.create(
        source="cursor-commits", sha=made.sha, repository_name=made.repository.full_name, tool=tool, person=person
    )

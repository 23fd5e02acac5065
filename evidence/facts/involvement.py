"""How AI was involved in each work item: the links between a person's usage and their commits and PRs.

Direct links first (a SHA the tool reported, a session id, an AI trailer or marker), then temporal ones (an AI
coding tool active on the commit's day, or while the PR was open, in the same repository when the source names
one). Every link keeps its reason and confidence. The linking service stores what this module finds, and the
facts read it from here, so the packet and the stored links can never disagree.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from evidence.facts.activity import Activity
from evidence.models import Commit, PullRequest, ToolReportedCommit, UsageFact, UsageSession, WorkLink

Reason = WorkLink.Reason

# Tools whose use can produce code. Chat and raw API use are real usage but are never linked to a commit by time.
CODING_TOOLS = frozenset(
    {"claude-code", "copilot", "cursor", "codex", "aider", "windsurf", "gemini-cli", "amp", "opencode", "cline"}
)
PR_AI_LABEL_WORDS = ("ai-assisted", "claude", "copilot", "cursor", "codex", "aider", "agent")
DIRECT_REASONS = frozenset({Reason.COMMIT_SHA, Reason.SESSION, Reason.TRAILER})

TOOL_SHA_CONFIDENCE = 0.95
SESSION_CONFIDENCE = 0.9
PR_MARKER_CONFIDENCE = 0.8
SAME_DAY_SAME_REPO_CONFIDENCE = 0.5
SAME_DAY_CONFIDENCE = 0.35
PR_SPAN_CONFIDENCE = 0.3


def is_coding_tool(tool: str) -> bool:
    return tool.lower() in CODING_TOOLS


@dataclass(frozen=True)
class Link:
    reason: str
    confidence: float
    tools: tuple[str, ...]
    usage_fact_id: int | None = None
    session_id: int | None = None
    rule: str = ""  # the attribution rule's name, for links found by one

    @property
    def direct(self) -> bool:
        return self.reason in DIRECT_REASONS


@dataclass
class Involvement:
    commit_links: dict[int, list[Link]] = field(default_factory=dict)
    pr_links: dict[int, list[Link]] = field(default_factory=dict)
    linked_days: set[date] = field(default_factory=set)

    def commit_assisted(self, commit: Commit) -> bool:
        return bool(self.commit_links.get(commit.pk))

    def pr_assisted(self, pull_request: PullRequest) -> bool:
        return bool(self.pr_links.get(pull_request.pk))

    def strongest_for_commit(self, commit: Commit) -> Link | None:
        return strongest(self.commit_links.get(commit.pk, []))

    def strongest_for_pr(self, pull_request: PullRequest) -> Link | None:
        return strongest(self.pr_links.get(pull_request.pk, []))


def strongest(links: Iterable[Link]) -> Link | None:
    """Direct before temporal, then the higher confidence; ties keep the first found (deterministic)."""
    best: Link | None = None
    for link in links:
        if best is None or (link.direct, link.confidence) > (best.direct, best.confidence):
            best = link
    return best


def same_repository(usage_repository: str, full_name: str) -> bool | None:
    """None when the usage source does not name a repository; else whether the names agree (owner optional)."""
    if not usage_repository:
        return None
    usage_name, work_name = usage_repository.lower().strip("/"), full_name.lower()
    return usage_name == work_name or usage_name.rsplit("/", 1)[-1] == work_name.rsplit("/", 1)[-1]


def session_days(session: UsageSession) -> list[date]:
    first, last = session.started_at.date(), session.ended_at.date()
    return [first + timedelta(days=offset) for offset in range((last - first).days + 1)]


class _UsageByDay:
    """AI coding-tool usage per UTC day: daily facts and sessions, for temporal links."""

    def __init__(self, activity: Activity) -> None:
        self.facts: dict[date, list[UsageFact]] = defaultdict(list)
        self.sessions: dict[date, list[UsageSession]] = defaultdict(list)
        for fact in activity.usage_facts:
            if is_coding_tool(fact.tool) and fact.input_uncached + fact.cache_read + fact.cache_write + fact.output:
                self.facts[fact.day].append(fact)
        for session in activity.sessions:
            if is_coding_tool(session.tool):
                for day in session_days(session):
                    self.sessions[day].append(session)

    def temporal(self, *, day: date, repository: str, reason: str, confidences: tuple[float, float]) -> Link | None:
        """The usage on this day that fits the repository; None when there is none or it names other repositories."""
        facts = [
            (fact, fit)
            for fact in self.facts.get(day, [])
            if (fit := same_repository(fact.repository_name, repository)) is not False
        ]
        sessions = [
            (session, fit)
            for session in self.sessions.get(day, [])
            if (fit := same_repository(session.repository_name, repository)) is not False
        ]
        fits = [fit for _fact, fit in facts] + [fit for _session, fit in sessions]
        if not fits:
            return None
        same_repo_confidence, any_repo_confidence = confidences
        return Link(
            reason=reason,
            confidence=same_repo_confidence if any(fits) else any_repo_confidence,
            tools=tuple(sorted({fact.tool for fact, _fit in facts} | {session.tool for session, _fit in sessions})),
            usage_fact_id=facts[0][0].pk if facts else None,
            session_id=sessions[0][0].pk if sessions else None,
        )


def involvement_find(activity: Activity) -> Involvement:
    linker = _Linker(activity)
    involvement = Involvement()
    for commit in activity.commits:
        links = linker.commit(commit)
        if links:
            involvement.commit_links[commit.pk] = links
            involvement.linked_days.add(commit.authored_at.date())
            for link in links:
                if link.session_id is not None:
                    involvement.linked_days.update(linker.session_days_of(link.session_id))
    for pull_request in activity.pull_requests:
        links = linker.pull_request(pull_request, involvement)
        if links:
            involvement.pr_links[pull_request.pk] = links
            if any(link.reason == Reason.PR_SPAN for link in links):
                involvement.linked_days.update(_pr_span_days(pull_request, activity.window.start, activity.window.end))
    return involvement


class _Linker:
    def __init__(self, activity: Activity) -> None:
        self.activity = activity
        self.by_day = _UsageByDay(activity)
        self.reported: dict[str, list[ToolReportedCommit]] = defaultdict(list)
        for tool_commit in activity.tool_commits:
            self.reported[tool_commit.sha].append(tool_commit)
        self.sessions_by_sha: dict[str, list[UsageSession]] = defaultdict(list)
        self.sessions_by_id: dict[str, UsageSession] = {}
        self.sessions_by_pk: dict[int, UsageSession] = {}
        for session in activity.sessions:
            self.sessions_by_id[session.session_id] = session
            self.sessions_by_pk[session.pk] = session
            for sha in session.commit_shas:
                self.sessions_by_sha[str(sha)].append(session)

    def session_days_of(self, session_pk: int) -> list[date]:
        return session_days(self.sessions_by_pk[session_pk])

    def direct(self, commit: Commit) -> list[Link]:
        links = [
            Link(Reason.COMMIT_SHA, TOOL_SHA_CONFIDENCE, (tool_commit.tool,))
            for tool_commit in self.reported[commit.sha]
        ]
        links += [
            Link(Reason.COMMIT_SHA, TOOL_SHA_CONFIDENCE, (session.tool,), session_id=session.pk)
            for session in self.sessions_by_sha[commit.sha]
        ]
        for _key, value in commit.trailers:
            session = self.sessions_by_id.get(str(value).strip())
            if session is not None:
                links.append(Link(Reason.SESSION, SESSION_CONFIDENCE, (session.tool,), session_id=session.pk))
        for attribution in self.activity.attributions_of(commit):
            reason = Reason.COMMIT_SHA if attribution.kind == "tool_sha" else Reason.TRAILER
            links.append(Link(reason, attribution.confidence, (attribution.tool,), rule=attribution.rule_name))
        return links

    def commit(self, commit: Commit) -> list[Link]:
        links = self.direct(commit)
        if links:
            return links
        temporal = self.by_day.temporal(
            day=commit.authored_at.date(),
            repository=commit.repository.full_name,
            reason=Reason.SAME_DAY,
            confidences=(SAME_DAY_SAME_REPO_CONFIDENCE, SAME_DAY_CONFIDENCE),
        )
        return [temporal] if temporal else []

    def pull_request(self, pull_request: PullRequest, involvement: Involvement) -> list[Link]:
        """AI-assisted commits (a person's or an agent's) roll up to the PR they landed in; then markers; then the
        PR's open span."""
        links: list[Link] = []
        for commit in self.activity.commits_of(pull_request):
            best = strongest(involvement.commit_links.get(commit.pk) or self.direct(commit))
            if best is not None and best.direct:
                links.append(best)
        labels = [str(label).lower() for label in pull_request.labels]
        if pull_request.body_markers or any(word in label for label in labels for word in PR_AI_LABEL_WORDS):
            links.append(Link(Reason.TRAILER, PR_MARKER_CONFIDENCE, ()))
        if links:
            return links
        window = self.activity.window
        span = [
            self.by_day.temporal(
                day=day,
                repository=pull_request.repository.full_name,
                reason=Reason.PR_SPAN,
                confidences=(PR_SPAN_CONFIDENCE, PR_SPAN_CONFIDENCE),
            )
            for day in _pr_span_days(pull_request, window.start, window.end)
        ]
        found = [link for link in span if link is not None]
        if not found:
            return []
        tools = tuple(sorted({tool for link in found for tool in link.tools}))
        return [Link(Reason.PR_SPAN, PR_SPAN_CONFIDENCE, tools, found[0].usage_fact_id, found[0].session_id)]


def _pr_span_days(pull_request: PullRequest, window_start: date, window_end: date) -> list[date]:
    ended_at: datetime | None = pull_request.merged_at or pull_request.closed_at
    last = min(ended_at.date() if ended_at else window_end, window_end)
    first = max(pull_request.created_at.date(), window_start)
    return [first + timedelta(days=offset) for offset in range((last - first).days + 1)]

"""How AI was involved in each work item: the links between a person's usage and their commits and PRs.

Direct links first (a SHA the tool reported, a session id, an AI trailer or marker), then temporal ones: a day of AI
coding-tool use links to the person's work in the same repository (any, when the source names none) within the
following 5 working days, because people use a tool on Monday and commit on Wednesday. A same-day link is the
strongest temporal one; each working day between the use and the work takes 0.1 of its confidence away. A PR's
span runs from its first commit's author date (or its opening, if earlier) to its merge or close. Every link keeps
its reason and confidence. The linking service stores what this module finds, and the
facts read it from here, so the packet and the stored links can never disagree.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta

from evidence.facts.activity import Activity
from evidence.models import (
    AttributionRule,
    Commit,
    PullRequest,
    ToolReportedCommit,
    UsageFact,
    UsageSession,
    WorkLink,
)

Reason = WorkLink.Reason
ATTRIBUTION_EVIDENCE: dict[str, str] = {
    AttributionRule.Kind.TOOL_SHA: "commit SHA reported by the tool",
    AttributionRule.Kind.AGENT_IDENTITY: "agent as the commit's author",
    AttributionRule.Kind.COAUTHOR_TRAILER: "co-author trailer",
    AttributionRule.Kind.SESSION_TRAILER: "session trailer",
    AttributionRule.Kind.SUBJECT_PREFIX: "subject prefix",
    AttributionRule.Kind.PR_MARKER: "pull request label or body marker",
}

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
LINK_WINDOW_WORKING_DAYS = 5
LATER_LINK_DECAY = 0.1  # of the same-day confidence, per working day between the use and the work


def is_coding_tool(tool: str) -> bool:
    return tool.lower() in CODING_TOOLS


@dataclass(frozen=True)
class Link:
    reason: str
    confidence: float
    tools: tuple[str, ...]
    usage_fact_id: int | None = None
    session_id: int | None = None
    evidence: str = ""  # what the link rests on, in words a reader can check: "co-author trailer"
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


def working_days_between(earlier: date, later: date) -> int:
    """Monday-to-Friday days in (earlier, later]: 0 for the same day, 2 from a Monday to its Wednesday, 1 from a
    Saturday to the Monday after it; negative when `later` comes first."""
    if later < earlier:
        return -working_days_between(later, earlier)
    weeks, rest = divmod((later - earlier).days, 7)
    return weeks * 5 + sum(1 for offset in range(1, rest + 1) if (earlier + timedelta(days=offset)).weekday() < 5)


def link_window_days(work_day: date) -> list[tuple[date, int]]:
    """The days whose AI use may have fed work on `work_day`, nearest first, each with the working days between."""
    days: list[tuple[date, int]] = []
    day = work_day
    while (between := working_days_between(day, work_day)) <= LINK_WINDOW_WORKING_DAYS:
        days.append((day, between))
        day -= timedelta(days=1)
    return days


def later_link_confidence(confidence: float, working_days: int) -> float:
    """A same-day confidence weakened for use `working_days` before the work: 0.5 one day later is 0.45."""
    return round(confidence * (1 - LATER_LINK_DECAY * working_days), 4)


def session_days(session: UsageSession) -> list[date]:
    first, last = session.started_at.date(), session.ended_at.date()
    return [first + timedelta(days=offset) for offset in range((last - first).days + 1)]


class _UsageByDay:
    """AI coding-tool usage per UTC day: daily facts and sessions, for temporal links."""

    def __init__(self, activity: Activity) -> None:
        self.facts: dict[date, list[UsageFact]] = defaultdict(list)
        self.sessions: dict[date, list[UsageSession]] = defaultdict(list)
        self.fed_days: set[date] = set()  # usage days that a temporal link tied to work
        for fact in activity.usage_facts:
            if is_coding_tool(fact.tool) and fact.input_uncached + fact.cache_read + fact.cache_write + fact.output:
                self.facts[fact.day].append(fact)
        for session in activity.sessions:
            if is_coding_tool(session.tool):
                for day in session_days(session):
                    self.sessions[day].append(session)

    def on_day(self, *, day: date, repository: str) -> tuple[bool, list[UsageFact], list[UsageSession]] | None:
        """The usage on this day that fits the repository, and whether any names it; None when there is none."""
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
        if not facts and not sessions:
            return None
        named = any(fit for _fact, fit in facts) or any(fit for _session, fit in sessions)
        return named, [fact for fact, _fit in facts], [session for session, _fit in sessions]

    def temporal(
        self,
        *,
        days: list[tuple[date, int]],
        repository: str,
        reasons: tuple[str, str],
        confidences: tuple[float, float],
        evidence: tuple[str, str],
    ) -> list[Link]:
        """The strongest link from usage on these (day, working days before the work) pairs, or none when no day has
        usage that fits the repository; usage naming another repository never links. The days that fed the work are
        added to fed_days.

        reasons and evidence: for use on the work's days, for use earlier in the window (evidence's second text
        takes {days}); confidences: when the source names this repository, when it names none.
        """
        best: Link | None = None
        fed: set[date] = set()
        tools: set[str] = set()
        for day, before in days:
            found = self.on_day(day=day, repository=repository)
            if found is None:
                continue
            named, facts, sessions = found
            fed.add(day)
            tools |= {fact.tool for fact in facts} | {session.tool for session in sessions}
            confidence = later_link_confidence(confidences[0] if named else confidences[1], before)
            if best is None or confidence > best.confidence:
                best = Link(
                    reason=reasons[0] if before == 0 else reasons[1],
                    confidence=confidence,
                    tools=(),
                    usage_fact_id=facts[0].pk if facts else None,
                    session_id=sessions[0].pk if sessions else None,
                    evidence=evidence[0] if before == 0 else evidence[1].format(days=before),
                )
        if best is None:
            return []
        self.fed_days |= fed
        return [replace(best, tools=tuple(sorted(tools)))]


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
    involvement.linked_days |= linker.by_day.fed_days
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
            Link(
                Reason.COMMIT_SHA, TOOL_SHA_CONFIDENCE, (tool_commit.tool,), evidence="commit SHA reported by the tool"
            )
            for tool_commit in self.reported[commit.sha]
        ]
        links += [
            Link(
                Reason.COMMIT_SHA,
                TOOL_SHA_CONFIDENCE,
                (session.tool,),
                session_id=session.pk,
                evidence="commit SHA in the tool's session",
            )
            for session in self.sessions_by_sha[commit.sha]
        ]
        for _key, value in commit.trailers:
            session = self.sessions_by_id.get(str(value).strip())
            if session is not None:
                links.append(
                    Link(
                        Reason.SESSION,
                        SESSION_CONFIDENCE,
                        (session.tool,),
                        session_id=session.pk,
                        evidence="session id in a trailer",
                    )
                )
        for attribution in self.activity.attributions_of(commit):
            reason = Reason.COMMIT_SHA if attribution.kind == AttributionRule.Kind.TOOL_SHA else Reason.TRAILER
            evidence = ATTRIBUTION_EVIDENCE.get(attribution.kind, attribution.kind)
            links.append(
                Link(reason, attribution.confidence, (attribution.tool,), evidence=evidence, rule=attribution.rule_name)
            )
        return links

    def commit(self, commit: Commit) -> list[Link]:
        """Direct links when there are any, else the temporal one. The temporal look-up runs either way: the use in
        the window fed the commit however it is attributed (coverage counts those days as linked)."""
        temporal = self.by_day.temporal(
            days=link_window_days(commit.authored_at.date()),
            repository=commit.repository.full_name,
            reasons=(Reason.SAME_DAY, Reason.DAYS_BEFORE),
            confidences=(SAME_DAY_SAME_REPO_CONFIDENCE, SAME_DAY_CONFIDENCE),
            evidence=(
                "AI coding-tool use on the commit's day",
                "AI coding-tool use {days} working day(s) before the commit",
            ),
        )
        return self.direct(commit) or temporal

    def pull_request(self, pull_request: PullRequest, involvement: Involvement) -> list[Link]:
        """AI-assisted commits (a person's or an agent's) roll up to the PR they landed in; then markers; then use
        during the PR's span or the 5 working days before it (looked up either way, for coverage, as for commits)."""
        span = pr_span_days(pull_request, self.activity)
        before = link_window_days(span[0])[1:] if span else []
        temporal = self.by_day.temporal(
            days=[(day, 0) for day in span] + before,
            repository=pull_request.repository.full_name,
            reasons=(Reason.PR_SPAN, Reason.PR_SPAN),
            confidences=(PR_SPAN_CONFIDENCE, PR_SPAN_CONFIDENCE),
            evidence=(
                "AI coding-tool use between the pull request's first commit and its merge",
                "AI coding-tool use {days} working day(s) before the pull request's first commit",
            ),
        )
        links: list[Link] = []
        for commit in self.activity.commits_of(pull_request):
            best = strongest(involvement.commit_links.get(commit.pk) or self.direct(commit))
            if best is not None and best.direct:
                links.append(best)
        labels = [str(label).lower() for label in pull_request.labels]
        if pull_request.body_markers or any(word in label for label in labels for word in PR_AI_LABEL_WORDS):
            links.append(Link(Reason.TRAILER, PR_MARKER_CONFIDENCE, (), evidence="pull request label or body marker"))
        return links or temporal


def pr_span_days(pull_request: PullRequest, activity: Activity) -> list[date]:
    """The PR's days of work within the window: from its first commit's author date (or its opening, if earlier) to
    its merge or close, or to the window's end while it is open."""
    window = activity.window
    started = min([pull_request.created_at] + [commit.authored_at for commit in activity.commits_of(pull_request)])
    ended_at: datetime | None = pull_request.merged_at or pull_request.closed_at
    last = min(ended_at.date() if ended_at else window.end, window.end)
    first = max(started.date(), window.start)
    return [first + timedelta(days=offset) for offset in range((last - first).days + 1)]

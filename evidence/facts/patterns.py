"""How AI was used, read from metadata only (tool-call counts, accepted edits, agent commits, review days).

Each pattern names the figures it rests on, so a reader can check it, and its confidence follows how many items
(sessions, agent commits, days) it rests on: one item is an anecdote (low), two to four are medium, five or more
high. No prompt or response text is read: none is stored anywhere.
"""

from __future__ import annotations

from collections import defaultdict

from evidence.facts.activity import Activity
from evidence.facts.involvement import is_coding_tool, session_days
from evidence.facts.schema import Level, PatternDict
from evidence.models import AttributionRule, ToolOutcomeFact, UsageSession

EDIT_CALLS = frozenset({"Edit", "MultiEdit", "Write", "NotebookEdit", "edit_tool", "multi_edit_tool", "write_tool"})
READ_CALLS = frozenset({"Read", "Grep", "Glob", "LS", "WebFetch", "WebSearch", "NotebookRead"})
RUN_CALLS = frozenset({"Bash"})
MIN_SESSIONS = 2  # one session is an anecdote, not a pattern
HIGH_CONFIDENCE_SESSIONS = 5
MIN_ACCEPTED_FOR_DELEGATION = 5
MIN_READS_FOR_EXPLORATION = 5
MIN_CYCLE_CALLS = 3
MIN_REVIEW_DAYS = 2
MIN_DAILY_REQUESTS = 10


def calls(session: UsageSession, names: frozenset[str]) -> int:
    return sum(int(count) for name, count in session.tool_calls.items() if name in names)


def patterns_section(*, activity: Activity) -> list[PatternDict]:
    sessions = [session for session in activity.sessions if is_coding_tool(session.tool)]
    daily = _daily_metrics(activity)
    found = [
        _delegation(activity, sessions, daily),
        _exploration(sessions, daily),
        _iterative_debugging(sessions),
        _review_assistance(activity),
        _inline_completion(activity, daily),
    ]
    return [pattern for pattern in found if pattern is not None]


def _daily_metrics(activity: Activity) -> dict[str, int]:
    totals: dict[str, int] = defaultdict(int)
    for fact in activity.outcome_facts:
        totals[fact.metric] += fact.value
    return totals


def _items_confidence(items: int) -> Level:
    """Low for fewer than two items (an anecdote), high for five or more, medium between."""
    if items < MIN_SESSIONS:
        return "low"
    return "high" if items >= HIGH_CONFIDENCE_SESSIONS else "medium"


def _delegation(activity: Activity, sessions: list[UsageSession], daily: dict[str, int]) -> PatternDict | None:
    delegated = [
        session
        for session in sessions
        if session.edits_accepted >= MIN_ACCEPTED_FOR_DELEGATION
        and calls(session, READ_CALLS) <= session.edits_accepted
    ]
    agent_commits = sum(
        1
        for commit in activity.commits
        if any(
            attribution.kind == AttributionRule.Kind.AGENT_IDENTITY for attribution in activity.attributions_of(commit)
        )
    )
    agent_requests = daily[ToolOutcomeFact.Metric.AGENT_REQUESTS]
    if len(delegated) < MIN_SESSIONS and not agent_commits and agent_requests < MIN_DAILY_REQUESTS:
        return None
    return {
        "kind": "delegation",
        "label": "Delegation",
        "summary": "Handed whole changes to an AI tool or agent and accepted its edits, with little reading first.",
        "rests_on": {
            "sessions_with_many_accepted_edits": len(delegated),
            "accepted_edits_in_those_sessions": sum(session.edits_accepted for session in delegated),
            "commits_authored_by_an_agent": agent_commits,
            "agent_requests": agent_requests,
        },
        # agent requests are a daily count, not items: alone they leave the pattern low
        "confidence": _items_confidence(len(delegated) + agent_commits),
    }


def _exploration(sessions: list[UsageSession], daily: dict[str, int]) -> PatternDict | None:
    exploring = [
        session
        for session in sessions
        if calls(session, READ_CALLS) >= MIN_READS_FOR_EXPLORATION and session.edits_accepted == 0
    ]
    chat_requests = daily[ToolOutcomeFact.Metric.CHAT_REQUESTS]
    if len(exploring) < MIN_SESSIONS and chat_requests < MIN_DAILY_REQUESTS:
        return None
    return {
        "kind": "exploration",
        "label": "Exploration and understanding",
        "summary": "Used AI to read, search and explain code without changing it.",
        "rests_on": {
            "sessions_reading_without_edits": len(exploring),
            "read_and_search_calls": sum(calls(session, READ_CALLS) for session in exploring),
            "chat_requests": chat_requests,
        },
        "confidence": _items_confidence(len(exploring)),
    }


def _iterative_debugging(sessions: list[UsageSession]) -> PatternDict | None:
    cycling = [
        session
        for session in sessions
        if calls(session, RUN_CALLS) >= MIN_CYCLE_CALLS and calls(session, EDIT_CALLS) >= MIN_CYCLE_CALLS
    ]
    if len(cycling) < MIN_SESSIONS:
        return None
    return {
        "kind": "iterative_debugging",
        "label": "Iterative debugging",
        "summary": "Sessions that alternate edits with running commands such as tests: edit, run, fix, run again.",
        "rests_on": {
            "sessions_with_edit_and_run_cycles": len(cycling),
            "edit_calls": sum(calls(session, EDIT_CALLS) for session in cycling),
            "run_calls": sum(calls(session, RUN_CALLS) for session in cycling),
        },
        "confidence": _items_confidence(len(cycling)),
    }


def _review_assistance(activity: Activity) -> PatternDict | None:
    """Review days with AI coding-tool use and no commit of one's own: timing only, so low confidence."""
    usage_days = {fact.day for fact in activity.usage_facts if is_coding_tool(fact.tool)}
    usage_days |= {day for session in activity.sessions for day in session_days(session)}
    commit_days = {commit.authored_at.date() for commit in activity.commits}
    review_days = {review.submitted_at.date() for review in activity.reviews_given}
    assisted = sorted(day for day in review_days & usage_days if day not in commit_days)
    if len(assisted) < MIN_REVIEW_DAYS:
        return None
    return {
        "kind": "review_assistance",
        "label": "Review assistance",
        "summary": "Used an AI coding tool on days spent reviewing others' pull requests rather than committing.",
        "rests_on": {
            "review_days_with_ai_use_and_no_own_commit": len(assisted),
            "reviews_given": len(activity.reviews_given),
        },
        "confidence": "low",
    }


def _inline_completion(activity: Activity, daily: dict[str, int]) -> PatternDict | None:
    """Acceptance is a weak signal of value, so never high; one day of it is low."""
    accepted = daily[ToolOutcomeFact.Metric.SUGGESTIONS_ACCEPTED]
    if not accepted:
        return None
    days = {
        fact.day
        for fact in activity.outcome_facts
        if fact.metric == ToolOutcomeFact.Metric.SUGGESTIONS_ACCEPTED and fact.value
    }
    return {
        "kind": "inline_completion",
        "label": "Inline completions",
        "summary": "Accepted inline suggestions while typing (tab completions).",
        "rests_on": {
            "suggestions_shown": daily[ToolOutcomeFact.Metric.SUGGESTIONS_SHOWN],
            "suggestions_accepted": accepted,
            "lines_accepted": daily[ToolOutcomeFact.Metric.LINES_ACCEPTED],
            "days_with_accepted_suggestions": len(days),
        },
        "confidence": "low" if len(days) < MIN_SESSIONS else "medium",
    }

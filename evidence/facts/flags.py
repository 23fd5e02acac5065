"""Context flags: patterns of usage the employee sees first and may explain. Never a score, never a rank.

Each flag carries its days and the figures behind it. Thresholds are constants here and in
docs/evidence-definitions.md, so a reader can check why a flag was raised.
"""

from __future__ import annotations

from bisect import bisect_left
from collections import defaultdict
from datetime import date, timedelta
from statistics import median

from evidence.facts.activity import Activity
from evidence.facts.involvement import (
    LINK_WINDOW_WORKING_DAYS,
    is_coding_tool,
    pr_span_days,
    session_days,
    working_days_between,
)
from evidence.facts.schema import FlagDict
from evidence.facts.usage import fact_tokens
from evidence.models import ToolOutcomeFact, UsageSession

UNLINKED_MIN_DAYS = 3
UNLINKED_MIN_SHARE = 0.5
IDLE_SESSION_MIN_HOURS = 2.0
IDLE_SESSION_MIN_TOKENS = 2_000_000
IDLE_DAY_MIN_TOKENS = 10_000_000
SPIKE_RATIO = 3.0
SPIKE_MIN_WEEKS = 4
ACCEPTED = (ToolOutcomeFact.Metric.EDITS_ACCEPTED, ToolOutcomeFact.Metric.SUGGESTIONS_ACCEPTED)


def session_tokens(session: UsageSession) -> int:
    return session.input_uncached + session.cache_read + session.cache_write + session.output


def flags_section(*, activity: Activity) -> list[FlagDict]:
    coding_tokens = _coding_tokens_by_day(activity)
    found = [
        _unlinked_usage(activity, coding_tokens),
        _idle_loop(activity, coding_tokens),
        _volume_spike(activity, coding_tokens),
    ]
    return [flag for flag in found if flag is not None]


def work_days(activity: Activity) -> set[date]:
    """Days with a commit, a day of a PR's span or a review of the person's: work that AI use could have fed."""
    days = {commit.authored_at.date() for commit in activity.commits}
    for pull_request in activity.pull_requests:
        days.update(pr_span_days(pull_request, activity))
    days |= {review.submitted_at.date() for review in activity.reviews_given}
    return days


def _near_work(day: date, work: list[date]) -> bool:
    """Whether any work day lies within the linking window (5 working days) before or after this day."""
    index = bisect_left(work, day)
    neighbours = work[max(index - 1, 0) : index + 1]
    return any(abs(working_days_between(day, other)) <= LINK_WINDOW_WORKING_DAYS for other in neighbours)


def _feeds_work(day: date, work: list[date]) -> bool:
    """Whether a work day comes on this day or within the linking window (5 working days) after it."""
    index = bisect_left(work, day)
    return index < len(work) and working_days_between(day, work[index]) <= LINK_WINDOW_WORKING_DAYS


def _coding_tokens_by_day(activity: Activity) -> dict[date, int]:
    tokens: dict[date, int] = defaultdict(int)
    for fact in activity.usage_facts:
        if is_coding_tool(fact.tool):
            tokens[fact.day] += fact_tokens(fact)
    return {day: count for day, count in tokens.items() if count}


def _unlinked_usage(activity: Activity, coding_tokens: dict[date, int]) -> FlagDict | None:
    total = sum(coding_tokens.values())
    work = sorted(work_days(activity))
    days = sorted(day for day in coding_tokens if not _near_work(day, work))
    unlinked = sum(coding_tokens[day] for day in days)
    share = unlinked / total if total else 0.0
    if not days or (len(days) < UNLINKED_MIN_DAYS and share < UNLINKED_MIN_SHARE):
        return None
    return {
        "kind": "unlinked_usage",
        "summary": (
            f"AI coding-tool use on {len(days)} day(s), {share:.0%} of the cycle's coding-tool tokens, with no "
            f"commit, pull request or review within {LINK_WINDOW_WORKING_DAYS} working days before or after. It "
            "may be exploration, learning, design or work outside the connected repositories: the employee can "
            "explain."
        ),
        "days": [day.isoformat() for day in days],
        "figures": {"days": len(days), "tokens_on_those_days": unlinked, "share_of_coding_tokens": round(share, 4)},
    }


def _idle_loop(activity: Activity, coding_tokens: dict[date, int]) -> FlagDict | None:
    """Long, heavy sessions (or heavy days without sessions) with nothing accepted and no work of the person on
    them or in the 5 working days after: a long read before a change is exploration, not a loop."""
    work = sorted(work_days(activity))
    idle_sessions = [
        session
        for session in activity.sessions
        if is_coding_tool(session.tool)
        and (session.ended_at - session.started_at).total_seconds() / 3600 >= IDLE_SESSION_MIN_HOURS
        and session_tokens(session) >= IDLE_SESSION_MIN_TOKENS
        and session.edits_accepted == 0
        and not session.commit_shas
        and not any(_feeds_work(day, work) for day in session_days(session))
    ]
    session_covered = {day for session in activity.sessions for day in session_days(session)}
    accepted_by_day: dict[date, int] = defaultdict(int)
    for fact in activity.outcome_facts:
        if fact.metric in ACCEPTED:
            accepted_by_day[fact.day] += fact.value
    idle_days = sorted(
        day
        for day, tokens in coding_tokens.items()
        if tokens >= IDLE_DAY_MIN_TOKENS
        and day not in session_covered
        and not accepted_by_day[day]
        and not _feeds_work(day, work)
    )
    if not idle_sessions and not idle_days:
        return None
    days = sorted({day for session in idle_sessions for day in session_days(session)} | set(idle_days))
    hours = sum((session.ended_at - session.started_at).total_seconds() / 3600 for session in idle_sessions)
    return {
        "kind": "idle_loop",
        "summary": (
            "Very high volume in long sessions with no accepted edit, and no commit, pull request or review then or "
            f"in the {LINK_WINDOW_WORKING_DAYS} working days after. Often an agent left running or retrying; "
            "sometimes a long investigation: the employee can explain."
        ),
        "days": [day.isoformat() for day in days],
        "figures": {
            "sessions": len(idle_sessions),
            "session_hours": round(hours, 1),
            "tokens_in_those_sessions": sum(session_tokens(session) for session in idle_sessions),
            "days_without_sessions": len(idle_days),
            "tokens_on_those_days": sum(coding_tokens[day] for day in idle_days),
            "accepted_edits": 0,
            "commits": 0,
        },
    }


def _volume_spike(activity: Activity, coding_tokens: dict[date, int]) -> FlagDict | None:
    """A week with at least three times the person's median weekly volume, no more output than a median week, and no
    work in the 5 working days after it: a heavy week of exploration that fed the next week's PR is not a spike."""
    week_tokens: dict[date, int] = defaultdict(int)
    for day, tokens in coding_tokens.items():
        week_tokens[_week_start(day)] += tokens
    if len(week_tokens) < SPIKE_MIN_WEEKS:
        return None
    work = sorted(work_days(activity))
    week_output: dict[date, int] = defaultdict(int)
    for commit in activity.commits:
        week_output[_week_start(commit.authored_at.date())] += 1
    for pull_request in activity.pull_requests:
        if pull_request.merged_at is not None:
            week_output[_week_start(pull_request.merged_at.date())] += 1
    median_tokens = median(week_tokens.values())
    median_output = median(week_output[week] for week in week_tokens)
    spikes = sorted(
        week
        for week, tokens in week_tokens.items()
        if median_tokens
        and tokens >= SPIKE_RATIO * median_tokens
        and week_output[week] <= median_output
        and not _feeds_work(week + timedelta(days=4), work)
    )
    if not spikes:
        return None
    return {
        "kind": "volume_spike",
        "summary": (
            f"Usage rose to {SPIKE_RATIO:g} times a usual week or more in {len(spikes)} week(s) with no rise in "
            "commits or merged pull requests. Context only: the employee can explain."
        ),
        "days": [day.isoformat() for day in sorted(coding_tokens) if _week_start(day) in spikes],
        "figures": {
            "weeks": [
                {
                    "week_start": week.isoformat(),
                    "tokens": week_tokens[week],
                    "commits_and_merged_prs": week_output[week],
                }
                for week in spikes
            ],
            "median_weekly_tokens": median_tokens,
            "median_weekly_commits_and_merged_prs": median_output,
        },
    }


def _week_start(day: date) -> date:
    return day - timedelta(days=day.weekday())

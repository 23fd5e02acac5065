"""Usage patterns from metadata, and the volume-spike flag, with hand-computed figures."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from evidence.models import ToolOutcomeFact
from tests.evidence.scenarios.builders import at, commit, outcome, session, usage_day
from tests.evidence.scenarios.checks import valid_facts
from tests.factories import make_cycle, make_person

pytestmark = pytest.mark.django_db

D = date


def test_patterns_each_rest_on_the_metadata_they_name() -> None:
    cycle = make_cycle(name="2026-H1", start=D(2026, 1, 1), end=D(2026, 6, 30))
    person = make_person()
    day = D(2026, 3, 2)
    for index in range(5):
        session(person, session_id=f"del-{index}", start=at(day, 9), hours=1, edits_accepted=10, tool_calls={"Read": 2})
    for index in range(2):
        session(person, session_id=f"exp-{index}", start=at(day, 12), hours=1, tool_calls={"Read": 6, "Grep": 4})
        session(
            person,
            session_id=f"dbg-{index}",
            start=at(day, 14),
            hours=1,
            edits_accepted=2,
            tool_calls={"Bash": 5, "Edit": 4},
        )
    outcome(person, day=day, metric=ToolOutcomeFact.Metric.SUGGESTIONS_SHOWN, value=100, tool="copilot")
    outcome(person, day=day, metric=ToolOutcomeFact.Metric.SUGGESTIONS_ACCEPTED, value=30, tool="copilot")

    facts = valid_facts(person, cycle)

    patterns = {pattern["kind"]: pattern for pattern in facts["patterns"]}
    assert set(patterns) == {"delegation", "exploration", "iterative_debugging", "inline_completion"}
    assert patterns["delegation"]["rests_on"]["sessions_with_many_accepted_edits"] == 5
    assert patterns["delegation"]["rests_on"]["accepted_edits_in_those_sessions"] == 50
    assert patterns["delegation"]["confidence"] == "high"
    assert patterns["exploration"]["rests_on"]["read_and_search_calls"] == 20
    assert patterns["exploration"]["confidence"] == "medium"
    assert patterns["iterative_debugging"]["rests_on"] == {
        "sessions_with_edit_and_run_cycles": 2,
        "edit_calls": 8,
        "run_calls": 10,
    }
    assert patterns["inline_completion"]["rests_on"]["suggestions_accepted"] == 30
    # copilot reports its own counts (30 accepted of 100 shown); claude-code's come from its sessions (54)
    assert facts["usage"]["acceptance"] == {"accepted": 84, "rejected": 70, "rate": 0.5455}
    assert facts["usage"]["sessions"] == 9


def test_one_agent_commit_is_a_delegation_pattern_of_low_confidence() -> None:
    cycle = make_cycle(name="2026-H1", start=D(2026, 1, 1), end=D(2026, 6, 30))
    person = make_person()
    commit(person, day=D(2026, 3, 2), additions=40, ai="copilot-agent")

    facts = valid_facts(person, cycle)

    delegation = next(pattern for pattern in facts["patterns"] if pattern["kind"] == "delegation")
    assert delegation["rests_on"] == {
        "sessions_with_many_accepted_edits": 0,
        "accepted_edits_in_those_sessions": 0,
        "commits_authored_by_an_agent": 1,
        "agent_requests": 0,
    }
    assert delegation["confidence"] == "low"  # one item is an anecdote


def test_inline_completions_on_one_day_are_low_and_never_high() -> None:
    cycle = make_cycle(name="2026-H1", start=D(2026, 1, 1), end=D(2026, 6, 30))
    once, often = make_person(email="once@example.com"), make_person(email="often@example.com")
    outcome(once, day=D(2026, 3, 2), metric=ToolOutcomeFact.Metric.SUGGESTIONS_ACCEPTED, value=300, tool="copilot")
    for offset in range(10):
        day = D(2026, 3, 2) + timedelta(days=offset)
        outcome(often, day=day, metric=ToolOutcomeFact.Metric.SUGGESTIONS_ACCEPTED, value=30, tool="copilot")

    levels = [
        next(item for item in valid_facts(person, cycle)["patterns"] if item["kind"] == "inline_completion")
        for person in (once, often)
    ]

    assert [(item["rests_on"]["days_with_accepted_suggestions"], item["confidence"]) for item in levels] == [
        (1, "low"),
        (10, "medium"),
    ]


def test_a_week_of_triple_volume_with_no_more_output_is_a_volume_spike() -> None:
    cycle = make_cycle(name="2026-H1", start=D(2026, 1, 1), end=D(2026, 6, 30))
    person = make_person()
    mondays = [D(2026, 2, 2) + timedelta(weeks=week) for week in range(6)]
    for monday in mondays[:5]:
        usage_day(person, day=monday, input_uncached=100_000)
        commit(person, day=monday, additions=10)
    usage_day(person, day=mondays[5], input_uncached=1_000_000)

    facts = valid_facts(person, cycle)

    spike = next(flag for flag in facts["flags"] if flag["kind"] == "volume_spike")
    assert spike["days"] == ["2026-03-09"]
    assert spike["figures"] == {
        "weeks": [{"week_start": "2026-03-09", "tokens": 1_000_000, "commits_and_merged_prs": 0}],
        "median_weekly_tokens": 100_000,
        "median_weekly_commits_and_merged_prs": 1,
    }
    assert facts["outcomes"]["ai_assisted"]["commits"] == 5  # same-day links, weak
    assert facts["outcomes"]["ai_assisted"]["confidence"]["level"] == "low"


def test_a_heavy_week_that_feeds_the_next_weeks_work_is_no_spike() -> None:
    cycle = make_cycle(name="2026-H1", start=D(2026, 1, 1), end=D(2026, 6, 30))
    person = make_person()
    mondays = [D(2026, 2, 2) + timedelta(weeks=week) for week in range(6)]
    for monday in mondays[:5]:
        usage_day(person, day=monday, input_uncached=100_000)
    for monday in mondays[:4]:
        commit(person, day=monday, additions=10)
    usage_day(person, day=mondays[4] + timedelta(days=1), input_uncached=1_000_000)  # exploring, no commit that week
    commit(person, day=mondays[5] + timedelta(days=1), additions=400)  # the large change, the Tuesday after

    assert [flag["kind"] for flag in valid_facts(person, cycle)["flags"]] == []


def test_a_long_heavy_read_before_a_commit_two_days_later_is_no_idle_loop() -> None:
    cycle = make_cycle(name="2026-H1", start=D(2026, 1, 1), end=D(2026, 6, 30))
    reader, looper = make_person(email="reader@example.com"), make_person(email="looper@example.com")
    for person in (reader, looper):
        session(
            person,
            session_id=f"long-{person.pk}",
            start=at(D(2026, 3, 3), 9),  # a Tuesday
            hours=3,
            input_uncached=300_000,
            cache_read=2_700_000,
            tool_calls={"Read": 80, "Grep": 30},
        )
    commit(reader, day=D(2026, 3, 5), additions=200)  # Thursday: the change the reading fed
    commit(looper, day=D(2026, 3, 12), additions=200)  # 7 working days later: outside the window

    kinds = {
        person.email: [flag["kind"] for flag in valid_facts(person, cycle)["flags"]] for person in (reader, looper)
    }

    assert kinds == {"reader@example.com": [], "looper@example.com": ["idle_loop"]}


def test_steady_volume_raises_no_spike() -> None:
    cycle = make_cycle(name="2026-H1", start=D(2026, 1, 1), end=D(2026, 6, 30))
    person = make_person()
    for week in range(6):
        monday = D(2026, 2, 2) + timedelta(weeks=week)
        usage_day(person, day=monday, input_uncached=100_000 + week * 10_000)
        commit(person, day=monday, additions=10)
    assert valid_facts(person, cycle)["flags"] == []

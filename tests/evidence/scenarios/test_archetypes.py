"""The six archetypes of the issue, each with hand-computed expected figures.

Cycle 2026-01-01 … 2026-06-30. Rows are written as the importers would write them (see builders.py).
"""

from __future__ import annotations

from datetime import date

import pytest

from evidence.models import Review
from tests.evidence.scenarios.builders import actor, at, commit, pull_request, review, session, usage_day
from tests.evidence.scenarios.checks import valid_facts
from tests.factories import make_cycle, make_person

pytestmark = pytest.mark.django_db

D = date


@pytest.fixture
def cycle():  # type: ignore[no-untyped-def]
    return make_cycle(name="2026-H1", start=D(2026, 1, 1), end=D(2026, 6, 30))


def test_efficient_few_tokens_several_lasting_ai_changes(cycle) -> None:  # type: ignore[no-untyped-def]
    efi = make_person(name="Efi", email="efi@example.com", team="Payments")
    for day in (D(2026, 2, 2), D(2026, 2, 3), D(2026, 2, 10)):
        usage_day(efi, day=day, input_uncached=10_000, cache_read=30_000, cache_write=5_000, output=5_000, cost="1.50")
    c1 = commit(efi, day=D(2026, 2, 2), additions=100, surviving=95, ai="claude-trailer")
    c2 = commit(efi, day=D(2026, 2, 3), additions=50, surviving=50, ai="claude-trailer", touches_tests=True)
    c3 = commit(efi, day=D(2026, 2, 10), additions=40, deletions=60, surviving=40, ai="claude-trailer")
    c4 = commit(efi, day=D(2026, 3, 5), additions=30, surviving=15)
    pull_request(efi, number=1, opened=at(D(2026, 2, 2), 9), merged=at(D(2026, 2, 3), 15), commits=[c1, c2])
    pull_request(efi, number=2, opened=at(D(2026, 2, 10), 10), merged=at(D(2026, 2, 10), 14), commits=[c3])
    pull_request(efi, number=3, opened=at(D(2026, 3, 5), 10), merged=at(D(2026, 3, 6), 10), commits=[c4])

    facts = valid_facts(efi, cycle)

    ai, other = facts["outcomes"]["ai_assisted"], facts["outcomes"]["other"]
    assert (ai["commits"], ai["prs_opened"], ai["prs_merged"], ai["merge_rate"]) == (3, 2, 2, 1.0)
    assert ai["median_hours_to_merge"] == 17.0  # median of 30 h and 4 h
    assert ai["median_pr_lines"] == 125  # median of 150 and 100
    assert (ai["lines_added"], ai["lines_surviving"], ai["survival_share"]) == (190, 185, 0.9737)
    assert (ai["reverted"], ai["tests_touched"], ai["refactor_lines_deleted"]) == (0, 1, 60)
    assert ai["confidence"]["level"] == "high"
    assert (other["commits"], other["prs_merged"], other["lines_added"], other["survival_share"]) == (1, 1, 30, 0.5)
    assert other["median_hours_to_merge"] == 24.0
    usage = facts["usage"]
    assert usage["tokens"] == {"input_uncached": 30_000, "cache_read": 90_000, "cache_write": 15_000, "output": 15_000}
    assert usage["cache_read_share"] == 0.6667  # 90k of 135k input-side tokens
    assert usage["cost_usd"] == 4.5
    assert usage["active_days"] == 3
    assert usage["cost_per_merged_ai_pr"]["usd"] == 2.25  # 4.50 over 2 merged AI-assisted PRs
    assert usage["cost_per_merged_ai_pr"]["team_band"] is None  # a team of one: no band
    assert [day["linked"] for day in usage["daily"]] == [True, True, True]
    assert facts["coverage"]["usage_linked_share"] == 1.0
    assert facts["flags"] == []
    assert [item["ref"] for item in facts["highlights"]] == ["#2", "#1"]  # 40/40 survived beats 145/150
    assert facts["highlights"][0]["ai"]["reason"] == "trailer"


def test_idle_loop_huge_tokens_long_sessions_nothing_accepted(cycle) -> None:  # type: ignore[no-untyped-def]
    idle = make_person(name="Ida", email="ida@example.com")
    days = [D(2026, 3, 2), D(2026, 3, 3), D(2026, 3, 4)]
    for index, day in enumerate(days):
        usage_day(idle, day=day, input_uncached=200_000, cache_read=3_700_000, output=100_000, cost="40.00")
        session(
            idle,
            session_id=f"idle-{index}",
            start=at(day, 9),
            hours=5,
            input_uncached=200_000,
            cache_read=3_700_000,
            output=100_000,
            edits_rejected=5,
            tool_calls={"Read": 3, "Bash": 40},
        )

    facts = valid_facts(idle, cycle)

    flags = {flag["kind"]: flag for flag in facts["flags"]}
    assert set(flags) == {"idle_loop", "unlinked_usage"}
    assert flags["idle_loop"]["days"] == ["2026-03-02", "2026-03-03", "2026-03-04"]
    loop = flags["idle_loop"]["figures"]
    assert "days_without_sessions" in loop  # the idle loop's figures
    assert (loop["sessions"], loop["session_hours"], loop["tokens_in_those_sessions"]) == (3, 15.0, 12_000_000)
    assert flags["unlinked_usage"]["figures"] == {
        "days": 3,
        "tokens_on_those_days": 12_000_000,
        "share_of_coding_tokens": 1.0,
    }
    assert facts["usage"]["acceptance"] == {"accepted": 0, "rejected": 15, "rate": 0.0}
    assert facts["outcomes"]["ai_assisted"]["commits"] == 0
    assert facts["outcomes"]["ai_assisted"]["survival_share"] is None
    assert facts["coverage"]["usage_linked_share"] == 0.0
    assert facts["highlights"] == []


def test_churner_ai_work_merged_then_reverted_has_low_survival(cycle) -> None:  # type: ignore[no-untyped-def]
    churn = make_person(name="Chu", email="chu@example.com")
    reviewer = make_person(name="Rev", email="rev@example.com")
    c1 = commit(churn, day=D(2026, 4, 1), additions=120, surviving=0, ai="copilot-agent")
    c2 = commit(churn, day=D(2026, 4, 1), additions=80, surviving=20, follow_up=50, ai="copilot-agent")
    pull = pull_request(churn, number=10, opened=at(D(2026, 3, 30)), merged=at(D(2026, 4, 1)), commits=[c1, c2])
    review(reviewer, pull, day=D(2026, 3, 31), state=Review.State.CHANGES_REQUESTED)
    commit(churn, day=D(2026, 4, 10), additions=0, deletions=120, reverts=c1)

    facts = valid_facts(churn, cycle)

    ai, other = facts["outcomes"]["ai_assisted"], facts["outcomes"]["other"]
    assert (ai["commits"], ai["prs_merged"], ai["lines_added"], ai["lines_surviving"]) == (2, 1, 200, 20)
    assert ai["survival_share"] == 0.1
    assert (ai["reverted"], ai["follow_up_fix_lines"]) == (1, 50)
    assert (ai["median_hours_to_merge"], ai["review_rounds_per_pr"]) == (48.0, 1.0)
    # the revert itself is other work, and not a refactor
    assert (other["commits"], other["lines_added"], other["refactor_lines_deleted"], other["survival_share"]) == (
        1,
        0,
        0,
        None,
    )
    assert [pattern["kind"] for pattern in facts["patterns"]] == ["delegation"]
    assert facts["patterns"][0]["rests_on"]["commits_authored_by_an_agent"] == 2
    assert facts["highlights"] == []  # reverted work is never a highlight


def test_non_user_gets_a_fair_complete_packet(cycle) -> None:  # type: ignore[no-untyped-def]
    nora = make_person(name="Nora", email="nora@example.com")
    c1 = commit(nora, day=D(2026, 1, 12), additions=40, surviving=40)
    c2 = commit(nora, day=D(2026, 1, 13), additions=60, surviving=30, touches_tests=True)
    commit(nora, day=D(2026, 2, 1), additions=10, deletions=50, surviving=10)
    pull_request(
        nora, number=20, opened=at(D(2026, 1, 12)), merged=at(D(2026, 1, 14)), commits=[c1, c2], closes_issues=2
    )

    facts = valid_facts(nora, cycle)

    ai, other = facts["outcomes"]["ai_assisted"], facts["outcomes"]["other"]
    assert (ai["commits"], ai["prs_merged"], ai["survival_share"], ai["merge_rate"]) == (0, 0, None, None)
    assert (other["commits"], other["prs_merged"], other["lines_added"], other["lines_surviving"]) == (3, 1, 110, 80)
    assert (other["survival_share"], other["issues_closed"], other["tests_touched"]) == (0.7273, 2, 1)
    assert other["refactor_lines_deleted"] == 50
    usage = facts["usage"]
    assert (usage["tools"], usage["active_days"], usage["cost_usd"]) == ([], 0, None)
    assert usage["cost_per_merged_ai_pr"] == {
        "usd": None,
        "team_band": None,
        "band_note": "no AI-assisted PR merged with a known cost",
        "confidence": None,  # no figure, so no confidence in it
    }
    assert usage["confidence"]["level"] == "medium"  # no usage records: absence of use is likely, not proven
    assert (facts["flags"], facts["patterns"], facts["highlights"]) == ([], [], [])
    assert facts["coverage"]["usage_linked_share"] is None
    assert facts["work"] == {
        "commits": 3,
        "pull_requests": 1,
        "reviews_given": 0,
        "repositories": ["acme/payments"],
        "confidence": {"level": "high", "basis": "commits, pull requests and reviews from GitHub"},
    }


def test_reviewer_gets_credit_for_reviewing_ai_assisted_prs(cycle) -> None:  # type: ignore[no-untyped-def]
    rita = make_person(name="Rita", email="rita@example.com")
    author = make_person(name="Aut", email="aut@example.com")
    own = commit(rita, day=D(2026, 5, 4), additions=20)
    pull_request(rita, number=30, opened=at(D(2026, 5, 4)), merged=at(D(2026, 5, 5)), commits=[own])
    for number in range(31, 37):
        ai_commit = commit(author, day=D(2026, 5, number - 25), additions=50, ai="claude-trailer")
        pull = pull_request(author, number=number, opened=at(D(2026, 5, number - 25)), commits=[ai_commit])
        review(rita, pull, day=D(2026, 5, number - 24))
    for number in (40, 41):
        plain = commit(author, day=D(2026, 6, number - 30), additions=10)
        review(
            rita, pull_request(author, number=number, opened=at(D(2026, 6, 10)), commits=[plain]), day=D(2026, 6, 12)
        )
    for day in (D(2026, 5, 7), D(2026, 5, 8)):  # AI use on two review days without own commits
        usage_day(rita, day=day, input_uncached=5_000, output=1_000)

    facts = valid_facts(rita, cycle)

    assert facts["outcomes"]["reviews_of_ai_prs"] == 6
    assert facts["work"]["reviews_given"] == 8
    assert facts["outcomes"]["other"]["prs_merged"] == 1
    assert [pattern["kind"] for pattern in facts["patterns"]] == ["review_assistance"]
    assert facts["patterns"][0]["rests_on"]["review_days_with_ai_use_and_no_own_commit"] == 2
    assert facts["flags"] == []  # both usage days had reviews: work, not unlinked usage


def test_missing_data_usage_without_activity_and_activity_without_usage(cycle) -> None:  # type: ignore[no-untyped-def]
    only_usage = make_person(name="Uma", email="uma@example.com")
    only_work = make_person(name="Wes", email="wes@example.com")
    usage_day(only_usage, day=D(2026, 2, 16), input_uncached=60_000, output=40_000)
    usage_day(only_usage, day=D(2026, 2, 17), input_uncached=60_000, output=40_000)
    commit(only_work, day=D(2026, 2, 16), additions=10, surviving=10)
    commit(only_work, day=D(2026, 2, 18), additions=20)
    usage_day(None, day=D(2026, 2, 16), input_uncached=5, owner=actor(None, value="ghost@example.com"))
    usage_day(None, day=D(2025, 2, 16), input_uncached=5, owner=actor(None, value="old-ghost@example.com"))

    usage_facts = valid_facts(only_usage, cycle)
    work_facts = valid_facts(only_work, cycle)

    assert usage_facts["work"]["commits"] == 0
    assert usage_facts["outcomes"]["ai_assisted"]["commits"] == 0
    assert usage_facts["coverage"]["usage_linked_share"] == 0.0
    unlinked = usage_facts["flags"][0]
    figures = unlinked["figures"]
    assert "share_of_coding_tokens" in figures  # unlinked usage's figures
    assert (unlinked["kind"], figures["days"], figures["share_of_coding_tokens"]) == (
        "unlinked_usage",
        2,
        1.0,
    )
    assert [source["source"] for source in usage_facts["coverage"]["sources"]] == ["claude-code-analytics"]
    assert usage_facts["coverage"]["unresolved_identities"] == 1  # the ghost in the cycle, not the one before it

    assert work_facts["outcomes"]["other"]["commits"] == 2
    assert work_facts["outcomes"]["other"]["survival_share"] == 1.0  # only the measured commit counts
    assert work_facts["usage"]["tokens"]["output"] == 0
    assert work_facts["coverage"]["usage_linked_share"] is None
    assert [source["source"] for source in work_facts["coverage"]["sources"]] == ["github"]
    assert work_facts["flags"] == []

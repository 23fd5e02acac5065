"""Linking usage to work items: direct links first, then temporal ones, each with reason and confidence."""

from __future__ import annotations

from datetime import date

import pytest

from evidence.models import WorkLink
from evidence.services.linking import work_links_build
from tests.evidence.scenarios.builders import (
    at,
    commit,
    pull_request,
    repository,
    session,
    tool_reported,
    usage_day,
)
from tests.factories import make_cycle, make_person

pytestmark = pytest.mark.django_db

D = date


@pytest.fixture
def cycle():  # type: ignore[no-untyped-def]
    return make_cycle(name="2026-H1", start=D(2026, 1, 1), end=D(2026, 6, 30))


def links_of(**item: object) -> list[tuple[str, float]]:
    return sorted(WorkLink.objects.filter(**item).values_list("reason", "confidence"))


def test_tool_reported_sha_links_the_commit_directly(cycle) -> None:  # type: ignore[no-untyped-def]
    person = make_person()
    made = commit(person, day=D(2026, 2, 2), additions=10)
    tool_reported(person, made)
    work_links_build(person=person, cycle=cycle)
    assert links_of(commit=made) == [("commit_sha", 0.95)]


def test_session_trailer_and_session_commit_shas_link_to_the_session(cycle) -> None:  # type: ignore[no-untyped-def]
    person = make_person()
    by_trailer = commit(person, day=D(2026, 2, 2), additions=10, trailers=[("Claude-Session", "sess-42")])
    by_sha = commit(person, day=D(2026, 2, 3), additions=10)
    known = session(person, session_id="sess-42", start=at(D(2026, 2, 2)), hours=1)
    reported = session(person, session_id="sess-43", start=at(D(2026, 2, 3)), hours=1, commit_shas=[by_sha.sha])
    work_links_build(person=person, cycle=cycle)
    assert WorkLink.objects.get(commit=by_trailer).session == known
    assert links_of(commit=by_trailer) == [("session", 0.9)]
    assert WorkLink.objects.get(commit=by_sha).session == reported
    assert links_of(commit=by_sha) == [("commit_sha", 0.95)]


def test_same_day_usage_links_weakly_and_only_in_the_same_repository(cycle) -> None:  # type: ignore[no-untyped-def]
    person = make_person()
    payments, search = repository("acme/payments"), repository("acme/search")
    usage_day(person, day=D(2026, 2, 2), input_uncached=100, repository_name="payments")
    usage_day(person, day=D(2026, 2, 3), input_uncached=100)
    same_repo = commit(person, repo=payments, day=D(2026, 2, 2), additions=5)
    other_repo = commit(person, repo=search, day=D(2026, 2, 2), additions=5)
    unknown_repo = commit(person, repo=search, day=D(2026, 2, 3), additions=5)
    no_usage = commit(person, repo=search, day=D(2026, 2, 16), additions=5)  # 9 working days after the last use
    work_links_build(person=person, cycle=cycle)
    assert links_of(commit=same_repo) == [("same_day", 0.5)]
    assert links_of(commit=other_repo) == []
    assert links_of(commit=unknown_repo) == [("same_day", 0.35)]
    assert links_of(commit=no_usage) == []


def test_use_in_the_five_working_days_before_links_weaker_by_a_tenth_a_day(cycle) -> None:  # type: ignore[no-untyped-def]
    person = make_person()
    payments = repository("acme/payments")
    usage_day(person, day=D(2026, 2, 2), input_uncached=100, repository_name="payments")  # a Monday
    wednesday = commit(person, repo=payments, day=D(2026, 2, 4), additions=5)  # 2 working days later
    next_monday = commit(person, repo=payments, day=D(2026, 2, 9), additions=5)  # 5 working days, over a weekend
    next_tuesday = commit(person, repo=payments, day=D(2026, 2, 10), additions=5)  # 6: outside the window
    work_links_build(person=person, cycle=cycle)
    assert links_of(commit=wednesday) == [("days_before", 0.4)]  # 0.5 x (1 - 0.2)
    assert links_of(commit=next_monday) == [("days_before", 0.25)]  # 0.5 x (1 - 0.5)
    assert links_of(commit=next_tuesday) == []


def test_use_after_a_commit_never_links_to_it(cycle) -> None:  # type: ignore[no-untyped-def]
    person = make_person()
    made = commit(person, day=D(2026, 2, 4), additions=5)
    usage_day(person, day=D(2026, 2, 5), input_uncached=100)
    work_links_build(person=person, cycle=cycle)
    assert links_of(commit=made) == []


def test_a_pr_span_starts_at_its_first_commits_author_date(cycle) -> None:  # type: ignore[no-untyped-def]
    person = make_person()
    first = commit(person, day=D(2026, 2, 2), additions=5)
    usage_day(person, day=D(2026, 2, 3), input_uncached=100)  # after the commit, a week before the PR opened
    pull = pull_request(person, number=10, opened=at(D(2026, 2, 12)), merged=at(D(2026, 2, 13)), commits=[first])
    work_links_build(person=person, cycle=cycle)
    assert links_of(commit=first) == []
    assert links_of(pull_request=pull) == [("pr_span", 0.3)]


def test_chat_or_api_usage_never_links_by_time(cycle) -> None:  # type: ignore[no-untyped-def]
    person = make_person()
    usage_day(person, day=D(2026, 2, 2), input_uncached=100, tool="api")
    made = commit(person, day=D(2026, 2, 2), additions=5)
    work_links_build(person=person, cycle=cycle)
    assert links_of(commit=made) == []


def test_an_agents_commit_rolls_up_to_the_pr_of_the_human_who_started_it(cycle) -> None:  # type: ignore[no-untyped-def]
    person = make_person()
    agent_commit = commit(None, day=D(2026, 2, 2), additions=40, ai="copilot-agent")
    pull = pull_request(person, number=7, opened=at(D(2026, 2, 2)), merged=at(D(2026, 2, 3)), commits=[agent_commit])
    work_links_build(person=person, cycle=cycle)
    assert links_of(pull_request=pull) == [("trailer", 0.95)]


def test_pr_open_span_links_when_no_commit_is_linked(cycle) -> None:  # type: ignore[no-untyped-def]
    person = make_person()
    usage_day(person, day=D(2026, 2, 4), input_uncached=100)
    plain = commit(person, day=D(2026, 2, 2), additions=5)
    pull = pull_request(person, number=8, opened=at(D(2026, 2, 2)), merged=at(D(2026, 2, 6)), commits=[plain])
    outside = pull_request(person, number=9, opened=at(D(2026, 2, 17)), merged=at(D(2026, 2, 18)))
    work_links_build(person=person, cycle=cycle)
    assert links_of(pull_request=pull) == [("pr_span", 0.3)]
    assert links_of(pull_request=outside) == []


def test_rebuilding_links_changes_nothing(cycle) -> None:  # type: ignore[no-untyped-def]
    person = make_person()
    usage_day(person, day=D(2026, 2, 2), input_uncached=100)
    made = commit(person, day=D(2026, 2, 2), additions=5, ai="claude-trailer")
    pull_request(person, number=1, opened=at(D(2026, 2, 2)), merged=at(D(2026, 2, 3)), commits=[made])
    first = work_links_build(person=person, cycle=cycle)
    before = list(
        WorkLink.objects.order_by("reason").values_list("commit_id", "pull_request_id", "reason", "confidence")
    )
    second = work_links_build(person=person, cycle=cycle)
    after = list(
        WorkLink.objects.order_by("reason").values_list("commit_id", "pull_request_id", "reason", "confidence")
    )
    assert (first, second, before) == (2, 2, after)

"""Confidence on every figure group, derived from the data behind it; values counted by hand from each setup."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from evidence.models import EvidenceFacts, Repository, SourceActor, UsageFact
from evidence.services.evidence_build import evidence_build, team_bands_settle
from reviews.models import Person, ReviewCycle
from tests.evidence.scenarios.builders import at, commit, pull_request, repository, usage_day
from tests.evidence.scenarios.checks import valid_facts
from tests.factories import make_cycle, make_person

pytestmark = pytest.mark.django_db
D = date


@pytest.fixture
def cycle() -> ReviewCycle:
    return make_cycle(name="2026-H1", start=D(2026, 1, 1), end=D(2026, 6, 30))


def api_key_of(person: Person) -> SourceActor:
    return SourceActor.objects.create(
        kind="api_key", provider="anthropic", value="key-team-shared", owner=SourceActor.Owner.PERSON, person=person
    )


def merged_ai_pr(person: Person, *, number: int = 1, repo: Repository | None = None) -> None:
    made = commit(person, day=D(2026, 2, 2), additions=10, ai="claude-trailer", surviving=10, repo=repo)
    pull_request(person, number=number, opened=at(D(2026, 2, 2)), merged=at(D(2026, 2, 3)), commits=[made], repo=repo)


def test_usage_through_a_shared_api_key_is_less_sure_than_per_user_usage(cycle: ReviewCycle) -> None:
    ada = make_person(name="Ada", email="ada@example.com")
    usage_day(ada, day=D(2026, 2, 2), input_uncached=600, cost="0.60")  # by email: 600 tokens
    usage_day(ada, day=D(2026, 2, 3), input_uncached=400, cost="0.40", owner=api_key_of(ada))  # by key: 400

    sure = valid_facts(ada, cycle)["usage"]["confidence"]

    assert (sure["level"], sure["per_user_share"]) == ("medium", 0.6)  # 600 / 1000, between 50% and 90%
    assert sure["basis"].startswith("60% of usage (by tokens) from per-user identities")


def test_cost_computed_at_list_prices_lowers_the_cost_confidence(cycle: ReviewCycle) -> None:
    ada = make_person(name="Ada", email="ada@example.com")
    usage_day(ada, day=D(2026, 2, 2), input_uncached=100, cost="3.00")
    computed = usage_day(ada, day=D(2026, 2, 3), input_uncached=100, cost="1.00")
    UsageFact.objects.filter(pk=computed.pk).update(cost_basis=UsageFact.CostBasis.PRICE_TABLE)
    merged_ai_pr(ada)

    usage = valid_facts(ada, cycle)["usage"]
    cost = usage["cost_per_merged_ai_pr"]

    assert cost["usd"] == 4.0
    # $1 of $4 computed: 25%; the PR and its commit are linked by a trailer (direct), so the split is high
    assert cost["confidence"] == {
        "level": "medium",
        "basis": "75% of the cost reported by the source, 25% computed at list prices; "
        "AI-assisted PRs found with high confidence",
        "computed_cost_share": 0.25,
    }
    # all usage is by email (per-user), but one of its two records has a computed cost: medium, not high
    assert usage["confidence"]["level"] == "medium"
    assert usage["confidence"]["basis"].endswith("the cost of 1 of 2 usage records computed at list prices")


def test_cost_reported_in_full_with_direct_links_is_high(cycle: ReviewCycle) -> None:
    ada = make_person(name="Ada", email="ada@example.com")
    usage_day(ada, day=D(2026, 2, 2), input_uncached=100, cost=str(Decimal("2.50")))
    merged_ai_pr(ada)

    confidence = valid_facts(ada, cycle)["usage"]["cost_per_merged_ai_pr"].get("confidence")
    assert confidence is not None
    assert confidence["level"] == "high"


def test_local_git_only_work_is_medium_and_github_work_high(cycle: ReviewCycle) -> None:
    ada = make_person(name="Ada", email="ada@example.com")
    commit(ada, day=D(2026, 2, 2), additions=5, repo=repository("ledger", host=Repository.Host.LOCAL))
    commit(ada, day=D(2026, 2, 3), additions=5)  # acme/payments, from GitHub

    work = valid_facts(ada, cycle)["work"]["confidence"]

    assert work == {
        "level": "medium",
        "basis": "1 of 2 repositories are local git only: their pull requests and reviews are not seen",
    }


def test_coverage_confidence_follows_the_linked_share_and_unresolved_identities(cycle: ReviewCycle) -> None:
    ada = make_person(name="Ada", email="ada@example.com")
    usage_day(ada, day=D(2026, 2, 2), input_uncached=300)  # a day with a commit: linked
    usage_day(ada, day=D(2026, 2, 9), input_uncached=100)  # a day without work: not linked
    commit(ada, day=D(2026, 2, 2), additions=5)
    usage_day(None, day=D(2026, 2, 2), input_uncached=50)  # someone nobody has mapped yet

    coverage = valid_facts(ada, cycle)["coverage"]

    assert (coverage["usage_linked_share"], coverage["unresolved_identities"]) == (0.75, 1)
    # 75% linked is medium on its own (50% to 80%); an unresolved identity caps it at medium too
    assert coverage["confidence"]["level"] == "medium"
    assert coverage["confidence"]["basis"].startswith("75% of AI coding-tool tokens linked to work; 1 source")


def test_a_highlight_says_whether_its_survival_was_measured(cycle: ReviewCycle) -> None:
    ada = make_person(name="Ada", email="ada@example.com")
    merged_ai_pr(ada)  # survival measured: 10 of 10 lines
    unmeasured = commit(ada, day=D(2026, 3, 2), additions=10, ai="claude-trailer")
    pull_request(ada, number=2, opened=at(D(2026, 3, 2)), merged=at(D(2026, 3, 3)), commits=[unmeasured])

    levels = {item["ref"]: item["outcome"]["confidence"]["level"] for item in valid_facts(ada, cycle)["highlights"]}

    assert levels == {"#1": "high", "#2": "medium"}


def test_settling_bands_keeps_the_cost_confidence(cycle: ReviewCycle) -> None:
    people = [make_person(name=f"P{index}", email=f"p{index}@example.com", team="Core") for index in range(5)]
    for index, person in enumerate(people):
        usage_day(person, day=D(2026, 2, 2), input_uncached=100, cost=str(index + 1))
        merged_ai_pr(person, number=index + 1)
        evidence_build(person=person, cycle=cycle)

    team_bands_settle(cycle=cycle)

    settled: list[dict[str, Any]] = [
        snapshot.facts["usage"]["cost_per_merged_ai_pr"] for snapshot in EvidenceFacts.objects.all()
    ]
    assert {figure["team_band"] is not None for figure in settled} == {True}
    assert {figure["confidence"]["level"] for figure in settled} == {"high"}


def test_every_figure_group_carries_a_confidence(cycle: ReviewCycle) -> None:
    ada = make_person(name="Ada", email="ada@example.com")
    usage_day(ada, day=D(2026, 2, 2), input_uncached=100, cost="1.00")
    for day in (16, 17, 18):  # three days of use, 10+ working days after any work: an unlinked_usage flag
        usage_day(ada, day=D(2026, 2, day), input_uncached=100, cost="1.00")
    merged_ai_pr(ada)

    facts = valid_facts(ada, cycle)

    confidences = [
        facts["usage"].get("confidence"),
        facts["usage"]["cost_per_merged_ai_pr"].get("confidence"),
        facts["work"].get("confidence"),
        facts["coverage"].get("confidence"),
        facts["outcomes"]["ai_assisted"].get("confidence"),
        facts["outcomes"]["other"].get("confidence"),
        *(flag.get("confidence") for flag in facts["flags"]),
        *(item["outcome"].get("confidence") for item in facts["highlights"]),
    ]
    assert [flag["kind"] for flag in facts["flags"]] == ["unlinked_usage"]
    assert len(facts["highlights"]) == 1
    for confidence in confidences:
        assert confidence is not None
        assert confidence["level"] in {"high", "medium", "low"}
        assert confidence["basis"]

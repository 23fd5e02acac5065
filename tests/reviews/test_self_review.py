"""The employee's self-review actions on real evidence: each checked in the facts JSON and in the printed PDF."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from evidence.facts.build import person_facts_build
from evidence.models import CommitAttribution
from reviews.errors import ApplicationError
from reviews.models import Annotation, Correction, Packet, ReviewCycle
from reviews.self_review import manager_chain_get, self_review_get
from reviews.services.self_review import (
    HighlightInput,
    correction_delete,
    correction_set,
    flag_explanation_set,
    highlights_set,
    narrative_set,
)
from reviews.tasks import packet_version_start
from tests.evidence.scenarios.builders import at, commit, pull_request, repository
from tests.reviews.self_review_data import AI_PR, OTHER_PR, REPO, Company, commit_key, company_with_work, pdf_text

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def company() -> Company:
    return company_with_work()


def test_a_correction_moves_the_item_and_its_figures_to_the_other_group_beside_the_machine_verdict(
    company: Company,
) -> None:
    alice, cycle = company.alice, company.cycle
    before = person_facts_build(person=alice, cycle=cycle).facts
    assert (before["outcomes"]["ai_assisted"]["prs_merged"], before["outcomes"]["other"]["prs_merged"]) == (1, 1)
    assert before["outcomes"]["ai_assisted"]["lines_added"] == 100

    correction_set(
        person=alice,
        cycle=cycle,
        item=AI_PR,
        ai_assisted=False,
        reason="Claude only reviewed it.",
        user=company.user(),
    )

    after = person_facts_build(person=alice, cycle=cycle).facts
    ai, other = after["outcomes"]["ai_assisted"], after["outcomes"]["other"]
    assert (ai["prs_merged"], other["prs_merged"]) == (0, 2)
    # the pull request's commit goes with it: its lines now count as the person's other work
    assert (ai["commits"], ai["lines_added"], other["lines_added"], other["lines_surviving"]) == (0, 0, 150, 140)
    item = next(item for item in after["work_items"] if item["key"] == AI_PR)
    assert item["ai"]["verdict"] == "attributed"
    assert item["ai"]["tool"] == "claude-code"
    assert item["correction"] == {"ai_assisted": False, "tool": "", "reason": "Claude only reviewed it."}
    assert item["ai_assisted"] is False
    assert after["highlights"] == []  # a corrected item is never an automatic AI highlight
    assert CommitAttribution.objects.count() == 1  # the machine's record stays

    packet = packet_version_start(person=alice, cycle=cycle, user=company.user())
    packet.refresh_from_db()
    assert packet.status == Packet.Status.DONE
    assert packet.facts["work_items"] == after["work_items"]
    text = pdf_text(packet)
    assert "Attributions corrected by the employee" in text
    assert "not AI-assisted" in text
    assert "Claude only reviewed it." in text
    assert "attributed (claude-code" in text


def test_a_commit_marked_ai_assisted_with_its_tool_counts_as_ai_assisted(company: Company) -> None:
    alice, cycle = company.alice, company.cycle
    key = commit_key(alice, "tidy the ledger")

    correction_set(
        person=alice,
        cycle=cycle,
        item=key,
        ai_assisted=True,
        tool="cursor",
        reason="Cursor wrote it.",
        user=company.user(),
    )

    facts = person_facts_build(person=alice, cycle=cycle).facts
    item = next(item for item in facts["work_items"] if item["key"] == key)
    assert (item["ai"]["verdict"], item["ai_assisted"], item["correction"]) == (
        "none",
        True,
        {"ai_assisted": True, "tool": "cursor", "reason": "Cursor wrote it."},
    )
    assert facts["outcomes"]["ai_assisted"]["commits"] == 2
    assert facts["outcomes"]["ai_assisted"]["prs_merged"] == 1  # the pull request itself keeps its own verdict

    correction_delete(person=alice, cycle=cycle, item=key, user=company.user())
    assert person_facts_build(person=alice, cycle=cycle).facts["outcomes"]["ai_assisted"]["commits"] == 1


def test_a_correction_never_changes_anyone_elses_evidence(company: Company) -> None:
    bob, repo = company.people["bob"], repository(REPO)
    made = commit(bob, day=company.cycle.start.replace(month=5), additions=30, ai="claude-trailer", repo=repo)
    pull_request(bob, number=3, opened=at(made.authored_at.date()), merged=at(made.authored_at.date()), commits=[made])
    bob_before = person_facts_build(person=bob, cycle=company.cycle).facts

    # Alice corrects Bob's pull request by its key, and her own #1
    for item in (f"{REPO} #3", AI_PR):
        correction_set(
            person=company.alice, cycle=company.cycle, item=item, ai_assisted=False, reason="no", user=company.user()
        )

    assert person_facts_build(person=bob, cycle=company.cycle).facts == bob_before


def test_highlights_explanations_and_narrative_are_printed(company: Company) -> None:
    alice, cycle, user = company.alice, company.cycle, company.user()
    facts = person_facts_build(person=alice, cycle=cycle).facts
    assert [flag["kind"] for flag in facts["flags"]] == ["unlinked_usage"]

    highlights_set(
        person=alice,
        cycle=cycle,
        items=[
            HighlightInput(item=OTHER_PR, context="Ledger rounding.", what_ai_did="Nothing.", outcome="Closed a bug."),
            HighlightInput(
                item=AI_PR, context="Refund flow.", what_ai_did="Claude drafted the tests.", outcome="No incident."
            ),
        ],
        user=user,
    )
    flag_explanation_set(
        person=alice, cycle=cycle, kind="unlinked_usage", explanation="Design spikes in a scratch repo.", user=user
    )
    narrative_set(person=alice, cycle=cycle, text="A half-year of payments work.\n\nSecond paragraph.", user=user)

    packet = packet_version_start(person=alice, cycle=cycle, user=user)
    packet.refresh_from_db()
    text = pdf_text(packet)
    for expected in (
        "Picked by the employee.",
        "Ledger rounding.",
        "Claude drafted the tests.",
        "No incident.",
        "Design spikes in a scratch repo.",
        "A half-year of payments work.",
        "Second paragraph.",
    ):
        assert expected in text
    assert text.index("Ledger rounding.") < text.index("Refund flow.")  # in the employee's order
    assert [note["item_key"] for note in packet.annotations if note["kind"] == "highlight"] == [OTHER_PR, AI_PR]

    review = self_review_get(person=alice, cycle=cycle)
    assert [(item.key, item.highlighted) for item in review.items if item.kind == "pull_request"] == [
        (AI_PR, True),
        (OTHER_PR, True),
    ]
    assert review.flags[0].explanation == "Design spikes in a scratch repo."
    assert review.narrative.startswith("A half-year")


def test_words_survive_new_versions_and_picks_are_replaced_not_added(company: Company) -> None:
    alice, cycle, user = company.alice, company.cycle, company.user()
    highlights_set(person=alice, cycle=cycle, items=[HighlightInput(item=AI_PR, context="first")], user=user)
    highlights_set(person=alice, cycle=cycle, items=[HighlightInput(item=OTHER_PR, context="second")], user=user)
    correction_set(person=alice, cycle=cycle, item=AI_PR, ai_assisted=False, reason="pair work", user=user)

    first = packet_version_start(person=alice, cycle=cycle, user=user)
    second = packet_version_start(person=alice, cycle=cycle, user=user)

    assert list(Annotation.objects.filter(person=alice).values_list("item_key", "text")) == [(OTHER_PR, "second")]
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.version, second.version) == (1, 2)
    for packet in (first, second):
        assert next(i for i in packet.facts["work_items"] if i["key"] == AI_PR)["correction"]["reason"] == "pair work"


@pytest.mark.parametrize(
    ("action", "field"),
    [
        ("reason", "reason"),
        ("context", "highlight 1 context"),
        ("what_ai_did", "highlight 1 what AI did"),
        ("outcome", "highlight 1 outcome"),
        ("explanation", "explanation"),
        ("narrative", "narrative"),
    ],
)
def test_each_limit_is_refused_with_a_message_naming_the_field(company: Company, action: str, field: str) -> None:
    alice, cycle, user = company.alice, company.cycle, company.user()
    limits = {"reason": 500, "explanation": 2_000, "narrative": 10_000}
    limit = limits.get(action, 1_000)
    long = "x" * (limit + 1)
    writes: dict[str, Callable[[], None]] = {
        "reason": lambda: correction_set(
            person=alice, cycle=cycle, item=AI_PR, ai_assisted=False, reason=long, user=user
        ),
        "explanation": lambda: flag_explanation_set(
            person=alice, cycle=cycle, kind="unlinked_usage", explanation=long, user=user
        ),
        "narrative": lambda: narrative_set(person=alice, cycle=cycle, text=long, user=user),
    }
    for part in ("context", "what_ai_did", "outcome"):
        writes[part] = partial(
            highlights_set, person=alice, cycle=cycle, items=[HighlightInput(item=AI_PR, **{part: long})], user=user
        )
    with pytest.raises(ApplicationError, match=f"The {field} is {limit + 1:,} characters; the limit is {limit:,}"):
        writes[action]()
    assert not Correction.objects.exists()
    assert not Annotation.objects.exists()
    # exactly at the limit is fine
    if action == "narrative":
        narrative_set(person=alice, cycle=cycle, text="y" * limit, user=user)
        assert len(Annotation.objects.get().text) == limit


def test_at_most_five_highlights_each_once(company: Company) -> None:
    alice, cycle, user = company.alice, company.cycle, company.user()
    with pytest.raises(ApplicationError, match="at most 5 highlights, not 6"):
        highlights_set(
            person=alice, cycle=cycle, items=[HighlightInput(item=f"{REPO} #{n}") for n in range(6)], user=user
        )
    with pytest.raises(ApplicationError, match="picked once"):
        highlights_set(person=alice, cycle=cycle, items=[HighlightInput(item=AI_PR)] * 2, user=user)
    assert not Annotation.objects.exists()


def test_only_the_owner_writes_and_never_in_a_closed_cycle(company: Company) -> None:
    alice, cycle = company.alice, company.cycle
    for other in ("manager", "hr", "bob"):
        with pytest.raises(ApplicationError, match="Only the employee"):
            narrative_set(person=alice, cycle=cycle, text="not mine", user=company.user(other))
    cycle.state = ReviewCycle.State.CLOSED
    cycle.save()
    with pytest.raises(ApplicationError, match="is closed"):
        narrative_set(person=alice, cycle=cycle, text="too late", user=company.user())
    assert self_review_get(person=alice, cycle=cycle).read_only
    assert not Annotation.objects.exists()


def test_the_workspace_lists_every_item_with_its_verdict_and_outcome(company: Company) -> None:
    alice, cycle = company.alice, company.cycle
    empty = self_review_get(person=alice, cycle=cycle)
    assert (empty.latest, empty.items, empty.released, empty.newer_draft) == (None, (), None, False)

    packet_version_start(person=alice, cycle=cycle, user=company.user())
    correction_set(person=alice, cycle=cycle, item=AI_PR, ai_assisted=False, reason="pair", user=company.user())

    review = self_review_get(person=alice, cycle=cycle)
    assert review.latest is not None
    assert review.latest.version == 1
    assert [(item.kind, item.ref[:1]) for item in review.items] == [
        ("pull_request", "#"),
        ("pull_request", "#"),
        ("commit", review.items[2].ref[0]),
        ("commit", review.items[3].ref[0]),
    ]
    first = review.items[0]
    assert (first.key, first.ai.verdict, first.ai.tool, first.outcome.merged, first.outcome.survival_share) == (
        AI_PR,
        "attributed",
        "claude-code",
        True,
        0.9,
    )
    assert first.url == "https://github.com/acme/payments/pull/1"
    # the correction shows at once, before any new version computes with it
    assert first.correction is not None
    assert first.correction.reason == "pair"
    assert first.ai_assisted is False
    assert all(len(item.ref) == 12 for item in review.items if item.kind == "commit")
    assert manager_chain_get(person=alice) == (company.people["manager"], company.people["head"])


def test_the_workspace_costs_the_same_queries_for_two_items_or_two_hundred(company: Company) -> None:
    alice, cycle, repo = company.alice, company.cycle, repository(REPO)
    packet_version_start(person=alice, cycle=cycle, user=company.user())
    with CaptureQueriesContext(connection) as few:
        assert len(self_review_get(person=alice, cycle=cycle).items) == 4
    for number in range(100, 200):
        made = commit(alice, day=cycle.start.replace(month=5), additions=3, repo=repo, ai="claude-trailer")
        pull_request(alice, number=number, opened=at(made.authored_at.date()), commits=[made], repo=repo)
    packet_version_start(person=alice, cycle=cycle, user=company.user())
    with CaptureQueriesContext(connection) as many:
        assert len(self_review_get(person=alice, cycle=cycle).items) == 204
    assert len(many) == len(few) == 5

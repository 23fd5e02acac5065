"""The invariants of the issue: no ranking by tokens or cost, volume never changes outcomes, no prompt text,
no band for small teams, and a bounded number of queries per person."""

from __future__ import annotations

import ast
import json
import re
from datetime import date
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from evidence.facts.build import person_facts_build
from evidence.models import ImportBatch, RawRecord
from evidence.services.evidence_build import evidence_build, population_ids, team_bands_settle
from reviews.models import Person, ReviewCycle
from tests.evidence.scenarios.builders import at, commit, pull_request, session, usage_day
from tests.factories import make_cycle, make_person

pytestmark = pytest.mark.django_db

D = date
EVIDENCE_DIR = Path(__file__).resolve().parents[2] / "evidence"
VOLUME_FIELDS = re.compile(
    r"\b(\w*tokens?\w*|\w*cost\w*|input_uncached|cache_read|cache_write|output|requests|\w*usd\w*)\b"
)


def same_work(person: Person, *, repo_name: str, tokens: int, cost: str) -> None:
    """Two AI-assisted PRs and one other commit; the same for everyone, whatever their volume."""
    from tests.evidence.scenarios.builders import repository

    repo = repository(repo_name)
    for offset in (0, 7):
        day = D(2026, 2, 2 + offset)
        usage_day(person, day=day, input_uncached=tokens, output=tokens // 10, cost=cost)
        made = commit(person, repo=repo, day=day, additions=100, surviving=80, ai="claude-trailer")
        pull_request(person, repo=repo, number=offset + 1, opened=at(day, 9), merged=at(day, 17), commits=[made])
    commit(person, repo=repo, day=D(2026, 3, 3), additions=30, surviving=30)


def ordering_expressions(tree: ast.AST) -> list[tuple[int, str]]:
    """What each order_by() orders on, and each sort's key: the places a ranking would have to be written."""
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
        if name == "order_by":
            found += [(node.lineno, ast.unparse(argument)) for argument in node.args]
        if name in {"sort", "sorted", "max", "min"}:
            found += [(node.lineno, ast.unparse(keyword.value)) for keyword in node.keywords if keyword.arg == "key"]
    return found


def test_no_order_by_or_sort_key_in_evidence_uses_tokens_or_cost() -> None:
    """No selector, fact or service orders anything by a volume field: a leaderboard cannot be built from here."""
    offending = [
        f"{path.relative_to(EVIDENCE_DIR)}:{line}: {expression}"
        for path in EVIDENCE_DIR.rglob("*.py")
        if "migrations" not in path.parts
        for line, expression in ordering_expressions(ast.parse(path.read_text()))
        if VOLUME_FIELDS.search(expression.lower())
    ]
    assert offending == []
    assert ordering_expressions(ast.parse("rows.order_by('-cost_usd'); sorted(xs, key=lambda x: x.tokens)")) == [
        (1, "'-cost_usd'"),
        (1, "lambda x: x.tokens"),
    ]


def test_cycle_population_order_ignores_volume() -> None:
    cycle = make_cycle(name="2026-H1", start=D(2026, 1, 1), end=D(2026, 6, 30))
    first, second = make_person(name="Zed"), make_person(name="Amy")
    usage_day(second, day=D(2026, 2, 2), input_uncached=10**9, cost="9999")
    assert population_ids(cycle=cycle) == [first.pk, second.pk]


def test_hundred_times_the_tokens_same_work_same_outcomes_only_context_differs() -> None:
    cycle = make_cycle(name="2026-H1", start=D(2026, 1, 1), end=D(2026, 6, 30))
    team = [make_person(name=f"T{index}", email=f"t{index}@example.com", team="Core") for index in range(5)]
    heavy = make_person(name="Heavy", email="heavy@example.com", team="Core")
    for index, person in enumerate(team):
        same_work(person, repo_name=f"acme/core{index}", tokens=10_000, cost="2.00")
    same_work(heavy, repo_name="acme/heavy", tokens=1_000_000, cost="200.00")
    for person in [*team, heavy]:
        evidence_build(person=person, cycle=cycle)
    team_bands_settle(cycle=cycle)

    light_facts = person_facts_build(person=team[0], cycle=cycle).facts
    heavy_facts = person_facts_build(person=heavy, cycle=cycle).facts

    assert heavy_facts["outcomes"] == light_facts["outcomes"]
    assert heavy_facts["work"]["commits"] == light_facts["work"]["commits"]
    assert heavy_facts["highlights"][0]["outcome"] == light_facts["highlights"][0]["outcome"]
    assert light_facts["usage"]["cost_per_merged_ai_pr"]["usd"] == 2.0
    assert heavy_facts["usage"]["cost_per_merged_ai_pr"]["usd"] == 200.0
    assert (
        light_facts["usage"]["cost_per_merged_ai_pr"]["team_band"],
        heavy_facts["usage"]["cost_per_merged_ai_pr"]["team_band"],
    ) == ("near", "above")
    assert heavy_facts["usage"]["tokens"]["input_uncached"] == 100 * light_facts["usage"]["tokens"]["input_uncached"]


def test_a_team_smaller_than_five_gets_no_cost_band() -> None:
    cycle = make_cycle(name="2026-H1", start=D(2026, 1, 1), end=D(2026, 6, 30))
    team = [make_person(name=f"S{index}", email=f"s{index}@example.com", team="Small") for index in range(4)]
    for index, person in enumerate(team):
        same_work(person, repo_name=f"acme/small{index}", tokens=10_000, cost=f"{index + 1}.00")
        evidence_build(person=person, cycle=cycle)
    team_bands_settle(cycle=cycle)

    for person in team:
        band = person_facts_build(person=person, cycle=cycle).facts["usage"]["cost_per_merged_ai_pr"]
        assert band["usd"] is not None
        assert band["team_band"] is None
        assert "fewer than 5" in band["band_note"]


def test_a_sentinel_prompt_string_never_reaches_the_facts() -> None:
    sentinel = "SENTINEL-PROMPT-7f3a please rewrite the billing module"
    cycle = make_cycle(name="2026-H1", start=D(2026, 1, 1), end=D(2026, 6, 30))
    person = make_person(name="Pam", email="pam@example.com")
    batch = ImportBatch.objects.create(source="claude-code-otel", file_name="events.json", file_sha256="0" * 64)
    RawRecord.objects.create(
        source="claude-code-otel", natural_key="k1", batch=batch, payload={"prompt": sentinel}, payload_sha256="0" * 64
    )
    usage_day(person, day=D(2026, 2, 2), input_uncached=1_000, dimension=sentinel)
    session(person, session_id="s-1", start=at(D(2026, 2, 2)), hours=1, tool_calls={"Read": 5})
    made = commit(person, day=D(2026, 2, 2), additions=10, ai="claude-trailer")
    pull_request(person, number=5, opened=at(D(2026, 2, 2)), merged=at(D(2026, 2, 3)), commits=[made])

    facts = evidence_build(person=person, cycle=cycle).facts

    assert "SENTINEL-PROMPT" not in json.dumps(facts)
    assert "SENTINEL-PROMPT" not in json.dumps(person_facts_build(person=person, cycle=cycle).facts)


def count_queries(person: Person, cycle: ReviewCycle) -> int:
    with CaptureQueriesContext(connection) as captured:
        person_facts_build(person=person, cycle=cycle)
    return len(captured.captured_queries)


def test_query_count_per_person_is_bounded_whatever_the_volume(django_assert_max_num_queries) -> None:  # type: ignore[no-untyped-def]
    make_cycle(name="2025-H2", start=D(2025, 7, 1), end=D(2025, 12, 31))
    cycle = make_cycle(name="2026-H1", start=D(2026, 1, 1), end=D(2026, 6, 30))
    small = make_person(name="Small", email="small@example.com")
    large = make_person(name="Large", email="large@example.com")
    reviewer = make_person(name="Rev", email="rev@example.com")
    for person, count in ((small, 1), (large, 50)):
        for index in range(count):
            day = D(2026, 1 + index % 6, 1 + index % 28)
            usage_day(person, day=day, input_uncached=1_000, model=f"m{index % 3}", cost="0.10")
            session(person, session_id=f"{person.pk}-{index}", start=at(day), hours=1, tool_calls={"Edit": 3})
            made = commit(person, day=day, additions=10, surviving=5, ai="claude-trailer" if index % 2 else None)
            pull = pull_request(
                person, number=1000 * person.pk + index, opened=at(day), merged=at(day, 15), commits=[made]
            )
            from tests.evidence.scenarios.builders import review

            review(reviewer, pull, day=day)
            review(person, pull_request(reviewer, number=5000 * person.pk + index, opened=at(day)), day=day)

    assert count_queries(small, cycle) == count_queries(large, cycle)
    with django_assert_max_num_queries(40):
        person_facts_build(person=large, cycle=cycle)

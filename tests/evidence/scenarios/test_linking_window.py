"""Usage linked to the work it fed within 5 working days: ordinary rhythms raise no flag, an idle loop does.

Real git history through import_git, a PR through PyGithub against the GitHub stand-in, usage through the Claude
Code Analytics importer. Cycle 2026-H2 (2026-07-01 … 2026-12-31). Figures are hand-computed from the inputs below.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from pytest_django import Settings as SettingsWrapper

from evidence.models import WorkLink
from evidence.services.activity.github import github_sync_start
from evidence.services.linking import work_links_build
from reviews.demo.github_standin import StandinCommit, StandinPull, StandinRepo, StandinState, standin_start
from reviews.models import Identity
from tests.evidence.scenarios.checks import valid_facts
from tests.evidence.scenarios.real_history import (
    RepoBuilder,
    claude_code_day,
    import_claude_code,
    import_history,
    lines,
    when,
)
from tests.factories import make_cycle, make_person

pytestmark = pytest.mark.django_db

D = date
STEVE = "Steve Stone <steve@example.com>"


@pytest.fixture
def cycle():  # type: ignore[no-untyped-def]
    return make_cycle(name="2026-H2", start=D(2026, 7, 1), end=D(2026, 12, 31))


def working_days(first: date, count: int) -> list[date]:
    days: list[date] = []
    day = first
    while len(days) < count:
        if day.weekday() < 5:
            days.append(day)
        day += timedelta(days=1)
    return days


def test_daily_ai_use_with_a_commit_every_third_day_raises_no_flag(cycle, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    steve = make_person(name="Steve", email="steve@example.com")
    days = working_days(D(2026, 7, 6), 20)  # Monday 6 July … Friday 31 July
    repo = RepoBuilder(tmp_path / "orders")
    for index in range(0, 20, 3):  # 7 commits: working days 1, 4, 7, … 19
        repo.write(f"orders/step_{index}.py", lines(f"step {index}", 10))
        repo.commit(f"Order step {index}", author=STEVE, when=when(days[index], 16))
    import_history(tmp_path / "orders", measured_since=when(D(2026, 7, 1), 0))
    import_claude_code(
        tmp_path / "claude.json",
        [
            claude_code_day(
                "steve@example.com", day, tokens_in=40_000, tokens_out=4_000, cache_read=100_000, accepted=5
            )
            for day in days
        ],
    )

    facts = valid_facts(steve, cycle)
    work_links_build(person=steve, cycle=cycle)

    assert facts["flags"] == []
    # every day's use feeds a commit on it or within 2 working days, except Friday 31 July: no commit follows it
    # (so it is not linked), but Thursday's commit is 1 working day before it (so it is not flagged either)
    assert [day["linked"] for day in facts["usage"]["daily"]] == [True] * 19 + [False]
    assert facts["coverage"]["usage_linked_share"] == 0.95  # 19 of 20 equal days
    # each commit has use on its own day; the analytics name no repository, so 0.35
    assert sorted(WorkLink.objects.values_list("reason", "confidence")) == [("same_day", 0.35)] * 7
    assert facts["outcomes"]["ai_assisted"]["commits"] == 7
    assert facts["coverage"]["repositories_without_blame"] == []  # a local clone: durability measured


def test_a_week_of_exploration_before_a_large_pr_raises_no_flag(  # type: ignore[no-untyped-def]
    cycle, tmp_path: Path, settings: SettingsWrapper, django_capture_on_commit_callbacks: Any
) -> None:
    exa = make_person(name="Exa", email="exa@example.com")
    Identity.objects.create(person=exa, kind=Identity.Kind.GITHUB_LOGIN, value="exa")
    shop = StandinRepo(name="shop")
    for part, day in enumerate((D(2026, 7, 13), D(2026, 7, 14))):  # Monday and Tuesday after the exploring week
        shop.commits.append(
            StandinCommit(
                sha=f"{part + 1:040x}",
                message=f"Rebuild checkout, part {part + 1}",
                author_name="Exa",
                author_email="exa@example.com",
                authored_at=when(day, 11),
                committer_name="Exa",
                committer_email="exa@example.com",
                committed_at=when(day, 11),
                parents=[shop.commits[-1].sha] if shop.commits else [],
                author_login="exa",
                files=[(f"checkout/part_{part}.py", 400, 20)],
            )
        )
    shop.pulls.append(
        StandinPull(
            number=1,
            title="Rebuild checkout",
            body="A large change after a week of reading the old checkout.",
            user="exa",
            created_at=when(D(2026, 7, 14), 12),
            updated_at=when(D(2026, 7, 15), 12),
            merged_at=when(D(2026, 7, 15), 12),
            closed_at=when(D(2026, 7, 15), 12),
            commit_shas=[commit.sha for commit in shop.commits],
            merge_commit_sha=shop.commits[-1].sha,
            files=[("checkout/part_0.py", 400, 20), ("checkout/part_1.py", 400, 20)],
        )
    )
    server = standin_start(StandinState(org="acme", repos={"shop": shop}, tokens={"good-token"}))
    settings.TOKENPROOF_GITHUB_TOKEN = "good-token"  # noqa: S105 - the stand-in's test token
    try:
        with django_capture_on_commit_callbacks(execute=True):
            github_sync_start(org="acme", repos=["acme/shop"], base_url=server.base_url)
    finally:
        server.stop()
    exploring = working_days(D(2026, 7, 6), 5)  # Monday 6 … Friday 10 July: reading, no accepted edit
    import_claude_code(
        tmp_path / "claude.json",
        [
            claude_code_day("exa@example.com", day, tokens_in=150_000, tokens_out=10_000, cache_read=1_500_000)
            for day in exploring
        ]
        + [
            claude_code_day("exa@example.com", day, tokens_in=100_000, tokens_out=30_000, accepted=40)
            for day in (D(2026, 7, 13), D(2026, 7, 14))
        ],
    )

    facts = valid_facts(exa, cycle)

    assert facts["flags"] == []
    # Monday 6 July is 5 working days before the PR's first commit (Monday 13): the whole week fed the PR
    assert all(day["linked"] for day in facts["usage"]["daily"])
    assert facts["coverage"]["usage_linked_share"] == 1.0
    assert facts["outcomes"]["ai_assisted"]["prs_merged"] == 1
    assert facts["highlights"][0]["ai"]["reason"] == "pr_span"
    assert facts["highlights"][0]["ai"]["evidence"] == (
        "AI coding-tool use between the pull request's first commit and its merge"
    )
    # known from GitHub only: no blame, so no survival, and the packet says so for this repository
    assert facts["outcomes"]["ai_assisted"]["survival_share"] is None
    assert facts["coverage"]["repositories_without_blame"] == ["acme/shop"]


def test_an_idle_looper_is_flagged_with_its_days_and_share(cycle, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    ida = make_person(name="Ida", email="ida@example.com")
    repo = RepoBuilder(tmp_path / "ledger")
    repo.write("ledger/book.py", lines("book", 10))
    repo.commit("Add ledger", author="Ida <ida@example.com>", when=when(D(2026, 9, 1), 16))  # a Tuesday
    import_history(tmp_path / "ledger", measured_since=when(D(2026, 7, 1), 0))
    looping = working_days(D(2026, 9, 14), 15)  # Monday 14 September … Friday 2 October: 9+ working days later
    import_claude_code(
        tmp_path / "claude.json",
        [
            claude_code_day(
                "ida@example.com", day, tokens_in=2_000_000, tokens_out=500_000, cache_read=9_500_000, rejected=4
            )
            for day in [D(2026, 9, 1), *looping]
        ],
    )

    facts = valid_facts(ida, cycle)

    flags = {flag["kind"]: flag for flag in facts["flags"]}
    assert set(flags) == {"unlinked_usage", "idle_loop"}
    unlinked = flags["unlinked_usage"]
    assert unlinked["days"] == [day.isoformat() for day in looping]  # 1 September has its own commit
    # 15 of 16 days of 12M tokens each
    assert unlinked["figures"] == {"days": 15, "tokens_on_those_days": 180_000_000, "share_of_coding_tokens": 0.9375}
    assert unlinked["summary"].startswith("AI coding-tool use on 15 day(s), 94% of the cycle's coding-tool tokens,")
    idle = flags["idle_loop"]["figures"]
    assert "days_without_sessions" in idle  # the idle loop's figures
    assert (idle["days_without_sessions"], idle["tokens_on_those_days"]) == (15, 180_000_000)

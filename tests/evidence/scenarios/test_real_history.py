"""One scenario per archetype from real git history, provider-shaped usage files through the real importers, and a
GitHub sync through PyGithub against the local stand-in.

Cycle 2026-H2 (2026-07-01 … 2026-12-31). Figures are hand-computed from the histories below.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
from pytest_django import Settings as SettingsWrapper

from evidence.models import UsageFact
from evidence.services.activity.github import github_sync_start
from reviews.demo.github_standin import StandinState, standin_start, synthetic_repo
from reviews.models import Identity
from tests.evidence.scenarios.checks import valid_facts
from tests.evidence.scenarios.real_history import (
    CLAUDE,
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
EFI = "Efi Ekwueme <efi@example.com>"
CHU = "Chu Chen <chu@example.com>"
NORA = "Nora Nyberg <nora@example.com>"
WES = "Wes West <wes@example.com>"


@pytest.fixture
def cycle():  # type: ignore[no-untyped-def]
    return make_cycle(name="2026-H2", start=D(2026, 7, 1), end=D(2026, 12, 31))


def test_efficient_from_git_and_claude_code_analytics(cycle, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    efi = make_person(name="Efi", email="efi@example.com")
    repo = RepoBuilder(tmp_path / "billing")
    repo.write("billing/invoice.py", lines("invoice", 12))
    repo.commit("Add invoices", author=EFI, when=when(D(2026, 7, 6)), trailers=[CLAUDE])
    repo.write("billing/tax.py", lines("tax", 8))
    repo.write("tests/test_tax.py", lines("test", 4))
    repo.commit("Add tax rules", author=EFI, when=when(D(2026, 7, 7)), trailers=[CLAUDE])
    repo.write("docs/notes.md", lines("note", 5))
    repo.commit("Write notes", author=EFI, when=when(D(2026, 8, 3)))
    import_history(tmp_path / "billing", measured_since=when(D(2026, 7, 1), 0))
    import_claude_code(
        tmp_path / "claude.json",
        [
            claude_code_day(
                "efi@example.com",
                D(2026, 7, 6),
                tokens_in=20_000,
                tokens_out=4_000,
                cache_read=60_000,
                cost_cents=150,
                accepted=9,
                rejected=1,
            ),
            claude_code_day(
                "efi@example.com",
                D(2026, 7, 7),
                tokens_in=10_000,
                tokens_out=2_000,
                cache_read=30_000,
                cost_cents=75,
                accepted=6,
                rejected=0,
            ),
        ],
    )

    facts = valid_facts(efi, cycle)

    ai, other = facts["outcomes"]["ai_assisted"], facts["outcomes"]["other"]
    assert (ai["commits"], ai["lines_added"], ai["lines_surviving"], ai["survival_share"]) == (2, 24, 24, 1.0)
    assert (ai["tests_touched"], ai["reverted"], ai["follow_up_fix_lines"]) == (1, 0, 0)
    assert ai["confidence"]["level"] == "high"  # both by trailer
    assert (other["commits"], other["lines_added"], other["survival_share"]) == (1, 5, 1.0)
    usage = facts["usage"]
    assert usage["tokens"] == {"input_uncached": 30_000, "cache_read": 90_000, "cache_write": 0, "output": 6_000}
    assert usage["cost_usd"] == 2.25
    assert usage["acceptance"] == {"accepted": 15, "rejected": 1, "rate": 0.9375}
    assert usage["cost_per_merged_ai_pr"]["usd"] is None  # local git: no PRs
    assert facts["coverage"]["usage_linked_share"] == 1.0
    assert [source["source"] for source in facts["coverage"]["sources"]] == ["claude-code-analytics", "local-git"]
    assert facts["flags"] == []
    assert [item["kind"] for item in facts["highlights"]] == ["commit", "commit"]
    assert {item["title"] for item in facts["highlights"]} == {"Add invoices", "Add tax rules"}


def test_idle_loop_from_claude_code_analytics_alone(cycle, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    ida = make_person(name="Ida", email="ida@example.com")
    days = [D(2026, 9, 1), D(2026, 9, 2), D(2026, 9, 3)]
    import_claude_code(
        tmp_path / "claude.json",
        [
            claude_code_day(
                "ida@example.com",
                day,
                tokens_in=2_000_000,
                tokens_out=500_000,
                cache_read=9_500_000,
                sessions=6,
                rejected=4,
            )
            for day in days
        ],
    )
    assert UsageFact.objects.filter(person=ida).count() == 3

    facts = valid_facts(ida, cycle)

    flags = {flag["kind"]: flag for flag in facts["flags"]}
    assert set(flags) == {"idle_loop", "unlinked_usage"}
    assert flags["idle_loop"]["days"] == ["2026-09-01", "2026-09-02", "2026-09-03"]
    idle = flags["idle_loop"]["figures"]
    assert "days_without_sessions" in idle  # the idle loop's figures
    assert (idle["days_without_sessions"], idle["tokens_on_those_days"]) == (3, 36_000_000)
    assert facts["usage"]["acceptance"] == {"accepted": 0, "rejected": 12, "rate": 0.0}
    assert facts["usage"]["sessions"] == 18
    assert facts["outcomes"]["ai_assisted"]["commits"] == 0


def test_churner_from_git_rewrites_and_a_revert(cycle, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    chu = make_person(name="Chu", email="chu@example.com")
    repo = RepoBuilder(tmp_path / "search")
    repo.write("search/rank.py", lines("v1", 10))
    repo.commit("Rank results", author=CHU, when=when(D(2026, 10, 1)), trailers=[CLAUDE])
    repo.write("search/rank.py", lines("v2", 8) + lines("v1", 10)[8:])
    repo.commit("Fix ranking", author=CHU, when=when(D(2026, 10, 3)))
    repo.write("search/extra.py", lines("extra", 5))
    extra = repo.commit("Add extra ranking", author=CHU, when=when(D(2026, 10, 5)), trailers=[CLAUDE])
    repo.revert(extra, author=CHU, when=when(D(2026, 10, 6)))
    import_history(tmp_path / "search", measured_since=when(D(2026, 7, 1), 0))

    facts = valid_facts(chu, cycle)

    ai, other = facts["outcomes"]["ai_assisted"], facts["outcomes"]["other"]
    # 15 AI lines: 8 of "Rank results" rewritten two days later, all 5 of "Add extra ranking" reverted next day
    assert (ai["commits"], ai["lines_added"], ai["lines_surviving"]) == (2, 15, 2)
    assert (ai["survival_share"], ai["reverted"], ai["follow_up_fix_lines"]) == (0.1333, 1, 13)
    assert (other["commits"], other["lines_added"], other["lines_surviving"], other["survival_share"]) == (2, 8, 8, 1.0)
    assert other["refactor_lines_deleted"] == 8  # the rewrite; the revert itself is not a refactor
    assert [item["title"] for item in facts["highlights"]] == ["Rank results"]  # the reverted one never shows


def test_non_user_and_missing_usage_from_git_alone(cycle, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    nora = make_person(name="Nora", email="nora@example.com")
    wes = make_person(name="Wes", email="wes@example.com")
    repo = RepoBuilder(tmp_path / "ledger")
    repo.write("ledger/book.py", lines("book", 20))
    repo.commit("Add ledger", author=NORA, when=when(D(2026, 7, 14)))
    repo.write("ledger/book.py", lines("book", 15))
    repo.commit("Trim ledger", author=NORA, when=when(D(2026, 7, 15)))
    repo.write("ledger/wes.py", lines("wes", 3))
    repo.commit("Add wes", author=WES, when=when(D(2026, 7, 16)))
    import_history(tmp_path / "ledger", measured_since=when(D(2026, 7, 1), 0))

    facts = valid_facts(nora, cycle)

    ai, other = facts["outcomes"]["ai_assisted"], facts["outcomes"]["other"]
    assert (ai["commits"], ai["survival_share"]) == (0, None)
    assert (other["commits"], other["lines_added"], other["lines_surviving"], other["refactor_lines_deleted"]) == (
        2,
        20,
        15,
        5,
    )
    assert other["survival_share"] == 0.75
    assert (facts["usage"]["tools"], facts["usage"]["cost_usd"], facts["flags"], facts["patterns"]) == (
        [],
        None,
        [],
        [],
    )
    assert facts["coverage"]["usage_linked_share"] is None
    assert valid_facts(wes, cycle)["outcomes"]["other"]["commits"] == 1


def test_usage_without_any_repository_activity(cycle, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    uma = make_person(name="Uma", email="uma@example.com")
    import_claude_code(
        tmp_path / "claude.json",
        [
            claude_code_day("uma@example.com", D(2026, 11, day), tokens_in=50_000, tokens_out=5_000, accepted=3)
            for day in (2, 3, 4)
        ],
    )

    facts = valid_facts(uma, cycle)

    work = facts["work"]
    assert (work["commits"], work["pull_requests"], work["reviews_given"], work["repositories"]) == (0, 0, 0, [])
    assert work["confidence"]["level"] == "low"  # no work seen at all: an unmapped identity would look the same
    assert facts["coverage"]["usage_linked_share"] == 0.0
    assert facts["coverage"]["confidence"]["level"] == "low"  # none of the coding tokens linked to work
    assert [flag["kind"] for flag in facts["flags"]] == ["unlinked_usage"]
    unlinked = facts["flags"][0]["figures"]
    assert "share_of_coding_tokens" in unlinked  # unlinked usage's figures
    assert unlinked["days"] == 3
    # the flag is no surer than the work data that shows the absence of work
    assert facts["flags"][0]["confidence"]["level"] == "low"
    # Claude Code's analytics name the user by email: usage is theirs for sure
    assert (facts["usage"]["confidence"]["level"], facts["usage"]["confidence"]["per_user_share"]) == ("high", 1.0)


def test_reviewer_from_a_github_sync_through_pygithub(  # type: ignore[no-untyped-def]
    cycle, settings: SettingsWrapper, django_capture_on_commit_callbacks: Any
) -> None:
    # synthetic_repo: PR n is opened by LOGINS[n % 3] and reviewed by LOGINS[(n + 1) % 3]; every third PR is
    # AI-assisted (Claude trailer, body marker, label). So Rita opens PRs 1, 4, 7 and reviews 3, 6, 9: all AI.
    logins = ["aut-hor", "rita-reviewer", "oth-er"]
    state = StandinState(
        org="acme",
        repos={"shop": synthetic_repo("shop", pulls=9, start=when(D(2026, 7, 1), 9), logins=logins)},
        tokens={"good-token"},
    )
    server = standin_start(state)
    settings.TOKENPROOF_GITHUB_TOKEN = "good-token"  # noqa: S105 - the stand-in's test token
    rita = make_person(name="Rita", email="rita.reviewer@example.com")
    Identity.objects.create(person=rita, kind=Identity.Kind.GITHUB_LOGIN, value="rita-reviewer")
    try:
        with django_capture_on_commit_callbacks(execute=True):
            github_sync_start(org="acme", repos=["acme/shop"], base_url=server.base_url)
    finally:
        server.stop()

    facts = valid_facts(rita, cycle)

    assert (facts["work"]["reviews_given"], facts["outcomes"]["reviews_of_ai_prs"]) == (3, 3)
    other = facts["outcomes"]["other"]
    assert (other["prs_opened"], other["prs_merged"], other["merge_rate"]) == (3, 3, 1.0)
    assert (other["median_hours_to_merge"], other["median_pr_lines"], other["commits"]) == (3.0, 62, 6)
    assert facts["outcomes"]["ai_assisted"]["prs_merged"] == 0
    assert facts["work"]["repositories"] == ["acme/shop"]
    assert [source["source"] for source in facts["coverage"]["sources"]] == ["github"]

"""ai_share against a project's own published per-release figure (aider's method, tests.evidence.published_method)
on a generated 15-release history (tests.evidence.release_histories)."""

from __future__ import annotations

import json
from datetime import timedelta
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from evidence.git.log import CommitRecord
from evidence.git.share import Verdict, ai_share_measure, path_selected
from evidence.services.activity.share import ai_share, commits_classify
from reviews.demo.repo_builder import RepoBuilder
from tests.evidence.git_histories import ADA, BEN, CLAUDE, START
from tests.evidence.published_method import project_selection, published_percentage
from tests.evidence.release_histories import SELECTION, Release, release_history

pytestmark = pytest.mark.django_db

AGREEMENT_POINTS = 3.0
AGREEING_SHARE = 0.9


@pytest.fixture(scope="module")
def releases(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[Release], list[float]]:
    """The generated repository, its 15 release ranges and the project's figure for each (percent)."""
    repo = tmp_path_factory.mktemp("releases") / "project"
    ranges = release_history(repo)
    published = [published_percentage(repo, r.previous, r.tag, selected=project_selection) for r in ranges]
    return repo, ranges, published


def agreeing(ours: list[float], published: list[float]) -> int:
    return sum(abs(mine - theirs) <= AGREEMENT_POINTS for mine, theirs in zip(ours, published, strict=True))


def test_the_generated_history_has_fifteen_releases_with_varied_figures(
    releases: tuple[Path, list[Release], list[float]],
) -> None:
    _, ranges, published = releases

    assert [r.tag for r in ranges][::7] == ["v0.1.0", "v0.8.0", "v0.15.0"]
    assert min(published) < 30 < 60 < max(published), "a comparison over near-equal figures would prove little"


def test_ai_share_agrees_with_the_published_figure_on_nine_releases_in_ten(
    releases: tuple[Path, list[Release], list[float]],
) -> None:
    repo, ranges, published = releases
    ours = [
        100 * ai_share(repo=repo, from_ref=r.previous, to_ref=r.tag, globs=SELECTION).as_json()["ai_share"]
        for r in ranges
    ]

    assert agreeing(ours, published) >= AGREEING_SHARE * len(ranges), [
        round(mine - theirs, 2) for mine, theirs in zip(ours, published, strict=True)
    ]


def test_the_command_json_gives_the_same_agreement(releases: tuple[Path, list[Release], list[float]]) -> None:
    repo, ranges, published = releases
    ours = []
    for r in ranges:
        out = StringIO()
        call_command("ai_share", repo=repo, from_ref=r.previous, to_ref=r.tag, globs=SELECTION, json=True, stdout=out)
        ours.append(100 * json.loads(out.getvalue())["ai_share"])

    assert agreeing(ours, published) >= AGREEING_SHARE * len(ranges)


def committer_counts_too(records: list[CommitRecord]) -> dict[str, Verdict]:
    """The old reading: a tool as committer made the lines AI-written."""
    return {
        sha: verdict._replace(ai=verdict.ai or bool(verdict.committed_by_tool))
        for sha, verdict in commits_classify(records).items()
    }


def test_counting_the_tool_as_committer_as_ai_breaks_the_agreement(
    releases: tuple[Path, list[Release], list[float]],
) -> None:
    repo, ranges, published = releases
    old = [
        100
        * ai_share_measure(
            repo=repo, from_ref=r.previous, to_ref=r.tag, globs=SELECTION, classify=committer_counts_too
        ).as_json()["ai_share"]
        for r in ranges
    ]

    assert agreeing(old, published) < AGREEING_SHARE * len(ranges)


@pytest.mark.parametrize(
    ("path", "counted"),
    [
        ("app/coders/base.py", True),
        ("app/prompts.py", False),
        ("tests/fixtures/watch/x.py", False),
        ("docker/Dockerfile", True),
        (".github/workflows/ci.yml", True),
        ("app/resources/models.json", False),
        ("README.md", False),
    ],
)
def test_path_globs_with_the_exclude_magic_select_what_the_project_counts(path: str, counted: bool) -> None:
    assert path_selected(path, SELECTION) is counted
    assert project_selection(path) is counted


def test_exclude_globs_alone_count_every_other_path() -> None:
    assert [path_selected(path, [":!docs/*", ":^*.md"]) for path in ["src/a.py", "docs/a.txt", "README.md"]] == [
        True,
        False,
        False,
    ]


def test_a_function_moved_to_another_file_keeps_its_origin(tmp_path: Path) -> None:
    """Ada (with Claude) writes a 6-line function in src/a.py in v1..v2; Ben moves it to src/b.py in the same
    range, in one commit: its 6 lines stay Ada's and AI-written; Ben's only line of his own is b.py's header."""
    function = [
        "def settle_ledger_totals(entries, currency):",
        "    '''Sum the ledger entries of one currency, in minor units.'''",
        "    selected = [entry for entry in entries if entry.currency == currency]",
        "    amounts = [entry.amount_minor_units for entry in selected]",
        "    total_minor_units = sum(amounts)",
        "    return total_minor_units",
    ]
    repo = RepoBuilder(tmp_path / "rel")
    repo.write("src/a.py", ["import decimal"])
    repo.commit("Start", author=BEN, when=START)
    repo.git("tag", "v1")
    repo.write("src/a.py", ["import decimal", *function])
    repo.commit("Ledger totals", author=ADA, when=START + timedelta(days=1), trailers=[CLAUDE])
    repo.write("src/a.py", ["import decimal"])
    repo.write("src/b.py", ["# Ledger helpers", *function])
    repo.commit("Move the totals to the ledger helpers", author=BEN, when=START + timedelta(days=2))
    repo.git("tag", "v2")

    share = ai_share(repo=repo.path, from_ref="v1", to_ref="v2").as_json()

    assert share["by_author"] == {"Ada Abara": {"lines": 6, "ai_lines": 6}, "Ben Bauer": {"lines": 1, "ai_lines": 0}}

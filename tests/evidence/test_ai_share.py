from __future__ import annotations

import json
from datetime import timedelta
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from evidence.models import ToolReportedCommit
from evidence.services.activity.share import ai_share
from reviews.demo.repo_builder import RepoBuilder
from tests.evidence.git_histories import (
    ADA,
    BEN,
    CLAUDE,
    START,
    clone_missing_a_blob,
    moved_block_history,
    nora_history,
)

pytestmark = pytest.mark.django_db


def release_history(path: Path) -> tuple[RepoBuilder, str]:
    """v1 has 5 lines of Ben's; then within v1..v2 (hand-counted below):

    Ada + Claude writes src/a.py (8 lines), Ben rewrites 2 of them by hand, a Devin agent commit co-authored
    by Ben adds src/b.py (4 lines), Ada writes docs/readme.md (3 lines) without AI, and a tool-reported commit by
    Ben adds 2 lines to src/c.py.
    """
    repo = RepoBuilder(path)
    repo.write("src/c.py", [f"old {n}" for n in range(5)])
    repo.commit("v1", author=BEN, when=START)
    repo.git("tag", "v1")
    repo.write("src/a.py", [f"ai {n}" for n in range(8)])
    repo.commit("Add a", author=ADA, when=START + timedelta(days=1), trailers=[CLAUDE])
    repo.write("src/a.py", ["ben 0", "ben 1", *[f"ai {n}" for n in range(2, 8)]])
    repo.commit("Rewrite two lines", author=BEN, when=START + timedelta(days=2))
    repo.write("src/b.py", [f"devin {n}" for n in range(4)])
    repo.commit(
        "Agent work",
        author="Devin AI <158243242+devin-ai-integration[bot]@users.noreply.github.com>",
        when=START + timedelta(days=3),
        trailers=[f"Co-authored-by: {BEN}"],
    )
    repo.write("docs/readme.md", ["# Readme", "hello", "world"])
    repo.commit("Docs", author=ADA, when=START + timedelta(days=4))
    repo.write("src/c.py", [*[f"old {n}" for n in range(5)], "cursor 1", "cursor 2"])
    reported = repo.commit("Extend c", author=BEN, when=START + timedelta(days=5))
    repo.git("tag", "v2")
    return repo, reported


def test_ai_share_matches_hand_counts(tmp_path: Path) -> None:
    _, reported = release_history(tmp_path / "rel")
    ToolReportedCommit.objects.create(source="cursor-commits", sha=reported, tool="cursor", ai_lines_added=2)

    share = ai_share(repo=tmp_path / "rel", from_ref="v1", to_ref="v2").as_json()

    assert (share["total_lines"], share["ai_lines"]) == (17, 12)
    assert share["ai_share"] == round(12 / 17, 4)
    assert share["by_author"] == {
        "Ada Abara": {"lines": 9, "ai_lines": 6},
        "Ben Bauer": {"lines": 8, "ai_lines": 6},
    }
    assert share["files"]["src/a.py"] == {"lines": 8, "ai_lines": 6}
    assert share["files"]["src/c.py"] == {"lines": 2, "ai_lines": 2}, "lines from before v1 are not counted"


def test_path_globs_restrict_the_count_and_the_command_prints_json(tmp_path: Path) -> None:
    release_history(tmp_path / "rel")
    out = StringIO()

    call_command("ai_share", repo=tmp_path / "rel", from_ref="v1", to_ref="v2", globs=["docs/*"], json=True, stdout=out)

    data = json.loads(out.getvalue())
    assert (data["total_lines"], data["ai_lines"], list(data["files"])) == (3, 0, ["docs/readme.md"])


def test_ai_share_on_a_folder_that_is_not_a_repository_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="not a git repository"):
        call_command("ai_share", repo=tmp_path, from_ref="v1", to_ref="v2")


def test_binary_files_in_the_range_are_skipped_and_named(tmp_path: Path) -> None:
    repo, _ = release_history(tmp_path / "rel")
    repo.git("tag", "-d", "v2")
    (repo.path / "assets").mkdir()
    (repo.path / "assets" / "logo.png").write_bytes(bytes(range(256)) * 8)
    repo.commit("Add logo", author=ADA, when=START + timedelta(days=6), trailers=[CLAUDE])
    repo.git("tag", "v2")

    share = ai_share(repo=tmp_path / "rel", from_ref="v1", to_ref="v2").as_json()

    assert share["skipped_files"] == ["assets/logo.png"]
    assert share["total_lines"] == 17


def test_mailmapped_identities_are_one_author(tmp_path: Path) -> None:
    nora_history(tmp_path / "app")

    share = ai_share(repo=tmp_path / "app", from_ref="v0", to_ref="v1").as_json()

    assert share["by_author"] == {"Nora Quinn": {"lines": 9, "ai_lines": 3}}


def test_a_tool_as_committer_only_writes_no_ai_lines(tmp_path: Path) -> None:
    repo = RepoBuilder(tmp_path / "rel")
    repo.write("README.md", ["# app"])
    repo.commit("Start", author=BEN, when=START)
    repo.git("tag", "v1")
    repo.write("src/mine.py", [f"mine_{n} = {n}" for n in range(5)])
    repo.commit(
        "Ana's own change", author="Ana <ana@example.com>", committer="Ana (aider) <ana@example.com>", when=START
    )
    repo.write("src/tool.py", [f"tool_{n} = {n}" for n in range(2)])
    repo.commit("Aider's change", author="Ana (aider) <ana@example.com>", when=START + timedelta(days=1))
    repo.git("tag", "v2")

    share = ai_share(repo=tmp_path / "rel", from_ref="v1", to_ref="v2").as_json()

    assert share["files"] == {"src/mine.py": {"lines": 5, "ai_lines": 0}, "src/tool.py": {"lines": 2, "ai_lines": 2}}


def test_lines_moved_within_a_file_keep_their_origin(tmp_path: Path) -> None:
    moved_block_history(tmp_path / "rel")

    share = ai_share(repo=tmp_path / "rel", from_ref="v1", to_ref="v2").as_json()

    assert share["by_author"] == {"Ada Abara": {"lines": 6, "ai_lines": 6}}


def test_a_clone_missing_a_blob_gives_the_same_share_as_its_source(tmp_path: Path) -> None:
    repo, clone, _ = clone_missing_a_blob(tmp_path)

    from_clone = ai_share(repo=clone, from_ref="v1", to_ref="v2").as_json()

    assert from_clone == ai_share(repo=repo.path, from_ref="v1", to_ref="v2").as_json()
    assert (from_clone["total_lines"], from_clone["ai_lines"], from_clone["commits"]) == (9, 6, 3)

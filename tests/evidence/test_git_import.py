from __future__ import annotations

import subprocess
from datetime import timedelta
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from evidence.facts.build import person_facts_build
from evidence.models import Commit, CommitAttribution, ToolReportedCommit
from evidence.services.activity.durability import durability_measure
from evidence.services.activity.git import git_import
from reviews.demo.repo_builder import RepoBuilder
from reviews.errors import ApplicationError
from reviews.models import Identity
from tests.evidence.git_histories import (
    ADA,
    BEN,
    START,
    clone_missing_a_blob,
    moved_block_history,
    nora_history,
    squash_history,
)
from tests.evidence.test_attribution import GIT_AI_NOTE
from tests.factories import make_cycle, make_person

pytestmark = pytest.mark.django_db


def small_history(path: Path) -> tuple[RepoBuilder, dict[str, str]]:
    repo = RepoBuilder(path)
    shas: dict[str, str] = {}
    repo.write("app/core.py", [f"line {n}" for n in range(10)])
    shas["human"] = repo.commit("Add core", author=BEN, when=START)
    repo.write("app/feature.py", [f"feature {n}" for n in range(6)])
    repo.write("tests/test_feature.py", ["def test_it():", "    assert True"])
    shas["claude"] = repo.commit(
        "Add feature",
        author=ADA,
        when=START + timedelta(days=1),
        trailers=["Co-Authored-By: Claude Sonnet 4.5 <noreply@anthropic.com>"],
    )
    repo.write("app/agent.py", ["print('agent')", "print('work')"])
    shas["copilot"] = repo.commit(
        "Implement agent task",
        author="Copilot <198982749+Copilot@users.noreply.github.com>",
        committer="GitHub <noreply@github.com>",
        when=START + timedelta(days=2),
        trailers=[
            "Co-authored-by: copilot-swe-agent[bot] <198982749+copilot-swe-agent[bot]@users.noreply.github.com>",
            f"Co-authored-by: {ADA}",
        ],
    )
    shas["revert"] = repo.revert(shas["copilot"], author=BEN, when=START + timedelta(days=3))
    return repo, shas


def test_import_reads_trailers_numstat_attribution_and_reverts(tmp_path: Path) -> None:
    ada = make_person(email="ada@example.com")
    ben = make_person(email="other@example.com")
    Identity.objects.create(person=ben, kind=Identity.Kind.EMAIL, value="Ben@Example.com")
    _, shas = small_history(tmp_path / "shop")

    imported = git_import(path=tmp_path / "shop")

    assert imported.commits == 4
    claude = Commit.objects.get(sha=shas["claude"])
    assert (claude.additions, claude.files_changed, claude.touches_tests) == (8, 2, True)
    assert claude.person == ada
    assert claude.trailers == [["Co-Authored-By", "Claude Sonnet 4.5 <noreply@anthropic.com>"]]
    assert list(claude.attributions.values_list("rule_name", "tool")) == [("coauthor-claude", "claude-code")]
    agent = Commit.objects.get(sha=shas["copilot"])
    assert agent.person == ada, "an agent's commit is credited to the human co-author who started it"
    assert "agent-copilot-swe" in set(agent.attributions.values_list("rule_name", flat=True))
    assert Commit.objects.get(sha=shas["human"]).person == ben
    assert not CommitAttribution.objects.filter(commit__sha=shas["human"]).exists(), "no marker means unknown"
    assert Commit.objects.get(sha=shas["revert"]).reverts == agent


def test_reimport_changes_nothing(tmp_path: Path) -> None:
    small_history(tmp_path / "shop")
    git_import(path=tmp_path / "shop")
    before = list(Commit.objects.order_by("sha").values())
    attributions = CommitAttribution.objects.count()

    git_import(path=tmp_path / "shop")

    assert list(Commit.objects.order_by("sha").values()) == before
    assert CommitAttribution.objects.count() == attributions


def test_force_pushed_commits_are_kept_but_flagged(tmp_path: Path) -> None:
    repo, shas = small_history(tmp_path / "shop")
    git_import(path=tmp_path / "shop")
    repo.git("reset", "-q", "--hard", shas["claude"])
    repo.git("reflog", "expire", "--expire=now", "--all")

    imported = git_import(path=tmp_path / "shop")

    assert imported.vanished == 2
    assert Commit.objects.count() == 4
    assert set(Commit.objects.filter(is_present=False).values_list("sha", flat=True)) == {
        shas["copilot"],
        shas["revert"],
    }


def test_not_a_repository_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(ApplicationError, match="not a git repository"):
        git_import(path=tmp_path)


def test_empty_repository_is_skipped_cleanly(tmp_path: Path) -> None:
    RepoBuilder(tmp_path / "empty")
    imported = git_import(path=tmp_path / "empty")
    assert (imported.commits, imported.note) == (0, "empty repository: nothing to import")


def test_bare_and_shallow_clones_import(tmp_path: Path) -> None:
    small_history(tmp_path / "shop")
    subprocess.run(["git", "clone", "-q", "--bare", str(tmp_path / "shop"), str(tmp_path / "shop.git")], check=True)
    subprocess.run(
        ["git", "clone", "-q", "--depth", "1", f"file://{tmp_path / 'shop'}", str(tmp_path / "shallow")], check=True
    )

    bare = git_import(path=tmp_path / "shop.git")
    shallow = git_import(path=tmp_path / "shallow")

    assert (bare.repository.full_name, bare.commits) == ("shop", 4)
    assert shallow.commits == 1
    assert "shallow clone" in shallow.note


def test_binary_files_and_non_utf8_names_and_messages(tmp_path: Path) -> None:
    repo = RepoBuilder(tmp_path / "odd")
    (repo.path / "logo.png").write_bytes(bytes(range(256)) * 4)
    (repo.path / "caf\xe9.txt".encode("latin-1").decode("utf-8", "surrogateescape")).write_text("a\nb\n")
    repo.git("config", "i18n.commitEncoding", "latin-1")
    message_file = tmp_path / "message.txt"
    message_file.write_bytes("Caf\xe9 au lait".encode("latin-1"))
    repo.git("add", "-A")
    repo.git(
        "commit", "-q", "-F", str(message_file), env={"GIT_AUTHOR_NAME": "Ben", "GIT_AUTHOR_EMAIL": "ben@example.com"}
    )

    imported = git_import(path=tmp_path / "odd")

    commit = Commit.objects.get(repository=imported.repository)
    assert commit.files_changed == 2
    assert commit.additions == 2, "binary files count no lines"
    assert commit.subject.startswith("Caf")


def test_durability_counts_surviving_lines_and_follow_up_fixes(tmp_path: Path) -> None:
    repo = RepoBuilder(tmp_path / "dur")
    repo.write("a.py", [f"a{n}" for n in range(10)])
    first = repo.commit("ten lines", author=ADA, when=START)
    repo.write("a.py", [f"a{n}" if n >= 3 else f"fixed{n}" for n in range(10)])
    repo.commit("fix three lines within 21 days", author=BEN, when=START + timedelta(days=5))
    repo.write("a.py", [f"a{n}" if n >= 5 else f"fixed{n}" for n in range(10)])
    repo.commit("rewrite two more after 21 days", author=BEN, when=START + timedelta(days=40))
    imported = git_import(path=tmp_path / "dur")

    durability_measure(repository=imported.repository, since=START)

    measured = Commit.objects.get(sha=first)
    assert (measured.lines_surviving, measured.follow_up_fix_lines) == (5, 3)
    durability_measure(repository=imported.repository, since=START, at_date=START + timedelta(days=30))
    assert Commit.objects.get(sha=first).lines_surviving == 7, "at a date before the second rewrite"


def test_import_git_command_reports_counts_and_durability(tmp_path: Path) -> None:
    small_history(tmp_path / "shop")
    out = StringIO()

    call_command("import_git", str(tmp_path / "shop"), durability_since="2026-06-01", stdout=out)

    assert "4 commits (2 AI-attributed, 0 no longer in the history)" in out.getvalue()
    assert "durability of 3 commits" in out.getvalue()
    with pytest.raises(CommandError, match="expected YYYY-MM-DD"):
        call_command("import_git", str(tmp_path / "shop"), durability_since="June")


def test_git_ai_notes_and_tool_reported_shas_attribute_commits(tmp_path: Path) -> None:
    repo = RepoBuilder(tmp_path / "notes")
    repo.write("src/main.rs", [f"fn line_{n}() {{}}" for n in range(20)])
    noted = repo.commit("Add main", author=BEN, when=START)
    repo.write("src/lib.rs", ["pub fn lib() {}"])
    reported = repo.commit("Add lib", author="Unknown Laptop <laptop@local>", when=START + timedelta(days=1))
    repo.git("notes", "--ref=ai", "add", "-m", GIT_AI_NOTE, noted)
    ada = make_person(email="ada@example.com")
    ToolReportedCommit.objects.create(
        source="cursor-commits", sha=reported, tool="cursor", person=ada, ai_lines_added=1
    )

    git_import(path=tmp_path / "notes")

    note_match = CommitAttribution.objects.get(commit__sha=noted)
    assert (note_match.rule_name, note_match.tool, note_match.ai_lines) == ("git-ai-note", "claude", 16)
    tool_match = CommitAttribution.objects.get(commit__sha=reported)
    assert (tool_match.rule_name, tool_match.tool, tool_match.confidence) == ("tool-reported-sha", "cursor", 1.0)
    assert Commit.objects.get(sha=reported).person == ada, "the tool names the person when git does not"


def test_mailmap_credits_every_old_identity_to_the_mapped_person(tmp_path: Path) -> None:
    nora = make_person(email="nora@example.com")
    nora_history(tmp_path / "app")

    git_import(path=tmp_path / "app")

    noras = Commit.objects.exclude(author_email="ben@example.com")
    assert noras.count() == 3
    assert set(noras.values_list("author_name", "author_email", "person")) == {
        ("Nora Quinn", "nora@example.com", nora.pk)
    }


def test_a_branch_left_behind_after_a_squash_merge_never_doubles_lines(tmp_path: Path) -> None:
    ada = make_person(email="ada@example.com")
    cycle = make_cycle(start=START.date(), end=(START + timedelta(days=30)).date())
    _, squash = squash_history(tmp_path / "app")

    imported = git_import(path=tmp_path / "app")

    assert imported.commits == 4, "the branch's commits are kept, as work in progress"
    assert set(Commit.objects.filter(on_default_branch=True).values_list("subject", flat=True)) == {
        "Start",
        "Feature (#1)",
    }
    outcomes = person_facts_build(person=ada, cycle=cycle).facts["outcomes"]
    assert outcomes["ai_assisted"]["lines_added"] + outcomes["other"]["lines_added"] == 60
    assert outcomes["ai_assisted"]["commits"] + outcomes["other"]["commits"] == 1
    assert Commit.objects.get(sha=squash).additions == 60


def test_a_branch_merged_later_becomes_an_outcome(tmp_path: Path) -> None:
    repo, _ = squash_history(tmp_path / "app")
    git_import(path=tmp_path / "app")
    repo.git("checkout", "-q", "feature")
    repo.write("src/third.py", ["third = 3"])
    repo.commit("Third", author=ADA, when=START + timedelta(days=4))
    repo.git("checkout", "-q", "main")
    repo.git("merge", "-q", "--no-ff", "-m", "Merge feature", "feature")

    git_import(path=tmp_path / "app")

    assert not Commit.objects.filter(on_default_branch=False).exists()


def test_a_clone_missing_a_blob_imports_with_a_note(tmp_path: Path) -> None:
    _, clone, _ = clone_missing_a_blob(tmp_path)

    imported = git_import(path=clone)

    assert imported.commits == 5
    assert "2 commits imported without line counts" in imported.note
    assert imported.note.endswith(": data/big.csv")
    rows = {row.subject: row for row in Commit.objects.all()}
    dropped = rows["Drop data"]
    assert (dropped.additions, dropped.deletions, dropped.files_changed) == (2, 0, 1), "its readable file counts"
    assert dropped.lines_moved is None, "its patch could not be read whole"
    assert (rows["Load data elsewhere"].additions, rows["Load data elsewhere"].lines_moved) == (6, 0)
    assert (rows["More app"].additions, rows["More app"].lines_moved) == (1, 0)
    assert list(rows["Load data elsewhere"].attributions.values_list("tool", flat=True)) == ["claude-code"]


def test_the_import_command_prints_the_note_about_missing_contents(tmp_path: Path) -> None:
    _, clone, _ = clone_missing_a_blob(tmp_path)
    out = StringIO()

    call_command("import_git", str(clone), stdout=out)

    assert "5 commits" in out.getvalue()
    assert "contents are missing from the clone" in out.getvalue()


def test_a_blobless_partial_clone_imports_without_fetching(tmp_path: Path) -> None:
    repo, _, _ = clone_missing_a_blob(tmp_path)
    repo.git("config", "uploadpack.allowFilter", "true")
    target = tmp_path / "partial"
    subprocess.run(["git", "clone", "-q", "--filter=blob:none", f"file://{repo.path}", str(target)], check=True)
    missing = ["git", "rev-list", "--objects", "--missing=print", "--all"]
    before = subprocess.run(missing, cwd=target, capture_output=True, check=True).stdout.count(b"?")

    imported = git_import(path=target)

    assert imported.commits == 5
    assert "contents are missing from the clone" in imported.note
    after = subprocess.run(missing, cwd=target, capture_output=True, check=True).stdout.count(b"?")
    assert before == after > 0, "git fetched nothing"


def test_durability_keeps_lines_moved_within_a_file_at_their_origin(tmp_path: Path) -> None:
    repo = moved_block_history(tmp_path / "ledger")
    imported = git_import(path=repo.path)

    durability_measure(repository=imported.repository, since=START)

    totals = Commit.objects.get(subject="Totals")
    assert (totals.additions, totals.lines_surviving, totals.follow_up_fix_lines) == (6, 6, 0)

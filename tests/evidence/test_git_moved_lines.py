"""Moved lines per commit, read from the one streamed `git log` of a real repository built here.

Expected values are counted by hand from the edits below (a line needs 8 letters or digits to count, except in a
renamed file, which moves whole).
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from evidence.facts.build import person_facts_build
from evidence.git.log import commits_read
from evidence.models import Commit
from evidence.services.activity.git import git_import
from reviews.demo.repo_builder import RepoBuilder
from tests.factories import make_cycle, make_person

AUTHOR = "Ada Castro <ada@example.com>"
PARSE = ["def parse_amount(text):", "    cleaned = text.strip()", "    return int(cleaned)", ""]
FORMAT = ["def format_amount(value):", '    return f"{value:.2f}"']
NOTES = ["Ledger notes", "", "}"]


def when(day: int) -> datetime:
    return datetime(2026, 2, day, 10, tzinfo=UTC)


def ledger_history(path: Path) -> dict[str, str]:
    repo = RepoBuilder(path)
    repo.write("ledger.py", [*PARSE, *FORMAT])
    repo.write("notes.txt", NOTES)
    shas = {"initial": repo.commit("Start the ledger", author=AUTHOR, when=when(2))}
    # parse_amount moves to its own module (3 lines; its blank line is too short to count), notes.txt is renamed
    # (3 lines, all of them), and format_amount's body is re-indented in place (an edit, not a move).
    repo.write("ledger.py", ["def format_amount(value):", '        return f"{value:.2f}"'])
    repo.write("parsing.py", ["import decimal", *PARSE])
    (path / "notes.txt").unlink()
    repo.write("docs/notes.txt", NOTES)
    shas["move"] = repo.commit("Move parsing out of the ledger", author=AUTHOR, when=when(3))
    # An edit: the old line goes, a different one comes. Nothing moved.
    repo.write("parsing.py", ["import decimal", *PARSE[:2], "    return int(cleaned or 0)", ""])
    shas["edit"] = repo.commit("Parse empty amounts as zero", author=AUTHOR, when=when(4))
    # Within one file: the import leaves the top (one hunk) and lands at the bottom (another). One line moved.
    repo.write("parsing.py", [*PARSE[:2], "    return int(cleaned or 0)", "", "import decimal"])
    shas["reorder"] = repo.commit("Import last", author=AUTHOR, when=when(5))
    return shas


def test_moved_lines_are_counted_per_commit_from_one_streamed_log(tmp_path: Path) -> None:
    shas = ledger_history(tmp_path / "ledger")

    moved = {record.sha: record.lines_moved for record in commits_read(path=tmp_path / "ledger", moved_lines=True)}

    assert moved == {shas["initial"]: 0, shas["move"]: 6, shas["edit"]: 0, shas["reorder"]: 1}


def test_reading_without_patches_leaves_moves_unknown(tmp_path: Path) -> None:
    ledger_history(tmp_path / "ledger")

    assert {record.lines_moved for record in commits_read(path=tmp_path / "ledger")} == {None}


@pytest.mark.django_db
def test_moved_lines_are_stored_and_reach_the_outcome(tmp_path: Path) -> None:
    shas = ledger_history(tmp_path / "ledger")
    person = make_person(name="Ada Castro", email="ada@example.com")
    cycle = make_cycle(name="2026-H1", start=date(2026, 1, 1), end=date(2026, 6, 30))

    git_import(path=tmp_path / "ledger")
    git_import(path=tmp_path / "ledger")  # a rerun changes nothing

    stored = dict(Commit.objects.values_list("sha", "lines_moved"))
    assert stored == {shas["initial"]: 0, shas["move"]: 6, shas["edit"]: 0, shas["reorder"]: 1}
    outcomes = person_facts_build(person=person, cycle=cycle).facts["outcomes"]
    assert outcomes["other"]["refactor_lines_moved"] == 7
    assert outcomes["other"]["provenance"]["commits_with_moves_measured"] == 4
    assert outcomes["ai_assisted"]["refactor_lines_moved"] == 0

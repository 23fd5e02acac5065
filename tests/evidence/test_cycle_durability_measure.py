"""Durability in the ordinary flow: building a cycle's evidence measures its commits at the cycle's end, once.

The README's order of commands, with no durability flag: import_people, import_git PATH, import_usage,
create_cycle, evidence. Cycle 2025-Q3 (2025-07-01 … 2025-09-30), long over, so its end is a fixed point.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from evidence.models import Commit, EvidenceFacts, FactsBuild, Repository
from evidence.services.activity.durability import cycle_durability_measure
from evidence.services.evidence_build import facts_build_durability_measure
from tests.evidence.scenarios.real_history import CLAUDE, RepoBuilder, claude_code_day, lines, when
from tests.factories import make_cycle, make_person

pytestmark = pytest.mark.django_db

D = date
ANA = "Ana Alves <ana@example.com>"
CYCLE_END = datetime(2025, 10, 1, tzinfo=UTC)  # the first moment after 30 September, UTC


def billing_history(path: Path) -> RepoBuilder:
    """An AI change of 12 lines, 4 of them rewritten inside the cycle; notes rewritten only after the cycle."""
    repo = RepoBuilder(path)
    repo.write("billing/invoice.py", lines("invoice", 12))
    repo.commit("Add invoices", author=ANA, when=when(D(2025, 7, 7)), trailers=[CLAUDE])
    repo.write("docs/notes.md", lines("note", 5))
    repo.commit("Write notes", author=ANA, when=when(D(2025, 8, 4)))
    repo.write("billing/invoice.py", lines("invoice v2", 4) + lines("invoice", 12)[4:])
    repo.commit("Round invoice totals", author=ANA, when=when(D(2025, 9, 15)))
    repo.write("docs/notes.md", lines("note v2", 5))
    repo.commit("Rewrite notes", author=ANA, when=when(D(2025, 10, 20)))
    return repo


@pytest.mark.parametrize("one_person", [False, True], ids=["whole-cycle", "one-person"])
def test_the_readme_order_of_commands_gives_survival_at_the_cycle_end(  # type: ignore[no-untyped-def]
    tmp_path: Path, one_person: bool, django_capture_on_commit_callbacks
) -> None:
    billing_history(tmp_path / "billing")
    people = tmp_path / "people.csv"
    people.write_text("email,name,manager_email,team\nana@example.com,Ana Alves,,Billing\n")
    usage = tmp_path / "claude.json"
    usage.write_text(
        json.dumps(
            {
                "data": [claude_code_day("ana@example.com", D(2025, 7, 7), tokens_in=20_000, tokens_out=2_000)],
                "has_more": False,
                "next_page": None,
            }
        )
    )
    out = StringIO()

    call_command("import_people", str(people), stdout=out)
    call_command("import_git", str(tmp_path / "billing"), stdout=out)
    call_command("import_usage", "--source", "claude-code-analytics", str(usage), stdout=out)
    call_command("create_cycle", "2025-Q3", "--start", "2025-07-01", "--end", "2025-09-30", stdout=out)
    if one_person:
        printed = StringIO()
        call_command("evidence", "--cycle", "2025-Q3", "--person", "ana@example.com", "--json", stdout=printed)
        facts = json.loads(printed.getvalue())
    else:
        with django_capture_on_commit_callbacks(execute=True):  # the build is sent on commit; tasks run in-process
            call_command("evidence", "--cycle", "2025-Q3", stdout=out)
        facts = EvidenceFacts.objects.get(person__email="ana@example.com").facts
    ai, other = facts["outcomes"]["ai_assisted"], facts["outcomes"]["other"]
    # at 30 September: 8 of the AI change's 12 lines remain (4 rewritten on 15 September)
    assert (ai["lines_added"], ai["lines_surviving"], ai["survival_share"]) == (12, 8, 0.6667)
    # the notes were rewritten on 20 October, after the cycle: at its end all 5 lines (and the 4 new) remain
    assert (other["lines_added"], other["lines_surviving"], other["survival_share"]) == (9, 9, 1.0)
    measured = Commit.objects.exclude(subject="Rewrite notes").values_list("survival_measured_at", flat=True)
    assert set(measured) == {CYCLE_END}
    assert Commit.objects.get(subject="Rewrite notes").survival_measured_at is None  # not a commit of the cycle


def test_a_commit_measured_at_the_cycle_end_is_not_measured_again(tmp_path: Path) -> None:
    billing_history(tmp_path / "billing")
    call_command("import_git", str(tmp_path / "billing"), stdout=StringIO())
    cycle = make_cycle(name="2025-Q3", start=D(2025, 7, 1), end=D(2025, 9, 30))
    first = cycle_durability_measure(cycle=cycle)
    # a figure only a new measurement would overwrite
    Commit.objects.filter(subject="Add invoices").update(lines_surviving=11)

    second = cycle_durability_measure(cycle=cycle)

    assert first.measured_at == second.measured_at == CYCLE_END
    assert first.repositories[Repository.objects.get().full_name].commits == 3
    assert (second.repositories, second.notes) == ({}, [])  # nothing left to measure: no git call at all
    assert Commit.objects.get(subject="Add invoices").lines_surviving == 11


def test_a_clone_that_cannot_be_read_is_noted_and_the_build_goes_on(tmp_path: Path) -> None:
    billing_history(tmp_path / "billing")
    call_command("import_git", str(tmp_path / "billing"), stdout=StringIO())
    (tmp_path / "billing").rename(tmp_path / "moved")
    cycle = make_cycle(name="2025-Q3", start=D(2025, 7, 1), end=D(2025, 9, 30))
    make_person(email="ana@example.com")
    build = FactsBuild.objects.create(cycle=cycle, total=1, chunk_size=1)

    measured = facts_build_durability_measure(build_id=build.pk)

    assert measured is not None
    assert measured.repositories == {}
    assert len(measured.notes) == 1
    assert "billing: not a folder" in measured.notes[0]
    assert set(Commit.objects.values_list("lines_surviving", flat=True)) == {None}

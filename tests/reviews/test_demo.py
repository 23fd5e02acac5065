from __future__ import annotations

import csv
import io
import json
import zipfile
from pathlib import Path

import pytest
from django.core.management import call_command
from pytest_django import Settings as SettingsWrapper

from reviews.demo.company import demo_people
from reviews.models import Packet, Person, ReviewCycle
from reviews.self_review import self_review_get

pytestmark = pytest.mark.django_db(transaction=True)


def test_demo_company_is_deterministic_from_its_seed() -> None:
    assert demo_people(seed=7) == demo_people(seed=7)
    assert demo_people(seed=7) != demo_people(seed=8)


def test_demo_writes_a_packet_per_person_and_a_summary(settings: SettingsWrapper, tmp_path: Path) -> None:
    settings.DATA_DIR = tmp_path / "var"
    settings.OUTPUT_DIR = tmp_path / "out"
    out = io.StringIO()

    call_command("demo", stdout=out)

    people = Person.objects.count()
    assert people >= 40
    assert Person.objects.values("team").distinct().count() >= 4
    assert Person.objects.filter(role=Person.Role.HR).exists()
    assert Person.objects.filter(reports__isnull=False).distinct().count() >= 4
    cycle_dir = tmp_path / "out" / "2026-H2"
    assert len(list(cycle_dir.glob("*@example.com.pdf"))) == people
    assert (cycle_dir / "org-report.pdf").read_bytes().startswith(b"%PDF-")
    with (cycle_dir / "summary.csv").open() as handle:
        rows = list(csv.DictReader(handle))
    assert [row["name"] for row in rows] == sorted(row["name"] for row in rows)
    assert {row["status"] for row in rows} == {"done"}
    manifest = json.loads((cycle_dir / "manifest.json").read_text())
    assert len(manifest["files"]) == people + 2
    (archive,) = cycle_dir.glob("*.zip")
    with zipfile.ZipFile(archive) as opened:
        assert sorted(opened.namelist()) == sorted([*(entry["name"] for entry in manifest["files"]), "manifest.json"])
    assert "make serve" in out.getvalue()
    assert "facts for 2026-H2" in out.getvalue()
    banded: dict[str, int] = {}
    for packet in Packet.objects.filter(cycle__name="2026-H2").select_related("person"):
        if packet.facts["usage"]["cost_per_merged_ai_pr"]["team_band"] is not None:
            banded[packet.person.team] = banded.get(packet.person.team, 0) + 1
    # a band needs five people in the team with the figure, and every one of them is shown theirs
    assert banded, "no packet of the demo shows a team band"
    assert all(count >= 5 for count in banded.values()), banded

    # Each demo login shows something real: two employees' own words, and one released packet in every team.
    cycle = ReviewCycle.objects.get(name="2026-H2")
    employees = Person.objects.filter(role=Person.Role.EMPLOYEE, reports__isnull=True, manager__isnull=False)
    reviews = [self_review_get(person=person, cycle=cycle) for person in employees]
    writers = [
        review
        for review in reviews
        if review.narrative
        and any(item.correction for item in review.items)
        and sum(item.highlighted for item in review.items) >= 2
    ]
    assert len(writers) >= 2
    assert all(review.latest is not None and review.latest.version == 2 for review in writers)
    released_teams = {review.person.team for review in reviews if review.released is not None}
    assert released_teams == {person.team for person in employees}

"""The demo company's usage: written in the providers' shapes, imported through the real importers, archetypes intact."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.db.models import Sum

from evidence.models import ImportBatch, SourceActor, ToolOutcomeFact, ToolReportedCommit, UsageFact, UsageSession
from reviews.demo.company import ARCHETYPES, demo_archetypes, demo_people_csv_write
from reviews.demo.usage import demo_usage_import, demo_usage_write
from reviews.models import Person
from reviews.services.people import people_import

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(tmp_path: Path) -> dict[str, str]:
    people = demo_people_csv_write(path=tmp_path / "people.csv", seed=2026)
    people_import(path=tmp_path / "people.csv")
    files = demo_usage_write(out_dir=tmp_path / "usage", people=people, seed=2026)
    assert {source for source, _ in files} >= {
        "claude-code-analytics",
        "copilot-metrics",
        "cursor-commits",
        "claude-code-otel",
    }
    demo_usage_import(files=files)
    return demo_archetypes(people)


def tokens(email: str) -> int:
    totals = UsageFact.objects.filter(person__email=email).aggregate(
        a=Sum("input_uncached"), b=Sum("cache_read"), c=Sum("cache_write"), d=Sum("output")
    )
    return sum(value or 0 for value in totals.values())


def outcome(email: str, metric: str) -> int:
    return (
        ToolOutcomeFact.objects.filter(person__email=email, metric=metric).aggregate(total=Sum("value"))["total"] or 0
    )


def people_of(archetypes: dict[str, str], kind: str) -> list[str]:
    return [email for email, name in archetypes.items() if name == kind]


def test_every_file_imports_and_every_actor_resolves_to_a_person(demo: dict[str, str]) -> None:
    assert set(ImportBatch.objects.values_list("status", flat=True)) == {"done"}
    assert not SourceActor.objects.exclude(owner=SourceActor.Owner.PERSON).exists()
    assert UsageFact.objects.filter(person__isnull=True).count() == 0


def test_each_team_has_every_archetype(demo: dict[str, str]) -> None:
    teams = Person.objects.exclude(team="").values_list("team", flat=True).distinct()
    for kind in ARCHETYPES:
        assert len(people_of(demo, kind)) == 5, kind
    assert len(teams) >= 5


def test_idle_loop_uses_far_more_tokens_than_the_efficient_user_and_accepts_nothing(demo: dict[str, str]) -> None:
    for idle, efficient in zip(people_of(demo, "idle_loop"), people_of(demo, "efficient"), strict=True):
        assert tokens(idle) > 20 * tokens(efficient)
        assert outcome(idle, "edits_accepted") == 0
        assert outcome(idle, "commits") == 0
        assert outcome(efficient, "edits_accepted") > 0
        assert outcome(efficient, "commits") > 0
        idle_sessions = UsageSession.objects.filter(person__email=idle)
        assert idle_sessions.exists()
        assert all((session.ended_at - session.started_at).total_seconds() > 5 * 3600 for session in idle_sessions)
        assert not idle_sessions.filter(edits_accepted__gt=0).exists()


def test_non_users_have_no_usage_and_churners_have_tool_reported_commits(demo: dict[str, str]) -> None:
    for email in people_of(demo, "non_user"):
        assert not UsageFact.objects.filter(person__email=email).exists()
        assert not ToolOutcomeFact.objects.filter(person__email=email).exists()
    for email in people_of(demo, "churner"):
        assert ToolReportedCommit.objects.filter(person__email=email, source="cursor-commits").exists()
    for email in people_of(demo, "efficient"):
        assert ToolReportedCommit.objects.filter(person__email=email, source="claude-code-otel").exists()


def test_rerunning_the_demo_import_changes_nothing(demo: dict[str, str], tmp_path: Path) -> None:
    facts = UsageFact.objects.count(), ToolOutcomeFact.objects.count(), tokens(people_of(demo, "idle_loop")[0])
    people = demo_people_csv_write(path=tmp_path / "again.csv", seed=2026)
    demo_usage_import(files=demo_usage_write(out_dir=tmp_path / "usage", people=people, seed=2026))
    assert (
        UsageFact.objects.count(),
        ToolOutcomeFact.objects.count(),
        tokens(people_of(demo, "idle_loop")[0]),
    ) == facts

"""Commit author e-mails that resolve to nobody are unresolved identities too, and map_identity maps them."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from evidence.models import Commit
from evidence.services.activity.git import git_import
from evidence.services.identities import commit_email_map, unresolved_commit_emails
from reviews.demo.repo_builder import RepoBuilder
from reviews.models import Identity
from tests.evidence.git_histories import ADA, START
from tests.factories import make_person

pytestmark = pytest.mark.django_db


def laptop_history(path: Path) -> RepoBuilder:
    """Nora commits twice from a laptop address nobody knows; bots and an agent commit beside her and Ada."""
    repo = RepoBuilder(path)
    for day, author in enumerate(
        [
            ADA,
            "nq <NQ@laptop.local>",
            "nq <nq@laptop.local>",
            "dependabot[bot] <49699333+dependabot[bot]@users.noreply.github.com>",
            "github-actions[bot] <41898282+github-actions[bot]@users.noreply.github.com>",
            "Copilot <198982749+Copilot@users.noreply.github.com>",
        ]
    ):
        repo.write(f"file_{day}.txt", [author])
        repo.commit(f"change {day}", author=author, when=START + timedelta(days=day))
    return repo


def test_commit_emails_credited_to_nobody_are_listed_without_bots_or_agents(tmp_path: Path) -> None:
    make_person(email="ada@example.com")
    git_import(path=laptop_history(tmp_path / "app").path)

    assert unresolved_commit_emails() == [("nq@laptop.local", 2)]


def test_map_identity_lists_and_maps_a_commit_email(tmp_path: Path) -> None:
    make_person(email="ada@example.com")
    nora = make_person(email="nora@example.com")
    git_import(path=laptop_history(tmp_path / "app").path)
    listed, mapped = StringIO(), StringIO()

    call_command("map_identity", stdout=listed)
    call_command("map_identity", kind="email", value="nq@laptop.local", person="nora@example.com", stdout=mapped)

    assert "email\tgit\tnq@laptop.local\t2 commits" in listed.getvalue()
    assert "nq@laptop.local mapped to nora@example.com; 2 commits credited" in mapped.getvalue()
    assert Commit.objects.filter(person=nora).count() == 2
    assert Identity.objects.get(value="nq@laptop.local").person == nora
    assert unresolved_commit_emails() == []


def test_a_commit_email_mapped_for_a_period_credits_only_its_commits(tmp_path: Path) -> None:
    nora = make_person(email="nora@example.com")
    git_import(path=laptop_history(tmp_path / "app").path)

    credited = commit_email_map(email="nq@laptop.local", person=nora, valid_from=(START + timedelta(days=2)).date())

    assert credited == 1
    assert list(Commit.objects.filter(person=nora).values_list("subject", flat=True)) == ["change 2"]

"""A repository is known by itself (GitHub name, origin URL, root commit), never by the folder it was cloned into."""

from __future__ import annotations

import importlib
import subprocess
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from django.apps import apps

from evidence.git.identity import github_identity, remote_identity, repository_identity
from evidence.models import Commit, Repository
from evidence.services.activity.git import git_import
from evidence.services.activity.github import github_sync_start
from reviews.demo.repo_builder import RepoBuilder

pytestmark = pytest.mark.django_db

ADA = "Ada Abara <ada@example.com>"
BEN = "Ben Bauer <ben@example.com>"
START = datetime(2026, 7, 1, 9, tzinfo=UTC)


def source(path: Path, *, author: str, files: int) -> RepoBuilder:
    repo = RepoBuilder(path)
    for number in range(files):
        repo.write(f"src/file_{number}.py", [f"{path.name} {number}"])
        repo.commit(f"{path.name} commit {number}", author=author, when=START + timedelta(days=number))
    return repo


def clone(origin: Path, target: Path) -> Path:
    target.parent.mkdir(parents=True, exist_ok=True)
    subprocess.run(["git", "clone", "-q", str(origin), str(target)], check=True)
    return target


@pytest.mark.parametrize(
    "url",
    [
        "https://github.com/Acme/App.git",
        "https://user@github.com/acme/app/",
        "ssh://git@github.com:22/acme/app.git",
        "git@github.com:acme/app.git",
        "github.com:acme/app",
    ],
)
def test_every_spelling_of_a_remote_is_one_identity(url: str) -> None:
    assert remote_identity(url) == "github.com/acme/app"


def test_a_github_repository_and_its_enterprise_namesake_differ() -> None:
    assert github_identity(base_url="https://api.github.com", full_name="Acme/App") == "github.com/acme/app"
    assert github_identity(base_url="", full_name="acme/app") == "github.com/acme/app"
    assert (
        github_identity(base_url="https://git.corp.example/api/v3", full_name="acme/app") == "git.corp.example/acme/app"
    )


def test_two_unrelated_repositories_cloned_into_folders_of_one_name_stay_two(tmp_path: Path) -> None:
    first = clone(source(tmp_path / "origins" / "shop", author=ADA, files=3).path, tmp_path / "one" / "app")
    second = clone(source(tmp_path / "origins" / "blog", author=BEN, files=2).path, tmp_path / "two" / "app")

    imported_first = git_import(path=first)
    imported_second = git_import(path=second)
    imported_first_again = git_import(path=first)

    assert Repository.objects.count() == 2
    assert imported_first.repository != imported_second.repository
    assert (imported_first.commits, imported_second.commits) == (3, 2)
    assert (imported_second.vanished, imported_first_again.vanished) == (0, 0), "neither marks the other's gone"
    assert Commit.objects.filter(is_present=True).count() == 5
    assert {row.full_name for row in Repository.objects.all()} == {"shop", "blog"}


def test_two_repositories_without_origin_in_folders_of_one_name_are_told_apart_by_root_commit(tmp_path: Path) -> None:
    first = source(tmp_path / "one" / "app", author=ADA, files=2)
    second = source(tmp_path / "two" / "app", author=BEN, files=2)

    git_import(path=first.path)
    git_import(path=second.path)

    roots = {f"root:{repo.git('rev-list', '--max-parents=0', 'HEAD')}" for repo in (first, second)}
    assert set(Repository.objects.values_list("identity", flat=True)) == roots
    assert Commit.objects.filter(is_present=True).count() == 4


def test_one_repository_cloned_into_two_folders_is_one(tmp_path: Path) -> None:
    origin = source(tmp_path / "origins" / "shop", author=ADA, files=3).path
    clone(origin, tmp_path / "laptop" / "shop")
    clone(origin, tmp_path / "server" / "shop-mirror")

    first = git_import(path=tmp_path / "laptop" / "shop")
    second = git_import(path=tmp_path / "server" / "shop-mirror")

    assert first.repository == second.repository
    assert (Repository.objects.count(), Commit.objects.count()) == (1, 3)


def test_a_clone_of_a_synced_github_repository_joins_its_rows(tmp_path: Path) -> None:
    synced = Repository.objects.create(host=Repository.Host.GITHUB, full_name="Acme/Shop", base_url="")
    repo = source(tmp_path / "work" / "checkout", author=ADA, files=2)
    repo.git("remote", "add", "origin", "git@github.com:acme/shop.git")

    imported = git_import(path=repo.path)

    assert imported.repository == synced
    assert Repository.objects.count() == 1
    assert Repository.objects.get().identity == "github.com/acme/shop"


def test_a_clone_imported_before_its_github_sync_becomes_the_synced_repository(tmp_path: Path) -> None:
    repo = source(tmp_path / "checkout", author=ADA, files=2)
    repo.git("remote", "add", "origin", "https://github.com/acme/shop.git")
    local = git_import(path=repo.path).repository

    (synced,) = github_sync_start(org="acme", repos=["acme/shop"], base_url="https://api.github.com")

    assert synced.pk == local.pk
    assert (synced.host, synced.full_name) == (Repository.Host.GITHUB, "acme/shop")
    assert Commit.objects.filter(repository=synced).count() == 2


def test_the_migration_gives_existing_rows_their_identity(tmp_path: Path) -> None:
    repo = source(tmp_path / "app", author=ADA, files=1)
    local = Repository.objects.create(host=Repository.Host.LOCAL, full_name="app", local_path=str(repo.path))
    gone = Repository.objects.create(host=Repository.Host.LOCAL, full_name="old", local_path=str(tmp_path / "gone"))
    synced = Repository.objects.create(host=Repository.Host.GITHUB, full_name="acme/shop", base_url="")
    migration = importlib.import_module("evidence.migrations.0011_repository_identity")

    migration.identities_fill(apps, None)

    local.refresh_from_db()
    gone.refresh_from_db()
    synced.refresh_from_db()
    assert local.identity == repository_identity(repo.path)[0]
    assert (gone.identity, synced.identity) == ("", "github.com/acme/shop")
    assert git_import(path=repo.path).repository == local, "the next import finds the row again"

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from celery.exceptions import Retry
from cryptography.fernet import Fernet
from pytest_django import Settings as SettingsWrapper

from evidence.github.tokens import github_connection_store, github_token
from evidence.models import GitHubConnection, Repository
from evidence.tasks.github import sync_github_all, sync_github_repo
from reviews.demo.github_standin import Fault, StandinServer, StandinState, standin_start, synthetic_repo
from reviews.errors import ApplicationError

pytestmark = pytest.mark.django_db

TOKEN = "ghp_standin_token_1234"  # noqa: S105 - the stand-in's test token
START = datetime(2026, 7, 1, tzinfo=UTC)


@pytest.fixture
def standin(settings: SettingsWrapper) -> Iterator[StandinServer]:
    repos = {"shop": synthetic_repo("shop", pulls=3, start=START, logins=["ada", "ben"])}
    server = standin_start(StandinState(org="acme", repos=repos, tokens={TOKEN}))
    settings.TOKENPROOF_GITHUB_TOKEN = TOKEN
    yield server
    server.stop()


def test_task_names_are_stable() -> None:
    assert sync_github_repo.name == "evidence.sync_github_repo"
    assert sync_github_all.name == "evidence.sync_github_all"


def test_rerunning_the_task_changes_nothing(standin: StandinServer) -> None:
    repository = Repository.objects.create(host="github", full_name="acme/shop", base_url=standin.base_url)
    sync_github_repo.apply(args=(repository.pk,)).get()
    counts = (repository.commits.count(), repository.pull_requests.count())
    assert sync_github_repo.apply(args=(repository.pk,)).get() == "0 commits, 0 pull requests"
    assert (repository.commits.count(), repository.pull_requests.count()) == counts == (6, 3)


def test_a_rate_limit_reschedules_the_task_with_a_countdown_instead_of_sleeping(standin: StandinServer) -> None:
    repository = Repository.objects.create(host="github", full_name="acme/shop", base_url=standin.base_url)
    standin.state.faults.append(Fault(path=r"/commits$", kind="secondary-429", retry_after=30))

    with pytest.raises(Retry) as retried:
        sync_github_repo.apply(args=(repository.pk,))

    assert retried.value.when is not None
    assert 30 < float(retried.value.when) <= 35  # type: ignore[arg-type]


def test_nightly_sync_discovers_and_enqueues_each_repository(
    standin: StandinServer, monkeypatch: Any, django_capture_on_commit_callbacks: Any
) -> None:
    GitHubConnection.objects.create(org="acme", base_url=standin.base_url)
    Repository.objects.create(host="github", full_name="other/x", base_url=standin.base_url)
    sent: list[int] = []
    monkeypatch.setattr(sync_github_repo, "delay", sent.append)

    with django_capture_on_commit_callbacks(execute=True):
        assert sync_github_all.apply().get() == 1

    assert sent == [Repository.objects.get(full_name="acme/shop").pk]


def test_nightly_sync_falls_back_to_known_repositories_when_listing_fails(
    standin: StandinServer, monkeypatch: Any
) -> None:
    GitHubConnection.objects.create(org="acme", base_url=standin.base_url)
    known = Repository.objects.create(host="github", full_name="acme/shop", base_url=standin.base_url)
    standin.state.faults.append(Fault(path=r"/orgs/acme/repos$", kind="server"))
    sent: list[int] = []
    monkeypatch.setattr(sync_github_repo, "delay", sent.append)

    assert sync_github_all.apply().get() == 1
    assert sent == [known.pk]


def test_stored_token_is_encrypted_under_the_field_key(settings: SettingsWrapper) -> None:
    settings.TOKENPROOF_GITHUB_TOKEN = ""
    settings.TOKENPROOF_FIELD_KEY = Fernet.generate_key().decode()

    connection = github_connection_store(org="acme", base_url="https://ghe.example.com/api/v3", token=TOKEN)

    assert TOKEN not in connection.token_encrypted
    assert github_token(org="acme", base_url="https://ghe.example.com/api/v3") == TOKEN
    settings.TOKENPROOF_FIELD_KEY = Fernet.generate_key().decode()
    with pytest.raises(ApplicationError, match="cannot be decrypted"):
        github_token(org="acme", base_url="https://ghe.example.com/api/v3")


def test_storing_a_token_without_a_field_key_is_refused(settings: SettingsWrapper) -> None:
    settings.TOKENPROOF_FIELD_KEY = ""
    with pytest.raises(ApplicationError, match="TOKENPROOF_FIELD_KEY is not set"):
        github_connection_store(org="acme", base_url="https://api.github.com", token=TOKEN)
    assert not GitHubConnection.objects.exists()


def test_no_token_anywhere_is_a_clear_error(settings: SettingsWrapper) -> None:
    settings.TOKENPROOF_GITHUB_TOKEN = ""
    with pytest.raises(ApplicationError, match="no GitHub token for acme"):
        github_token(org="acme", base_url="https://api.github.com")

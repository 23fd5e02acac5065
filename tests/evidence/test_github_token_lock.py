"""One GitHub token, one request in flight: the token lock's file form, and what a sync does when it is taken."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import pytest
from celery.exceptions import Retry
from pytest_django import Settings as SettingsWrapper

from evidence.github.token_lock import FileTokenLock, TokenBusy, token_held, token_lock_for, token_lock_name
from evidence.models import Repository
from evidence.services.activity.github import github_repo_sync, github_sync_start
from evidence.tasks.github import sync_github_repo
from reviews.demo.github_standin import StandinServer, StandinState, standin_start, synthetic_repo
from reviews.errors import ApplicationError

pytestmark = pytest.mark.django_db

TOKEN = "ghp_token_lock_test_0001"  # noqa: S105 - the stand-in's test token
OTHER_TOKEN = "ghp_token_lock_test_0002"  # noqa: S105 - a second test token


@pytest.fixture
def embedded(settings: SettingsWrapper, tmp_path: Path) -> Path:
    """The embedded default: no Redis anywhere, so the lock is a file under the data dir."""
    settings.CELERY_RESULT_BACKEND = None
    settings.CELERY_BROKER_URL = "memory://localhost/"
    settings.DATA_DIR = tmp_path / "data"
    return tmp_path / "data" / "locks"


@pytest.fixture
def standin(settings: SettingsWrapper, embedded: Path) -> Iterator[StandinServer]:
    repos = {"shop": synthetic_repo("shop", pulls=2, start=datetime(2026, 7, 1, tzinfo=UTC), logins=["ada", "ben"])}
    server = standin_start(StandinState(org="acme", repos=repos, tokens={TOKEN}))
    settings.TOKENPROOF_GITHUB_TOKEN = TOKEN
    yield server
    server.stop()


@contextmanager
def token_busy() -> Iterator[None]:
    """TOKEN's lock held by someone else for the duration of the block."""
    holder = token_lock_for(TOKEN)
    assert holder.acquire()
    try:
        yield
    finally:
        holder.release()


def test_the_lock_is_named_after_a_hash_of_the_token_never_the_token(embedded: Path) -> None:
    name = token_lock_name(TOKEN)
    assert TOKEN not in name
    assert "token_lock_test" not in name
    assert name == token_lock_name(TOKEN) != token_lock_name(OTHER_TOKEN)
    with token_held(token=TOKEN, what="test"):
        [lock_file] = embedded.iterdir()
    assert lock_file.name == f"{name}.lock"
    assert TOKEN not in lock_file.read_text()


def test_the_file_lock_is_exclusive_across_processes_and_freed_when_its_holder_ends(embedded: Path) -> None:
    lock = token_lock_for(TOKEN)
    assert isinstance(lock, FileTokenLock)
    embedded.mkdir(parents=True)
    # util-linux flock(1) holds the lock in its own process (-o: the sleeping child does not inherit it)
    holder = subprocess.Popen(["flock", "-o", str(lock.path), "sleep", "30"], start_new_session=True)
    try:
        deadline = time.monotonic() + 10
        while lock.path.exists() is False and time.monotonic() < deadline:
            time.sleep(0.05)
        time.sleep(0.2)  # flock(1) creates the file, then locks it
        assert not lock.acquire(), "another process holds the token"
        assert token_lock_for(OTHER_TOKEN).acquire(), "a different token is not held up"
    finally:
        os.killpg(holder.pid, signal.SIGKILL)
        holder.wait()
    assert lock.acquire(), "the holder ended, so the operating system freed the lock"
    assert not token_lock_for(TOKEN).acquire(), "held by this process now"
    lock.release()
    assert token_lock_for(TOKEN).acquire()


def test_a_sync_finding_its_token_busy_defers_without_a_request(standin: StandinServer) -> None:
    repository = Repository.objects.create(host="github", full_name="acme/shop", base_url=standin.base_url)
    with token_busy(), pytest.raises(TokenBusy) as busy:
        github_repo_sync(repository_id=repository.pk)
    assert busy.value.countdown is not None
    assert 10 <= busy.value.countdown <= 20
    assert standin.state.requests == [], "nothing was asked of GitHub while the token was busy"
    repository.refresh_from_db()
    assert repository.last_synced_at is None
    assert "error" not in repository.sync_state, "a busy token is not an error"

    github_repo_sync(repository_id=repository.pk)
    assert repository.pull_requests.count() == 2
    assert token_lock_for(TOKEN).acquire(), "the sync released the token when it finished"


def test_in_process_a_busy_token_is_reported_like_any_deferral(standin: StandinServer) -> None:
    repository = Repository.objects.create(host="github", full_name="acme/shop", base_url=standin.base_url)
    with token_busy(), pytest.raises(Retry) as retried:
        sync_github_repo.apply(args=(repository.pk,))
    assert 10 <= float(retried.value.when) <= 20  # type: ignore[arg-type]


def test_listing_an_organisation_while_its_token_is_busy_is_a_clear_error(standin: StandinServer) -> None:
    with token_busy(), pytest.raises(ApplicationError, match=r"another sync is using its GitHub token.*--repo"):
        github_sync_start(org="acme", base_url=standin.base_url)
    assert standin.state.requests == []

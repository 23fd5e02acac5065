"""GitHub sync through a real Celery worker process against the stand-in: a rate limit reschedules, never blocks."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from typing import Any

import pytest
import redis

from evidence.github.token_lock import RedisTokenLock, token_lock_name
from evidence.models import Repository
from evidence.tasks.github import sync_github_repo
from reviews.demo.github_standin import Fault, StandinState, standin_start, synthetic_repo
from tests.integration.conftest import WorkerProcess

pytestmark = pytest.mark.integration

TOKEN = "ghp_integration_standin"  # noqa: S105 - the stand-in's test token
START = datetime(2026, 7, 1, tzinfo=UTC)


def wait_synced(repository: Repository, *, timeout: float = 90) -> Repository:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        repository.refresh_from_db()
        if repository.last_synced_at is not None:
            return repository
        time.sleep(0.25)
    pytest.fail(f"{repository} was not synced in {timeout}s: {repository.sync_state}")


def sync_through_worker(
    start_worker: Any, state: StandinState, *, concurrency: int
) -> tuple[WorkerProcess, list[Repository]]:
    """Serve STATE, start a worker with its token, queue a sync of each of its repositories and wait for all."""
    server = standin_start(state)
    try:
        worker = start_worker(concurrency=concurrency, extra_env={"TOKENPROOF_GITHUB_TOKEN": TOKEN})
        repositories = [
            Repository.objects.create(host="github", full_name=f"acme/{name}", base_url=server.base_url)
            for name in state.repos
        ]
        for repository in repositories:
            sync_github_repo.delay(repository.pk)
        synced = [wait_synced(repository) for repository in repositories]
    finally:
        server.stop()
    return worker, synced


def test_rate_limited_repository_is_rescheduled_while_the_worker_syncs_another(start_worker: Any) -> None:
    logins = ["ada", "ben", "chen"]
    state = StandinState(
        org="acme",
        repos={
            "limited": synthetic_repo("limited", pulls=4, start=START, logins=logins),
            "free": synthetic_repo("free", pulls=4, start=START, logins=logins),
        },
        tokens={TOKEN},
        faults=[Fault(path=r"/repos/acme/limited/pulls$", kind="secondary-429", retry_after=4)],
    )
    worker, (limited, free) = sync_through_worker(start_worker, state, concurrency=1)

    assert limited.last_synced_at is not None
    assert free.last_synced_at is not None
    assert free.last_synced_at < limited.last_synced_at, "one worker slot synced the other repository meanwhile"
    assert (limited.commits.count(), limited.pull_requests.count()) == (8, 4)
    assert limited.commits.filter(attributions__rule_name="coauthor-claude").exists()
    received = [
        line for line in worker.log().splitlines() if "evidence.sync_github_repo[" in line and "received" in line
    ]
    assert len(received) == 3, "two syncs and one retry, rescheduled through the broker"
    statuses = [status for path, status in state.requests if path.startswith("/api/v3/repos/acme/limited/pulls?")]
    assert statuses[0] == 429


def test_one_token_makes_one_request_at_a_time_across_worker_processes(start_worker: Any) -> None:
    logins = ["ada", "ben", "chen"]
    state = StandinState(
        org="acme",
        repos={name: synthetic_repo(name, pulls=4, start=START, logins=logins) for name in ("north", "south")},
        tokens={TOKEN},
        latency=0.05,  # each answer takes a while, so two syncs without the lock would overlap
    )
    worker, repositories = sync_through_worker(start_worker, state, concurrency=2)

    assert list(state.max_in_flight.values()) == [1], "one token, never two requests in flight"
    for repository in repositories:
        assert (repository.commits.count(), repository.pull_requests.count()) == (8, 4)
    received = [
        line for line in worker.log().splitlines() if "evidence.sync_github_repo[" in line and "received" in line
    ]
    assert len(received) >= 3, "the syncs overlapped: one found the token busy and queued itself again"


def test_the_redis_token_lock_is_exclusive_expires_and_never_names_the_token(worker_env: dict[str, str]) -> None:
    url = worker_env["CELERY_BROKER_URL"]
    name = token_lock_name(TOKEN)
    first = RedisTokenLock(url=url, name=name, expires_after=30)
    second = RedisTokenLock(url=url, name=name, expires_after=30)
    client = redis.Redis.from_url(url, decode_responses=True)
    try:
        assert first.acquire()
        assert not second.acquire(), "a second holder is refused at once"
        keys = [str(key) for key in client.keys("tokenproof:github-token-*")]
        assert keys == [f"tokenproof:{name}"]
        assert not any(TOKEN in key for key in keys)
        assert 0 < client.pttl(keys[0]) <= 30_000, "a dead holder's lock expires on its own"
        first.release()
        assert second.acquire()
    finally:
        second.release()
        client.close()
    assert client.keys("tokenproof:github-token-*") == []

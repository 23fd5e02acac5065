"""At most one GitHub request in flight per token, across worker processes and machines (reliability R11).

GitHub counts concurrent requests against a token's secondary limit, so the sync of one repository holds its token's
lock from its first request to its last. A sync that finds the lock taken raises TokenBusy, and its Celery task queues
itself again with a short countdown instead of waiting in the worker. The lock is named after a hash of the token;
the token itself is never written anywhere.

With Redis as broker or result backend the lock is a Redis lock, shared by every machine; it expires on its own
after the task's hard time limit if a worker dies holding it. In the embedded default (one machine, no services) it
is a file lock under the data dir, which the operating system frees when the holding process ends.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import random
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Protocol
from urllib.parse import urlsplit

import redis
from django.conf import settings
from redis.exceptions import LockError

from evidence.github.faults import SyncDeferred

TOKEN_BUSY_WAIT = 10  # seconds before a sync that found its token busy tries again (plus jitter)
TOKEN_BUSY_JITTER = 10
LOCK_EXPIRY_MARGIN = 60  # a dead worker's Redis lock outlives the task's hard time limit by this much


class TokenBusy(SyncDeferred):
    """Another sync is using the same token right now: not a fault, just run again shortly."""

    def __init__(self, what: str) -> None:
        wait = TOKEN_BUSY_WAIT + random.randint(0, TOKEN_BUSY_JITTER)  # noqa: S311 - jitter spreads the waiters
        super().__init__(f"{what}: another sync is using this GitHub token", countdown=wait)


class TokenLock(Protocol):
    def acquire(self) -> bool: ...

    def release(self) -> None: ...


def token_lock_name(token: str) -> str:
    """A stable name for TOKEN's lock that does not reveal it."""
    return "github-token-" + hashlib.sha256(f"tokenproof:{token}".encode()).hexdigest()[:40]


class RedisTokenLock:
    def __init__(self, *, url: str, name: str, expires_after: int) -> None:
        self.lock = redis.Redis.from_url(url).lock(f"tokenproof:{name}", timeout=expires_after, blocking=False)

    def acquire(self) -> bool:
        return bool(self.lock.acquire(blocking=False))

    def release(self) -> None:
        with suppress(LockError):  # it expired (the sync outlived it); another holder may own it now
            self.lock.release()


class FileTokenLock:
    def __init__(self, *, folder: Path, name: str) -> None:
        self.path = folder / f"{name}.lock"
        self.descriptor: int | None = None

    def acquire(self) -> bool:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(descriptor)
            return False
        self.descriptor = descriptor
        return True

    def release(self) -> None:
        if self.descriptor is not None:
            fcntl.flock(self.descriptor, fcntl.LOCK_UN)
            os.close(self.descriptor)
            self.descriptor = None


def shared_redis_url() -> str | None:
    """The Redis that every worker already reaches: the result backend, else the broker, when either is Redis."""
    for url in (settings.CELERY_RESULT_BACKEND, settings.CELERY_BROKER_URL):
        if url and urlsplit(url).scheme in {"redis", "rediss"}:
            return str(url)
    return None


def token_lock_for(token: str) -> TokenLock:
    name = token_lock_name(token)
    url = shared_redis_url()
    if url:
        return RedisTokenLock(url=url, name=name, expires_after=settings.CELERY_TASK_TIME_LIMIT + LOCK_EXPIRY_MARGIN)
    return FileTokenLock(folder=Path(settings.DATA_DIR) / "locks", name=name)


@contextmanager
def token_held(*, token: str, what: str) -> Iterator[None]:
    """Run the block as the token's only user, or raise TokenBusy at once (never wait for it)."""
    lock = token_lock_for(token)
    if not lock.acquire():
        raise TokenBusy(what)
    try:
        yield
    finally:
        lock.release()

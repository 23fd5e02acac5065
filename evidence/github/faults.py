"""Turn GitHub's failures into either a reschedule (with a countdown) or a clear, final error.

Never sleep in a worker: a rate limit becomes SyncDeferred, and the Celery task retries itself with its countdown.
"""

from __future__ import annotations

import random
import time
from collections.abc import Iterator
from contextlib import contextmanager

import requests
from github.GithubException import BadCredentialsException, GithubException, UnknownObjectException

from reviews.errors import ApplicationError

SECONDARY_LIMIT_DEFAULT_WAIT = 60  # GitHub: with no Retry-After, wait at least a minute
SERVER_ERROR_BASE_WAIT = 30
JITTER = 5


class SyncDeferred(Exception):  # noqa: N818 - not an error: the sync resumes later
    """The sync stopped with its progress saved; run again after COUNTDOWN seconds (None: back off by attempt)."""

    def __init__(self, reason: str, *, countdown: int | None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.countdown = countdown

    def countdown_for(self, attempt: int) -> int:
        if self.countdown is not None:
            return self.countdown
        return int(min(SERVER_ERROR_BASE_WAIT * 2**attempt, 3600)) + random.randint(0, JITTER)  # noqa: S311 - jitter


class RepositoryGone(Exception):  # noqa: N818 - a state, not a failure: the repository was deleted or hidden
    pass


def header(headers: dict[str, str] | None, name: str) -> str | None:
    for key, value in (headers or {}).items():
        if key.lower() == name.lower():
            return value
    return None


def rate_limit_countdown(error: GithubException, *, now: float | None = None) -> int | None:
    """Seconds to wait for a primary or secondary rate limit, or None when ERROR is not one."""
    headers = error.headers
    retry_after = header(headers, "Retry-After")
    if retry_after and retry_after.isascii() and retry_after.isdigit():  # isdigit alone also takes '²'
        return int(retry_after) + random.randint(1, JITTER)  # noqa: S311 - jitter
    remaining, reset = header(headers, "X-RateLimit-Remaining"), header(headers, "X-RateLimit-Reset")
    if remaining == "0" and reset and reset.isascii() and reset.isdigit():
        return max(1, int(reset) - int(now or time.time())) + random.randint(1, JITTER)  # noqa: S311 - jitter
    message = str((error.data or {}).get("message", "") if isinstance(error.data, dict) else "").lower()
    if error.status == 429 or "rate limit" in message:
        return SECONDARY_LIMIT_DEFAULT_WAIT + random.randint(1, JITTER)  # noqa: S311 - jitter
    return None


@contextmanager
def github_faults(*, what: str) -> Iterator[None]:
    try:
        yield
    except BadCredentialsException:
        raise ApplicationError(f"{what}: the GitHub token is wrong or expired (401 Bad credentials)") from None
    except UnknownObjectException:
        raise RepositoryGone(what) from None
    except GithubException as error:
        countdown = rate_limit_countdown(error)
        if countdown is not None:
            raise SyncDeferred(f"{what}: rate limited ({error.status})", countdown=countdown) from None
        if error.status >= 500:
            raise SyncDeferred(f"{what}: GitHub answered {error.status}", countdown=None) from None
        if error.status == 403:
            needed = header(error.headers, "X-Accepted-GitHub-Permissions") or "repo read access"
            message = (error.data or {}).get("message", "forbidden") if isinstance(error.data, dict) else "forbidden"
            raise ApplicationError(
                f"{what}: the token lacks the needed scopes ({message}); it needs {needed}"
            ) from None
        raise ApplicationError(f"{what}: GitHub answered {error.status}: {error.data}") from None
    except (requests.Timeout, requests.ConnectionError) as error:
        raise SyncDeferred(f"{what}: {type(error).__name__}", countdown=None) from None

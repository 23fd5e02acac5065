"""One place builds the PyGithub client: bounded timeouts, no waiting inside the worker."""

from __future__ import annotations

from django.conf import settings
from github import Auth, Github

DEFAULT_BASE_URL = "https://api.github.com"


def github_client(*, token: str, base_url: str = DEFAULT_BASE_URL, per_page: int | None = None) -> Github:
    """retry=0: PyGithub's GithubRetry would sleep until a rate-limit reset (up to an hour) inside the worker.

    Rate limits, 5xx and timeouts surface as exceptions instead; the Celery task reschedules itself with a countdown.
    seconds_between_requests=0: the sync runs one request at a time per repository task already.
    lazy=True: objects are fetched when first read, so no request is spent on a repository row we already know.
    """
    return Github(
        auth=Auth.Token(token),
        base_url=base_url.rstrip("/"),
        timeout=settings.TOKENPROOF_GITHUB_TIMEOUT,
        per_page=per_page or settings.TOKENPROOF_GITHUB_PER_PAGE,
        retry=0,
        lazy=True,
        seconds_between_requests=0,
        seconds_between_writes=0,
    )

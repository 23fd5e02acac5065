"""Celery tasks for GitHub sync: thin, ids only, stable names. A rate limit reschedules; it never sleeps."""

from __future__ import annotations

from celery import Task, shared_task

from evidence.github.faults import SyncDeferred
from evidence.github.token_lock import TokenBusy
from evidence.services.activity.github import github_repo_sync, github_sync_all

MAX_SYNC_RETRIES = 12


@shared_task(bind=True, name="evidence.sync_github_repo", acks_late=True, max_retries=MAX_SYNC_RETRIES)
def sync_github_repo(self: Task[[int], str], repository_id: int) -> str:
    try:
        synced = github_repo_sync(repository_id=repository_id)
    except TokenBusy as busy:
        if self.request.is_eager:  # in-process there is no queue to wait in: report it like any deferral
            raise self.retry(countdown=busy.countdown_for(self.request.retries)) from None
        # Not a fault: another repository's sync holds the token. Queue again without spending a retry.
        # `retries` keeps the fault-retry count across the wait (send_task takes it; celery-types does not list it).
        self.apply_async(
            (repository_id,),
            countdown=busy.countdown_for(0),
            retries=self.request.retries,  # type: ignore[call-arg]
        )
        return "waiting for the token"
    except SyncDeferred as deferred:
        # Progress is saved in Repository.sync_state: the retry resumes from the page it stopped at.
        raise self.retry(countdown=deferred.countdown_for(self.request.retries)) from None
    return "gone" if synced.gone else f"{synced.commits} commits, {synced.pulls} pull requests"


@shared_task(name="evidence.sync_github_all")
def sync_github_all() -> int:
    return github_sync_all()

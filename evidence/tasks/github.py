"""Celery tasks for GitHub sync: thin, ids only, stable names. A rate limit reschedules; it never sleeps."""

from __future__ import annotations

from celery import Task, shared_task

from evidence.github.faults import SyncDeferred

MAX_SYNC_RETRIES = 12


@shared_task(bind=True, name="evidence.sync_github_repo", acks_late=True, max_retries=MAX_SYNC_RETRIES)
def sync_github_repo(self: Task[[int], str], repository_id: int) -> str:
    from evidence.services.activity_github import github_repo_sync

    try:
        synced = github_repo_sync(repository_id=repository_id)
    except SyncDeferred as deferred:
        # Progress is saved in Repository.sync_state: the retry resumes from the page it stopped at.
        raise self.retry(countdown=deferred.countdown_for(self.request.retries)) from None
    return "gone" if synced.gone else f"{synced.commits} commits, {synced.pulls} pull requests"


@shared_task(name="evidence.sync_github_all")
def sync_github_all() -> int:
    from evidence.services.activity_github import github_sync_all

    return github_sync_all()

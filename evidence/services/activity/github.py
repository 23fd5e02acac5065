"""GitHub sync entry points: register an organisation's repositories and sync one repository (resumably)."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from functools import partial

from celery.exceptions import Retry
from django.db import transaction

from evidence.git.identity import github_identity
from evidence.github.client import DEFAULT_BASE_URL, github_client
from evidence.github.faults import RepositoryGone, SyncDeferred, github_faults
from evidence.github.sync import RepoSync, RepoSynced
from evidence.github.token_lock import TokenBusy, token_held
from evidence.github.tokens import github_token
from evidence.models import GitHubConnection, Repository
from reviews.errors import ApplicationError

logger = logging.getLogger("tokenproof.github")


def github_sync_start(*, org: str, repos: Sequence[str] = (), base_url: str = DEFAULT_BASE_URL) -> list[Repository]:
    """Register ORG's repositories (all of them, or REPOS as owner/name) and enqueue one sync task per repository."""
    names = list(repos)
    for name in names:
        if name.count("/") != 1:
            raise ApplicationError(f"--repo {name!r}: expected OWNER/NAME")
    if not names:
        token = github_token(org=org, base_url=base_url)
        client = github_client(token=token, base_url=base_url)
        try:
            with token_held(token=token, what=f"organisation {org}"), github_faults(what=f"organisation {org}"):
                names = [repo.full_name for repo in client.get_organization(org).get_repos()]
        except TokenBusy:
            raise ApplicationError(
                f"organisation {org}: another sync is using its GitHub token; run again in a minute, "
                "or name the repositories with --repo"
            ) from None
    GitHubConnection.objects.get_or_create(org=org, base_url=base_url)
    repositories = []
    with transaction.atomic():
        for name in names:
            # A clone of it imported before the sync already is this repository: it becomes the synced one.
            identity = github_identity(base_url=base_url, full_name=name)
            repository = (
                Repository.objects.filter(identity=identity).first()
                or Repository.objects.filter(host=Repository.Host.GITHUB, full_name=name).first()
                or Repository()
            )
            repository.host, repository.full_name, repository.base_url = Repository.Host.GITHUB, name, base_url
            repository.identity = identity
            repository.save()
            repositories.append(repository)
            transaction.on_commit(partial(github_repo_sync_enqueue, repository_id=repository.pk))
    return repositories


def github_repo_sync_enqueue(*, repository_id: int) -> None:
    """Queue one repository's sync task.

    In the embedded default the task runs right here, and a deferral (a rate limit, 5xx, a busy token) comes back as
    Celery's Retry. Its reason is saved on the repository's row with the progress, so the next repository goes on;
    running the sync again resumes this one.
    """
    from evidence.tasks.github import sync_github_repo

    try:
        sync_github_repo.delay(repository_id)
    except Retry:
        logger.info("sync of repository %s deferred; it resumes when run again", repository_id)


def github_repo_sync_request(*, repository_id: int) -> None:
    """Queue one repository's sync once the current transaction commits: the API's sync on demand."""
    transaction.on_commit(partial(github_repo_sync_enqueue, repository_id=repository_id))


def github_repo_sync(*, repository_id: int, token: str | None = None) -> RepoSynced:
    """Sync one repository from where its last run stopped. Raises SyncDeferred when it must wait (rate limit, 5xx,
    or TokenBusy: another repository's sync is using the same token, and one token makes one request at a time).

    TOKEN is for the demo's in-process stand-in; otherwise the token comes from the environment or the database.
    """
    repository = Repository.objects.get(pk=repository_id, host=Repository.Host.GITHUB)
    base_url = repository.base_url or DEFAULT_BASE_URL
    org = repository.full_name.split("/", 1)[0]
    try:
        secret = token or github_token(org=org, base_url=base_url)
        with token_held(token=secret, what=repository.full_name):
            client = github_client(token=secret, base_url=base_url)
            synced = RepoSync(repository=repository, client=client).run()
    except SyncDeferred as deferred:
        repository.sync_state = {**repository.sync_state, "deferred": deferred.reason}
        repository.save(update_fields=["sync_state"])
        raise
    except RepositoryGone:
        repository.sync_state = {**repository.sync_state, "gone": True}
        repository.save(update_fields=["sync_state"])
        return RepoSynced(gone=True)
    except ApplicationError as error:
        repository.sync_state = {**repository.sync_state, "error": error.message}
        repository.save(update_fields=["sync_state"])
        raise
    repository.sync_state.pop("error", None)
    repository.sync_state.pop("deferred", None)
    repository.save(update_fields=["sync_state"])
    return synced


def github_sync_all() -> int:
    """The nightly sync: every enabled organisation, with repositories created since the last night discovered.

    If an organisation cannot be listed (a rate limit, a bad token), its known repositories are still enqueued:
    each repository task then defers or records the error on its own row.
    """
    count = 0
    for connection in GitHubConnection.objects.filter(enabled=True):
        try:
            count += len(github_sync_start(org=connection.org, base_url=connection.base_url))
            continue
        except (ApplicationError, SyncDeferred) as error:
            logger.warning("listing %s failed, syncing its known repositories: %s", connection, error)
        repositories = Repository.objects.filter(
            host=Repository.Host.GITHUB, base_url=connection.base_url, full_name__startswith=f"{connection.org}/"
        )
        for pk in repositories.values_list("pk", flat=True):
            github_repo_sync_enqueue(repository_id=pk)
            count += 1
    return count

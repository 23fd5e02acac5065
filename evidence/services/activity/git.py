"""Import a local git repository: one streamed `git log` over every branch and tag, then reverts and vanished commits."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from evidence.git.identity import github_identity, repository_identity
from evidence.git.log import CommitRecord, commits_read, git, git_try, repository_inspect
from evidence.models import Commit, Repository
from evidence.services.activity.commits import commits_store


@dataclass
class GitImported:
    repository: Repository
    commits: int
    attributed: int
    vanished: int
    note: str = ""


def git_import(*, path: Path, repository: Repository | None = None) -> GitImported:
    """Read PATH's history into Commit rows. Rerunning changes nothing; commits that left the history are kept, flagged.

    REPOSITORY, when given, is a synced GitHub repository and PATH its clone: the clone adds numstat, git-ai notes
    and durability to the same commit rows rather than a second copy of them. Without it, the repository is found
    by its identity (evidence.git.identity), so a clone whose `origin` is a synced GitHub repository joins it.

    Commits reachable from the default branch are outcomes; those only on other branches or tags are stored as
    work in progress (`on_default_branch = False`). Commits whose patch cannot be read (a partial clone, a missing
    object) import without those files' line counts, said in the note.
    """
    shape = repository_inspect(path=path.resolve())
    if repository is None:
        repository = repository_find(path=shape.path, empty=shape.empty)
    repository.local_path = str(shape.path)
    if shape.empty:
        repository.sync_state = {**repository.sync_state, "empty": True}
    repository.save()
    if shape.empty:
        return GitImported(repository, 0, 0, 0, note="empty repository: nothing to import")
    branch = default_branch(shape.path)
    on_default = set(git(shape.path, "rev-list", branch).split())
    seen: set[str] = set()
    reverted: dict[str, str] = {}
    unread: dict[str, list[str]] = {}

    def tracked() -> Iterator[CommitRecord]:
        for record in commits_read(path=shape.path, all_refs=True, moved_lines=True):
            seen.add(record.sha)
            record.on_default_branch = record.sha in on_default
            if record.reverted_sha:
                reverted[record.sha] = record.reverted_sha
            if record.unread_files:
                unread[record.sha] = record.unread_files
            yield record

    stored = commits_store(repository=repository, records=tracked())
    # A clone of a GitHub repository need not hold every PR branch the API returned: only a local repository's
    # own history says which commits disappeared.
    vanished = vanished_mark(repository=repository, present=seen) if repository.host == Repository.Host.LOCAL else 0
    reverts_link(repository=repository, reverted=reverted)
    repository.default_branch = branch
    repository.sync_state = {**repository.sync_state, "empty": False, "shallow": shape.shallow, "bare": shape.bare}
    repository.last_synced_at = timezone.now()
    repository.save(update_fields=["local_path", "default_branch", "sync_state", "last_synced_at"])
    notes = ["shallow clone: only the history present was imported; durability needs the full history"] * shape.shallow
    if unread:
        files = sorted({name for names in unread.values() for name in names})
        shown = ", ".join(files[:5]) + (f" and {len(files) - 5} more" if len(files) > 5 else "")
        notes.append(
            f"{len(unread)} commits imported without line counts or moved lines for files whose contents are "
            f"missing from the clone (partial clone or missing objects): {shown}"
        )
    return GitImported(repository, stored.read, stored.attributed, vanished, note="\n".join(notes))


def repository_find(*, path: Path, empty: bool) -> Repository:
    """The repository the clone at PATH is, by identity: a synced GitHub repository its `origin` names, one imported
    before (from any folder), a row imported from this folder before repositories had identities, or a new one."""
    identity, display = repository_identity(path, empty=empty)
    found = Repository.objects.filter(identity=identity).first()
    if found is None:
        owner_name = identity.split("/", 1)[-1]
        found = next(
            (
                row
                for row in Repository.objects.filter(host=Repository.Host.GITHUB, full_name__iexact=owner_name)
                if github_identity(base_url=row.base_url, full_name=row.full_name) == identity
            ),
            None,
        )
    if found is None:
        found = Repository.objects.filter(host=Repository.Host.LOCAL, identity="", local_path=str(path)).first()
    if found is None:
        found = Repository(host=Repository.Host.LOCAL, full_name=display[:255])
    found.identity = found.identity or identity
    return found


def vanished_mark(*, repository: Repository, present: set[str]) -> int:
    """Force-pushed history: stored commits no longer reachable stay (evidence is never lost) but are flagged."""
    stored = set(repository.commits.filter(is_present=True).values_list("sha", flat=True))
    gone = list(stored - present)
    with transaction.atomic():
        for start in range(0, len(gone), 500):
            Commit.objects.filter(repository=repository, sha__in=gone[start : start + 500]).update(is_present=False)
    return len(gone)


def reverts_link(*, repository: Repository, reverted: dict[str, str]) -> int:
    """Point each revert commit ("This reverts commit <sha>.") at the commit it undoes; the SHA may be abbreviated."""
    linked = 0
    for sha, target_prefix in reverted.items():
        target = repository.commits.filter(sha__startswith=target_prefix).exclude(sha=sha).first()
        if target is not None:
            linked += Commit.objects.filter(repository=repository, sha=sha).update(reverts=target)
    return linked


def default_branch(path: Path) -> str:
    """The branch `origin/HEAD` names in a clone (what GitHub calls the default branch), else the checked-out one."""
    remote_head = git_try(path, "symbolic-ref", "--quiet", "--short", "refs/remotes/origin/HEAD")
    branch = (remote_head or "").strip().removeprefix("origin/")
    if branch and git_try(path, "rev-parse", "--verify", "--quiet", f"refs/heads/{branch}") is not None:
        return branch
    return git(path, "rev-parse", "--abbrev-ref", "HEAD").strip()

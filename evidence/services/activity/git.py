"""Import a local git repository: one streamed `git log` over every branch and tag, then reverts and vanished commits."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from evidence.git.log import CommitRecord, commits_read, git, repository_inspect
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
    and durability to the same commit rows rather than a second copy of them.
    """
    shape = repository_inspect(path=path.resolve())
    name = shape.path.name.removesuffix(".git") if shape.bare else shape.path.name
    if repository is None:
        repository, _ = Repository.objects.get_or_create(
            host=Repository.Host.LOCAL, full_name=name, defaults={"local_path": str(shape.path)}
        )
    repository.local_path = str(shape.path)
    if shape.empty:
        repository.sync_state = {**repository.sync_state, "empty": True}
        repository.save(update_fields=["local_path", "sync_state"])
        return GitImported(repository, 0, 0, 0, note="empty repository: nothing to import")
    seen: set[str] = set()
    reverted: dict[str, str] = {}

    def tracked() -> Iterator[CommitRecord]:
        for record in commits_read(path=shape.path, all_refs=True, moved_lines=True):
            seen.add(record.sha)
            if record.reverted_sha:
                reverted[record.sha] = record.reverted_sha
            yield record

    stored = commits_store(repository=repository, records=tracked())
    # A clone of a GitHub repository need not hold every PR branch the API returned: only a local repository's
    # own history says which commits disappeared.
    vanished = vanished_mark(repository=repository, present=seen) if repository.host == Repository.Host.LOCAL else 0
    reverts_link(repository=repository, reverted=reverted)
    repository.default_branch = default_branch(shape.path)
    repository.sync_state = {**repository.sync_state, "empty": False, "shallow": shape.shallow, "bare": shape.bare}
    repository.last_synced_at = timezone.now()
    repository.save(update_fields=["local_path", "default_branch", "sync_state", "last_synced_at"])
    note = (
        "shallow clone: only the history present was imported; durability needs the full history"
        if shape.shallow
        else ""
    )
    return GitImported(repository, stored.read, stored.attributed, vanished, note=note)


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
    return git(path, "rev-parse", "--abbrev-ref", "HEAD").strip()

"""Durability of a period's commits from git blame: lines still present at a later ref, and follow-up fixes.

Follow-up fixes of a commit are its added lines that no longer blame to it at the last commit within 21 days.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from evidence.git.blame import blame_files
from evidence.git.log import commits_read, git, repository_inspect
from evidence.models import Commit, Repository
from reviews.errors import ApplicationError

FOLLOW_UP_WINDOW = timedelta(days=21)


@dataclass
class DurabilityMeasured:
    commits: int
    lines_added: int
    lines_surviving: int
    follow_up_fix_lines: int


def durability_measure(
    *, repository: Repository, since: datetime, at_ref: str = "HEAD", at_date: datetime | None = None
) -> DurabilityMeasured:
    """Measure every commit on AT_REF committed since SINCE; rerunning overwrites the same figures.

    AT_DATE measures at the last commit of AT_REF on or before that moment instead of at its tip.
    """
    if not repository.local_path:
        raise ApplicationError(f"{repository}: durability needs a local clone (import it with import_git)")
    repo = repository_inspect(path=Path(repository.local_path)).path
    if at_date is not None:
        at_ref = git(repo, "rev-list", "-1", f"--before={at_date.isoformat()}", at_ref).strip()
        if not at_ref:
            raise ApplicationError(f"{repository}: no commit on or before {at_date.date()}")
    records = [
        record
        for record in commits_read(path=repo, revision_range=at_ref)
        if record.committed_at >= since and len(record.parents) <= 1 and record.additions
    ]
    touched = {record.sha: sorted({change.path for change in record.files if change.added}) for record in records}
    at_end = blame_files(repo, at_ref, {name for names in touched.values() for name in names})
    snapshots: dict[str, list[str]] = defaultdict(list)
    for record in records:
        horizon = (record.committed_at + FOLLOW_UP_WINDOW).isoformat()
        snapshot = git(repo, "rev-list", "-1", f"--before={horizon}", at_ref).strip()
        snapshots[snapshot].append(record.sha)
    by_sha = {record.sha: record for record in records}
    follow_ups: dict[str, int] = {}
    for snapshot, shas in snapshots.items():
        names = {name for sha in shas for name in touched[sha]}
        counts = blame_files(repo, snapshot, names)
        for sha in shas:
            kept = sum(counts[name][sha] for name in touched[sha] if name in counts)
            follow_ups[sha] = max(0, by_sha[sha].additions - kept)
    measured_at = timezone.now()
    result = DurabilityMeasured(len(records), 0, 0, 0)
    with transaction.atomic():
        for record in records:
            surviving = sum(at_end[name][record.sha] for name in touched[record.sha] if name in at_end)
            result.lines_added += record.additions
            result.lines_surviving += surviving
            result.follow_up_fix_lines += follow_ups[record.sha]
            Commit.objects.filter(repository=repository, sha=record.sha).update(
                lines_surviving=surviving,
                survival_measured_at=measured_at,
                follow_up_fix_lines=follow_ups[record.sha],
            )
    return result

"""Durability of a period's commits from git blame: lines still present at a later ref, and follow-up fixes.

Follow-up fixes of a commit are its added lines that no longer blame to it at the last commit within 21 days.
Building a cycle's evidence measures its commits at the cycle's end (cycle_durability_measure), so survival needs no
flag; `import_git --durability-since` measures ahead of time, at the clone's tip.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from evidence.facts.activity import Window
from evidence.git.blame import blame_files
from evidence.git.log import commits_read, git, repository_inspect
from evidence.models import Commit, Repository
from reviews.errors import ApplicationError
from reviews.models import ReviewCycle

logger = logging.getLogger("tokenproof.evidence")
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

    AT_DATE measures at the last commit of AT_REF on or before that moment instead of at its tip, and records that
    moment as the commits' survival_measured_at; a commit already measured at that moment is skipped (its figures
    would be the same). At the tip, survival_measured_at is the time of measuring. Raises ApplicationError when the
    repository has no local clone, the clone cannot be read, or no commit precedes AT_DATE.
    """
    if not repository.local_path:
        raise ApplicationError(f"{repository}: durability needs a local clone (import it with import_git)")
    repo = repository_inspect(path=Path(repository.local_path)).path
    if at_date is not None:
        at_ref = git(repo, "rev-list", "-1", f"--before={at_date.isoformat()}", at_ref).strip()
        if not at_ref:
            raise ApplicationError(f"{repository}: no commit on or before {at_date.date()}")
    done = (
        set(Commit.objects.filter(repository=repository, survival_measured_at=at_date).values_list("sha", flat=True))
        if at_date is not None
        else set()
    )
    records = [
        record
        for record in commits_read(path=repo, revision_range=at_ref)
        if record.committed_at >= since and len(record.parents) <= 1 and record.additions and record.sha not in done
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
    measured_at = at_date or timezone.now()
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


@dataclass
class CycleDurability:
    """What building a cycle's evidence measured: per repository, or why it could not."""

    measured_at: datetime
    repositories: dict[str, DurabilityMeasured] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


def cycle_durability_measure(*, cycle: ReviewCycle) -> CycleDurability:
    """Measure the cycle's commits at its end in every repository with a local clone, skipping commits measured
    there before: building a cycle's evidence calls this, so survival needs no flag.

    While the cycle runs, "its end" is now, so each build measures again. A repository whose clone cannot be read
    is noted and skipped, never raised: the rest of the cycle's evidence still builds. GitHub-only repositories
    have no blame; the packet says so for each.
    """
    window = Window(start=cycle.start, end=cycle.end)
    measured_at = min(window.end_before, timezone.now())
    result = CycleDurability(measured_at=measured_at)
    # Only repositories with a commit of the cycle not yet measured at this point: the rest cost no git call.
    pending = (
        Commit.objects.filter(
            is_present=True, committed_at__gte=window.start_at, committed_at__lt=measured_at, additions__gt=0
        )
        .exclude(repository__local_path="")
        .exclude(survival_measured_at=measured_at)
        .values("repository_id")
    )
    repositories = Repository.objects.filter(pk__in=pending).order_by("full_name", "pk")
    for repository in repositories:
        try:
            result.repositories[repository.full_name] = durability_measure(
                repository=repository, since=window.start_at, at_date=measured_at
            )
        except ApplicationError as error:
            logger.warning("durability of %s at %s not measured: %s", repository, measured_at, error)
            result.notes.append(str(error))
    return result

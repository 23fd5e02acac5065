"""Store commits from either source (local git or GitHub) with their AI attribution, idempotently."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC

from django.db import transaction

from evidence.attribution import (
    CommitSignals,
    Match,
    Rule,
    attribution_match,
    committed_by_tool,
    rules_load,
    tool_reports_load,
)
from evidence.git.log import CommitRecord
from evidence.models import AttributionRule, Commit, CommitAttribution, Repository
from evidence.services.activity.authors import PeopleDirectory

BATCH_SIZE = 1000
UPDATED_FIELDS = [
    "parents",
    "author_name",
    "author_email",
    "author_login",
    "committer_name",
    "committer_email",
    "authored_at",
    "committed_at",
    "subject",
    "trailers",
    "committed_by_tool",
    "additions",
    "deletions",
    "files_changed",
    "touches_tests",
    "person",
    "is_present",
    "on_default_branch",
]


@dataclass
class CommitsStored:
    read: int = 0
    attributed: int = 0


def signals_of(record: CommitRecord, *, pr_labels: Sequence[str] = (), pr_markers: Sequence[str] = ()) -> CommitSignals:
    return CommitSignals(
        sha=record.sha,
        author_name=record.author_name,
        author_email=record.author_email,
        committer_name=record.committer_name,
        committer_email=record.committer_email,
        subject=record.subject,
        trailers=record.trailers,
        ai_note=record.ai_note,
        pr_labels=pr_labels,
        pr_markers=pr_markers,
        links=record.links,
    )


def commits_store(
    *,
    repository: Repository,
    records: Iterable[CommitRecord],
    logins: dict[str, str] | None = None,
    people: PeopleDirectory | None = None,
) -> CommitsStored:
    """Upsert commits on (repository, sha) in batches, each batch with its attributions in one transaction."""
    people = people or PeopleDirectory.load()
    rules = rules_load()
    stored = CommitsStored()
    batch: list[CommitRecord] = []
    for record in records:
        batch.append(record)
        if len(batch) >= BATCH_SIZE:
            stored.attributed += batch_store(repository, batch, rules, people, logins or {})
            stored.read += len(batch)
            batch = []
    if batch:
        stored.attributed += batch_store(repository, batch, rules, people, logins or {})
        stored.read += len(batch)
    return stored


def batch_store(
    repository: Repository,
    batch: list[CommitRecord],
    rules: Sequence[Rule],
    people: PeopleDirectory,
    logins: dict[str, str],
) -> int:
    reports = tool_reports_load(shas=[record.sha for record in batch])
    # A clone imported over a synced GitHub repository keeps what only the API knows: logins and PR-opener credit.
    known = {
        sha: (login, person_id)
        for sha, login, person_id in Commit.objects.filter(
            repository=repository, sha__in=[record.sha for record in batch]
        ).values_list("sha", "author_login", "person_id")
    }
    rows: list[Commit] = []
    matches_by_sha: dict[str, list[Match]] = {}
    co_authors_by_sha: dict[str, tuple[int, ...]] = {}
    for record in batch:
        signals = signals_of(record)
        signals.tool_reports = reports.get(record.sha, [])
        matches_by_sha[record.sha] = attribution_match(signals=signals, rules=rules)
        reported_person = next((report.person_id for report in signals.tool_reports if report.person_id), None)
        known_login, known_person = known.get(record.sha, ("", None))
        login = logins.get(record.sha) or known_login
        credit = people.credited(signals=signals, rules=rules, author_login=login)
        co_authors_by_sha[record.sha] = credit.co_author_ids
        rows.append(
            Commit(
                repository=repository,
                sha=record.sha,
                parents=record.parents,
                author_name=record.author_name[:255],
                author_email=record.author_email[:255],
                author_login=login,
                committer_name=record.committer_name[:255],
                committer_email=record.committer_email[:255],
                authored_at=record.authored_at.astimezone(UTC),
                committed_at=record.committed_at.astimezone(UTC),
                subject=record.subject[:1000],
                trailers=[list(pair) for pair in record.trailers],
                committed_by_tool=committed_by_tool(signals=signals, rules=rules)[:40],
                additions=record.additions,
                deletions=record.deletions,
                files_changed=len(record.files),
                touches_tests=record.touches_tests,
                person_id=credit.person_id or reported_person or known_person,
                is_present=True,
                on_default_branch=record.on_default_branch,
                lines_moved=record.lines_moved,
            )
        )
    # Only local git reads patches: a GitHub sync over a cloned repository keeps the clone's moved-line counts.
    measured_moves = any(record.lines_moved is not None for record in batch)
    with transaction.atomic():
        Commit.objects.bulk_create(
            rows,
            update_conflicts=True,
            unique_fields=["repository", "sha"],
            update_fields=[*UPDATED_FIELDS, "lines_moved"] if measured_moves else UPDATED_FIELDS,
        )
        ids = dict(Commit.objects.filter(repository=repository, sha__in=list(matches_by_sha)).values_list("sha", "pk"))
        attributions_replace(ids, matches_by_sha)
        co_authors_replace(ids, co_authors_by_sha)
    return sum(1 for matches in matches_by_sha.values() if matches)


def attributions_replace(ids: dict[str, int], matches_by_sha: dict[str, list[Match]]) -> None:
    """Attributions are recomputed from the commit and current rules; PR-marker rows are kept (the PR sync owns them)."""
    CommitAttribution.objects.filter(commit_id__in=list(ids.values())).exclude(
        kind=AttributionRule.Kind.PR_MARKER
    ).delete()
    CommitAttribution.objects.bulk_create(
        [row for sha, matches in matches_by_sha.items() for row in attribution_rows(ids[sha], matches)],
        ignore_conflicts=True,
    )


def co_authors_replace(ids: dict[str, int], co_authors_by_sha: dict[str, tuple[int, ...]]) -> None:
    """Human co-authors are recomputed from the commit's message, like its attributions."""
    through = Commit.co_authors.through
    through.objects.filter(commit_id__in=list(ids.values())).delete()
    through.objects.bulk_create(
        [
            through(commit_id=ids[sha], person_id=person_id)
            for sha, person_ids in co_authors_by_sha.items()
            for person_id in person_ids
        ]
    )


def attribution_rows(commit_id: int, matches: Sequence[Match]) -> list[CommitAttribution]:
    return [
        CommitAttribution(
            commit_id=commit_id,
            rule_id=match.rule.pk,
            rule_name=match.rule.name,
            kind=match.kind,
            tool=match.tool[:40],
            confidence=match.rule.confidence,
            ai_lines=match.ai_lines,
            evidence=match.evidence[:500],
        )
        for match in matches
    ]

"""The person's strongest AI-assisted contributions by outcome: merged, not reverted, lasting. At most three.

The employee may pick others (annotations); these are only the default. An item the employee corrected to "not
AI-assisted" is never one of them.
"""

from __future__ import annotations

from evidence.facts.activity import Activity
from evidence.facts.involvement import Link
from evidence.facts.outcomes import REVERT_WINDOW
from evidence.facts.schema import HighlightDict, HighlightKind
from evidence.facts.work_items import Verdicts, commit_ref, pull_request_ref, pull_request_url
from evidence.models import Commit, PullRequest, Repository

MAX_HIGHLIGHTS = 3


def highlights_section(*, activity: Activity, verdicts: Verdicts) -> list[HighlightDict]:
    involvement = verdicts.involvement
    candidates: list[tuple[tuple[int, float, int], HighlightDict]] = []
    in_prs: set[int] = set()
    own = {commit.pk: commit for commit in activity.commits}
    for pull_request in activity.pull_requests:
        link = involvement.strongest_for_pr(pull_request)
        if link is None or pull_request.state != PullRequest.State.MERGED or not verdicts.pr_assisted(pull_request):
            continue
        commits = activity.commits_of(pull_request)
        in_prs.update(commit.pk for commit in commits)
        reverted = any(
            activity.reverted_within(own[commit.pk], REVERT_WINDOW) for commit in commits if commit.pk in own
        )
        survival = _survival([own[commit.pk] for commit in commits if commit.pk in own])
        item = _item(
            kind="pull_request",
            repository=pull_request.repository,
            ref=pull_request_ref(pull_request),
            title=pull_request.title,
            url=pull_request_url(pull_request),
            link=link,
            merged=True,
            survival=survival,
            reverted=reverted,
            context=_context(
                lines=pull_request.additions + pull_request.deletions, survival=survival, reverted=reverted
            ),
        )
        candidates.append(((0 if reverted else 1, survival or 0.0, pull_request.additions), item))
    for commit in activity.commits:
        link = involvement.strongest_for_commit(commit)
        if link is None or commit.pk in in_prs or not verdicts.commit_assisted(commit):
            continue
        reverted = activity.reverted_within(commit, REVERT_WINDOW)
        survival = _survival([commit])
        item = _item(
            kind="commit",
            repository=commit.repository,
            ref=commit_ref(commit),
            title=commit.subject,
            url=None,
            link=link,
            merged=None,
            survival=survival,
            reverted=reverted,
            context=_context(lines=commit.additions + commit.deletions, survival=survival, reverted=reverted),
        )
        candidates.append(((0 if reverted else 1, survival or 0.0, commit.additions), item))
    # reverted work is never a highlight; the strongest outcome first, ties in time order (the sort is stable)
    lasting = [pair for pair in candidates if pair[1]["outcome"]["reverted"] is False]
    lasting.sort(key=lambda pair: pair[0], reverse=True)
    return [item for _key, item in lasting[:MAX_HIGHLIGHTS]]


def _item(
    *,
    kind: HighlightKind,
    repository: Repository,
    ref: str,
    title: str,
    url: str | None,
    link: Link,
    merged: bool | None,
    survival: float | None,
    reverted: bool,
    context: str,
) -> HighlightDict:
    return {
        "kind": kind,
        "repository": repository.full_name,
        "ref": ref,
        "title": title,
        "url": url,
        "ai": {
            "tools": list(link.tools),
            "reason": link.reason,
            "evidence": link.evidence,
            "confidence": link.confidence,
        },
        "outcome": {"merged": merged, "survival_share": survival, "reverted": reverted},
        "context": context,
    }


def _survival(commits: list[Commit]) -> float | None:
    measured = [commit for commit in commits if commit.lines_surviving is not None]
    added = sum(commit.additions for commit in measured)
    if not added:
        return None
    return round(min(sum(commit.lines_surviving or 0 for commit in measured), added) / added, 4)


def _context(*, lines: int, survival: float | None, reverted: bool) -> str:
    durability = (
        "reverted within 30 days"
        if reverted
        else "survival not measured yet"
        if survival is None
        else f"{survival:.0%} of its added lines still present at the last measurement"
    )
    return f"{lines} lines changed; {durability}."

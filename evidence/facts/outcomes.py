"""What came of the work: AI-assisted work against the same person's other work, and against their last cycle.

Never against other people: heavy AI users were often strong before (selection bias), so the only fair baseline
is the person's own work. Each item is counted in the group the employee's correction names, else the machine's
(evidence.facts.work_items.Verdicts).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from statistics import median
from typing import TYPE_CHECKING

from evidence.facts.activity import Activity
from evidence.facts.involvement import Involvement
from evidence.facts.schema import Level, OutcomeDict, OutcomePairDict, SplitConfidenceDict
from evidence.models import Commit, PullRequest, Review

if TYPE_CHECKING:
    from evidence.facts.work_items import Verdicts

REVERT_WINDOW = timedelta(days=30)


def outcome_groups(*, activity: Activity, verdicts: Verdicts) -> OutcomePairDict:
    """`ai_assisted` and `other` for one window. `other` means no AI signal was found (or the employee said the
    item was not AI-assisted): unknown, not proven human."""
    return {
        "ai_assisted": _outcome(activity=activity, verdicts=verdicts, assisted=True),
        "other": _outcome(activity=activity, verdicts=verdicts, assisted=False),
    }


def reviews_of_ai_prs(reviews_given: Sequence[Review]) -> int:
    """Reviews the person gave on other people's AI-assisted PRs: reviewing AI code is real work."""
    return sum(1 for review in reviews_given if review_is_of_ai_pr(review))


def review_is_of_ai_pr(review: Review) -> bool:
    return bool(getattr(review, "pull_request_ai_assisted", False) or review.pull_request.body_markers)


def pr_lines(pull_request: PullRequest) -> int:
    return pull_request.additions + pull_request.deletions


def _outcome(*, activity: Activity, verdicts: Verdicts, assisted: bool) -> OutcomeDict:
    window = activity.window
    commits = [commit for commit in activity.commits if verdicts.commit_assisted(commit) is assisted]
    prs = [pr for pr in activity.pull_requests if verdicts.pr_assisted(pr) is assisted]
    opened = [pr for pr in prs if window.holds(pr.created_at)]
    merged = [pr for pr in prs if pr.state == PullRequest.State.MERGED and window.holds(pr.merged_at)]
    decided = [pr for pr in opened if pr.state in (PullRequest.State.MERGED, PullRequest.State.CLOSED)]
    measured = [commit for commit in commits if commit.lines_surviving is not None]
    measured_added = sum(commit.additions for commit in measured)
    lines_surviving = sum(commit.lines_surviving or 0 for commit in measured)
    hours_to_merge = [
        (pr.merged_at - pr.created_at).total_seconds() / 3600 for pr in merged if pr.merged_at is not None
    ]
    closed_issues = {
        issue_id
        for pr in merged
        for issue_id, closed_at in activity.pr_closed_issues.get(pr.pk, [])
        if closed_at is None or window.holds(closed_at)
    }
    return {
        "commits": len(commits),
        "prs_opened": len(opened),
        "prs_merged": len(merged),
        "merge_rate": _share(sum(1 for pr in decided if pr.state == PullRequest.State.MERGED), len(decided)),
        "median_hours_to_merge": round(median(hours_to_merge), 1) if hours_to_merge else None,
        "review_rounds_per_pr": (
            round(sum(_changes_requested(activity, pr) for pr in opened) / len(opened), 2) if opened else None
        ),
        "median_pr_lines": round(median(pr_lines(pr) for pr in opened)) if opened else None,
        "lines_added": sum(commit.additions for commit in commits),
        "lines_surviving": lines_surviving,
        "survival_share": _share(min(lines_surviving, measured_added), measured_added),
        "reverted": sum(1 for commit in commits if activity.reverted_within(commit, REVERT_WINDOW)),
        "follow_up_fix_lines": sum(commit.follow_up_fix_lines or 0 for commit in commits),
        "tests_touched": sum(1 for commit in commits if commit.touches_tests),
        "issues_closed": len(closed_issues),
        "refactor_lines_deleted": sum(
            commit.deletions
            for commit in commits
            if commit.deletions and commit.deletions >= commit.additions and commit.reverts_id is None
        ),
        # Read from local git's patches (evidence.git.moves); commits known only from the API have no count.
        "refactor_lines_moved": sum(commit.lines_moved or 0 for commit in commits if commit.reverts_id is None),
        "confidence": _confidence(commits=commits, prs=prs, involvement=verdicts.involvement, assisted=assisted),
        "provenance": {
            "commits_with_moves_measured": sum(1 for commit in commits if commit.lines_moved is not None),
            "commits_with_survival_measured": len(measured),
            "survival_measured_at": _latest_iso(commit.survival_measured_at for commit in measured),
        },
    }


def _confidence(
    *, commits: list[Commit], prs: list[PullRequest], involvement: Involvement, assisted: bool
) -> SplitConfidenceDict:
    """How sure the split is. AI-assisted work found only by timing is a weak claim, and says so."""
    if not assisted:
        return {"level": "medium", "basis": "no AI signal found; a missing trailer means unknown, not human"}
    direct_commits = sum(1 for commit in commits if (link := involvement.strongest_for_commit(commit)) and link.direct)
    direct_prs = sum(1 for pr in prs if (link := involvement.strongest_for_pr(pr)) and link.direct)
    items, direct = len(commits) + len(prs), direct_commits + direct_prs
    share = direct / items if items else 0.0
    level: Level = "high" if items and share >= 0.8 else "medium" if share >= 0.5 else "low"
    return {
        "level": level,
        "basis": "direct links (tool-reported SHA, session, trailer or marker) versus timing alone",
        "direct_commits": direct_commits,
        "temporal_commits": len(commits) - direct_commits,
        "direct_prs": direct_prs,
        "temporal_prs": len(prs) - direct_prs,
    }


def _changes_requested(activity: Activity, pull_request: PullRequest) -> int:
    states = activity.pr_review_states.get(pull_request.pk, [])
    return sum(1 for state in states if state == Review.State.CHANGES_REQUESTED)


def _latest_iso(moments: Iterable[datetime | None]) -> str | None:
    latest = max((moment for moment in moments if moment is not None), default=None)
    return latest.isoformat() if latest else None


def _share(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None

"""Every work item of a person's cycle with the machine's verdict and the employee's correction side by side.

The employee may correct any item's verdict (reviews.models.Correction). A correction decides which group the
item's outcomes are counted in; it never changes the machine's record: the links and attributions stay as found,
and the facts print both verdicts. A correction of a pull request covers the commits in it that carry no
correction of their own (the employee's word on the pull request is about its changes); a commit's own correction
wins.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from evidence.facts.activity import Activity
from evidence.facts.involvement import Involvement, Link
from evidence.facts.outcomes import REVERT_WINDOW
from evidence.facts.schema import CorrectionDict, Verdict, WorkItemAIDict, WorkItemDict, WorkItemKind
from evidence.models import Commit, PullRequest, Repository
from reviews.models import Correction, Person, ReviewCycle

COMMIT_REF_LENGTH = 12


def commit_ref(commit: Commit) -> str:
    """A commit's ref in a work item's key: the first 12 characters of its SHA."""
    return commit.sha[:COMMIT_REF_LENGTH]


def pull_request_ref(pull_request: PullRequest) -> str:
    return f"#{pull_request.number}"


def item_key(repository: Repository, ref: str) -> str:
    """How corrections and highlights name a work item: '<repository> <ref>', stable across versions."""
    return f"{repository.full_name} {ref}"


def pull_request_url(pull_request: PullRequest) -> str | None:
    """The pull request's page on GitHub (or GitHub Enterprise); None for a local repository."""
    repository = pull_request.repository
    if repository.host != Repository.Host.GITHUB:
        return None
    web = "https://github.com" if not repository.base_url else repository.base_url.split("/api/")[0]
    return f"{web}/{repository.full_name}/pull/{pull_request.number}"


def corrections_get(*, person: Person, cycle: ReviewCycle) -> dict[str, Correction]:
    """The employee's corrections for one cycle, by item key (one query)."""
    return {correction.item_key: correction for correction in Correction.objects.filter(person=person, cycle=cycle)}


@dataclass(frozen=True)
class Verdicts:
    """Which group each work item is counted in: the employee's correction where there is one, else the links."""

    involvement: Involvement
    corrections: Mapping[str, Correction]
    pull_requests_of_commit: Mapping[int, tuple[str, ...]]  # commit id -> keys of the cycle's PRs holding it

    def correction_of_commit(self, commit: Commit) -> Correction | None:
        """The commit's own correction, else that of a pull request it landed in."""
        own = self.corrections.get(item_key(commit.repository, commit_ref(commit)))
        if own is not None:
            return own
        covering = (self.corrections.get(key) for key in self.pull_requests_of_commit.get(commit.pk, ()))
        return next((correction for correction in covering if correction is not None), None)

    def correction_of_pr(self, pull_request: PullRequest) -> Correction | None:
        return self.corrections.get(item_key(pull_request.repository, pull_request_ref(pull_request)))

    def commit_assisted(self, commit: Commit) -> bool:
        correction = self.correction_of_commit(commit)
        return correction.ai_assisted if correction is not None else self.involvement.commit_assisted(commit)

    def pr_assisted(self, pull_request: PullRequest) -> bool:
        correction = self.correction_of_pr(pull_request)
        return correction.ai_assisted if correction is not None else self.involvement.pr_assisted(pull_request)


def verdicts_get(*, person: Person, cycle: ReviewCycle, activity: Activity, involvement: Involvement) -> Verdicts:
    """The groups for one window: the cycle's corrections over the machine's links (one query)."""
    holding: dict[int, list[str]] = {}
    for pull_request in activity.pull_requests:
        key = item_key(pull_request.repository, pull_request_ref(pull_request))
        for commit in activity.commits_of(pull_request):
            holding.setdefault(commit.pk, []).append(key)
    return Verdicts(
        involvement=involvement,
        corrections=corrections_get(person=person, cycle=cycle),
        pull_requests_of_commit={commit_id: tuple(keys) for commit_id, keys in holding.items()},
    )


def work_items_section(*, activity: Activity, verdicts: Verdicts) -> list[WorkItemDict]:
    """Every pull request and commit of the person's in the cycle, sorted by repository, then kind, then ref."""
    involvement = verdicts.involvement
    own = {commit.pk: commit for commit in activity.commits}
    items: list[WorkItemDict] = []
    for pull_request in activity.pull_requests:
        commits = [own[commit.pk] for commit in activity.commits_of(pull_request) if commit.pk in own]
        items.append(
            _item(
                kind="pull_request",
                key=item_key(pull_request.repository, pull_request_ref(pull_request)),
                repository=pull_request.repository,
                ref=pull_request_ref(pull_request),
                title=pull_request.title,
                url=pull_request_url(pull_request),
                link=involvement.strongest_for_pr(pull_request),
                correction=verdicts.correction_of_pr(pull_request),
                ai_assisted=verdicts.pr_assisted(pull_request),
                merged=pull_request.state == PullRequest.State.MERGED,
                commits=commits,
                activity=activity,
            )
        )
    for commit in activity.commits:
        key = item_key(commit.repository, commit_ref(commit))
        items.append(
            _item(
                kind="commit",
                key=key,
                repository=commit.repository,
                ref=commit_ref(commit),
                title=commit.subject,
                url=None,
                link=involvement.strongest_for_commit(commit),
                correction=verdicts.corrections.get(key),
                ai_assisted=verdicts.commit_assisted(commit),
                merged=None,
                commits=[commit],
                activity=activity,
            )
        )
    items.sort(key=lambda item: (item["repository"], item["kind"] != "pull_request", item["ref"]))
    return items


def ai_verdict(link: Link | None) -> WorkItemAIDict:
    """The machine's verdict from the strongest link: attributed (a direct signal), temporal (timing only) or none."""
    if link is None:
        return {"verdict": "none", "tool": "", "rule": "", "confidence": None}
    verdict: Verdict = "attributed" if link.direct else "temporal"
    return {
        "verdict": verdict,
        "tool": ", ".join(link.tools),
        "rule": link.rule or link.reason,
        "confidence": link.confidence,
    }


def _item(
    *,
    kind: WorkItemKind,
    key: str,
    repository: Repository,
    ref: str,
    title: str,
    url: str | None,
    link: Link | None,
    correction: Correction | None,
    ai_assisted: bool,
    merged: bool | None,
    commits: list[Commit],
    activity: Activity,
) -> WorkItemDict:
    measured = [commit for commit in commits if commit.lines_surviving is not None]
    added = sum(commit.additions for commit in measured)
    surviving = sum(commit.lines_surviving or 0 for commit in measured)
    correction_dict: CorrectionDict | None = (
        {"ai_assisted": correction.ai_assisted, "tool": correction.tool, "reason": correction.reason}
        if correction is not None
        else None
    )
    return {
        "key": key,
        "kind": kind,
        "repository": repository.full_name,
        "ref": ref,
        "title": title,
        "url": url,
        "ai": ai_verdict(link),
        "correction": correction_dict,
        "ai_assisted": ai_assisted,
        "outcome": {
            "merged": merged,
            "survival_share": round(min(surviving, added) / added, 4) if added else None,
            "reverted": any(activity.reverted_within(commit, REVERT_WINDOW) for commit in commits),
            "follow_up_fix_lines": sum(commit.follow_up_fix_lines or 0 for commit in commits),
        },
    }

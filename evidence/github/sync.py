"""Incremental, resumable sync of one repository through PyGithub: commits, pull requests with reviews, review
comments, closed issues.

Each listing is read newest first, page by page, following GitHub's Link header. The first page is a conditional
request (If-None-Match): a 304 means nothing changed and costs no rate limit. The cursor of the page being read is
saved in Repository.sync_state after every page, so a sync stopped by a rate limit resumes where it stopped, and
each listing stops at what the last completed sync already saw. Review comments come from one repository-wide
listing, not one listing per pull request.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone
from github import Github
from github.Repository import Repository as GithubRepository

from evidence.attribution import is_agent, pull_request_markers, pull_request_match, rules_load
from evidence.attribution.trailers import MessageTrailers, message_trailers
from evidence.git.log import TEST_PATH, CommitRecord, FileChange
from evidence.github.faults import github_faults, header
from evidence.github.review_comments import review_comment_store, review_comments_link
from evidence.models import AttributionRule, Commit, CommitAttribution, Issue, PullRequest, Repository, Review
from evidence.services.activity.authors import PeopleDirectory
from evidence.services.activity.commits import attribution_rows, commits_store

LINKED_ISSUE = re.compile(r"\b(?:close[sd]?|fix(?:e[sd])?|resolve[sd]?):?\s+#(\d+)", re.IGNORECASE)
PULL_NUMBER = re.compile(r"/pulls/(\d+)$")
REVERTS_PULL = re.compile(r"\bReverts\s+[\w.-]+/[\w.-]+#(\d+)", re.IGNORECASE)
NEXT_LINK = re.compile(r'<([^>]+)>;\s*rel="next"')
REVIEW_STATES = {
    "APPROVED": Review.State.APPROVED,
    "CHANGES_REQUESTED": Review.State.CHANGES_REQUESTED,
    "COMMENTED": Review.State.COMMENTED,
    "DISMISSED": Review.State.DISMISSED,
}


@dataclass
class RepoSynced:
    commits: int = 0
    pulls: int = 0
    reviews: int = 0
    review_comments: int = 0
    issues: int = 0
    not_modified: list[str] = field(default_factory=list)
    gone: bool = False


def parse_time(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def message_split(message: str) -> tuple[str, str, MessageTrailers]:
    """Subject, body and the trailers of a commit message, read as local git's are (message_trailers)."""
    subject, _, body = message.partition("\n")
    return subject.strip(), body, message_trailers(message)


class RepoSync:
    def __init__(self, *, repository: Repository, client: Github, people: PeopleDirectory | None = None) -> None:
        self.repository = repository
        self.client = client
        self.requester = client.requester
        self.gh_repo: GithubRepository = client.get_repo(repository.full_name)
        self.people = people or PeopleDirectory.load()
        self.rules = rules_load()
        self.result = RepoSynced()

    @property
    def state(self) -> dict[str, Any]:
        state: dict[str, Any] = self.repository.sync_state
        return state

    def save_state(self) -> None:
        self.repository.save(update_fields=["sync_state"])

    def run(self) -> RepoSynced:
        with github_faults(what=self.repository.full_name):
            self.commits_phase()
            self.pulls_phase()
            self.review_comments_phase()
            self.issues_phase()
        self.state.pop("gone", None)
        self.repository.last_synced_at = timezone.now()
        self.repository.save(update_fields=["sync_state", "last_synced_at"])
        return self.result

    # --- listing pages ---

    def pages(self, phase: str, path: str, params: dict[str, Any]) -> Iterator[list[dict[str, Any]]]:
        """Yield pages of PHASE's listing; the caller saves progress by calling page_done after each one."""
        progress = self.state.setdefault(phase, {})
        url = progress.get("next")
        if url is None:
            etag = progress.get("etag")
            status, headers, body = self.requester.requestJson(
                "GET",
                f"{self.gh_repo.url}/{path}",
                parameters=params,
                headers={"If-None-Match": etag} if etag else None,
            )
            if status == 304:
                self.result.not_modified.append(phase)
                return
            items, url = self.page_read(status, headers, body)
            progress["pending_etag"] = header(headers, "ETag")
            yield items
            self.page_done(phase, url)
        while url:
            status, headers, body = self.requester.requestJson("GET", url)
            items, url = self.page_read(status, headers, body)
            yield items
            self.page_done(phase, url)

    def page_read(self, status: int, headers: dict[str, Any], body: str) -> tuple[list[dict[str, Any]], str | None]:
        data = json.loads(body) if body else None
        if status >= 400:
            raise self.requester.createException(status, headers, data if isinstance(data, dict) else {})
        found = NEXT_LINK.search(header(headers, "Link") or "")
        return (data if isinstance(data, list) else []), (found.group(1) if found else None)

    def page_done(self, phase: str, next_url: str | None) -> None:
        progress = self.state[phase]
        if next_url:
            progress["next"] = next_url
        self.save_state()

    def phase_done(self, phase: str, **marks: Any) -> None:
        progress = self.state[phase]
        progress.pop("next", None)
        progress["etag"] = progress.pop("pending_etag", progress.get("etag"))
        progress.update({key: value for key, value in marks.items() if value is not None})
        self.save_state()

    def walk(
        self, phase: str, path: str, params: dict[str, Any], stop: Callable[[dict[str, Any]], bool]
    ) -> Iterator[dict[str, Any]]:
        for page in self.pages(phase, path, params):
            for item in page:
                if stop(item):
                    self.state[phase].pop("next", None)
                    return
                yield item

    # --- commits ---

    def commits_phase(self) -> None:
        progress = self.state.setdefault("commits", {})
        known_top = progress.get("top_sha")
        new_top = progress.get("pending_top")
        for raw in self.walk(
            "commits", "commits", {"per_page": self.requester.per_page}, lambda item: item["sha"] == known_top
        ):
            new_top = new_top or raw["sha"]
            progress["pending_top"] = new_top
            self.commit_store(raw["sha"])
        if "commits" not in self.result.not_modified:
            progress.pop("pending_top", None)
            self.phase_done("commits", top_sha=new_top)

    def commit_store(self, sha: str) -> None:
        """A commit of the default branch's listing: an outcome, even if a PR's branch listing stored it first."""
        if Commit.objects.filter(repository=self.repository, sha=sha).update(on_default_branch=True):
            return
        detail = self.gh_repo.get_commit(sha)
        record = self.commit_record(detail.raw_data)
        login = detail.author.login if detail.author else ""
        commits_store(repository=self.repository, records=[record], logins={sha: login}, people=self.people)
        self.result.commits += 1

    def commit_record(self, raw: dict[str, Any]) -> CommitRecord:
        git_commit = raw["commit"]
        subject, body, found = message_split(git_commit["message"])
        files = [
            FileChange(item["filename"], item.get("additions", 0), item.get("deletions", 0), False)
            for item in raw.get("files") or []
        ]
        return CommitRecord(
            sha=raw["sha"],
            parents=[parent["sha"] for parent in raw.get("parents", [])],
            author_name=git_commit["author"]["name"],
            author_email=git_commit["author"]["email"],
            committer_name=git_commit["committer"]["name"],
            committer_email=git_commit["committer"]["email"],
            authored_at=datetime.fromisoformat(git_commit["author"]["date"]),
            committed_at=datetime.fromisoformat(git_commit["committer"]["date"]),
            subject=subject,
            body=body,
            trailers=found.pairs,
            ai_note="",
            files=files,
        )

    # --- pull requests ---

    def pulls_phase(self) -> None:
        for raw in self.walk_updated("pulls", {"state": "all"}):
            self.pull_store(raw["number"])
        self.reverts_link()

    def walk_updated(self, phase: str, params: dict[str, Any], *, path: str = "") -> Iterator[dict[str, Any]]:
        """Items of PHASE's listing (at PATH, default PHASE) updated since the last completed sync, newest first;
        marks completion."""
        progress = self.state.setdefault(phase, {})
        high_water = progress.get("high_water")
        newest = progress.get("pending_high_water")
        params = {**params, "sort": "updated", "direction": "desc", "per_page": self.requester.per_page}
        for raw in self.walk(
            phase, path or phase, params, lambda item: bool(high_water) and item["updated_at"] <= high_water
        ):
            newest = max(newest or raw["updated_at"], raw["updated_at"])
            progress["pending_high_water"] = newest
            yield raw
        if phase not in self.result.not_modified:
            progress.pop("pending_high_water", None)
            self.phase_done(phase, high_water=newest)

    def pull_store(self, number: int) -> None:
        pull = self.gh_repo.get_pull(number)
        raw = pull.raw_data  # reading it completes the lazy object: one request for the full pull request
        files = list(pull.get_files())
        reviews = list(pull.get_reviews())
        branch_commits = self.pull_commits_list(pull, raw)
        body = raw.get("body") or ""
        labels = [label["name"] for label in raw.get("labels", [])]
        markers = self.body_markers(body)
        opener = (raw.get("user") or {}).get("login", "")
        with transaction.atomic():
            row, _ = PullRequest.objects.update_or_create(
                repository=self.repository,
                number=number,
                defaults={
                    "title": (raw.get("title") or "")[:1000],
                    "body_markers": markers,
                    "author_login": opener,
                    "person_id": self.pull_person(opener, [a["login"] for a in raw.get("assignees") or []]),
                    "state": self.pull_state(raw),
                    "created_at": parse_time(raw["created_at"]),
                    "merged_at": parse_time(raw.get("merged_at")),
                    "closed_at": parse_time(raw.get("closed_at")),
                    "updated_at": parse_time(raw.get("updated_at")),
                    "additions": raw.get("additions") or 0,
                    "deletions": raw.get("deletions") or 0,
                    "changed_files": raw.get("changed_files") or len(files),
                    "touches_tests": any(TEST_PATH.search(item.filename) for item in files),
                    "labels": labels,
                    "linked_issue_numbers": sorted(
                        {int(n) for n in LINKED_ISSUE.findall(f"{raw.get('title', '')}\n{body}")}
                    ),
                },
            )
            self.revert_note(number, raw.get("title") or "", body)
            self.pull_commits_link(row, branch_commits, raw.get("merge_commit_sha"), labels, markers)
            for review in reviews:
                if review.submitted_at is None or review.user is None:
                    continue
                Review.objects.update_or_create(
                    pull_request=row,
                    external_id=str(review.id),
                    defaults={
                        "reviewer_login": review.user.login,
                        "person_id": self.people.by_email_or_login(login=review.user.login),
                        "state": REVIEW_STATES.get(review.state, Review.State.COMMENTED),
                        "submitted_at": review.submitted_at,
                    },
                )
                self.result.reviews += 1
            review_comments_link(pull_request=row)
        self.result.pulls += 1

    def pull_commits_list(self, pull: Any, raw: dict[str, Any]) -> list[Any]:
        """Every commit of the pull request. GitHub's pull request listing stops at 250 commits (as its docs say); a
        longer one is read from the compare endpoint, which pages through all of them (up to 10,000)."""
        listed = list(pull.get_commits())
        head, base = (raw.get("head") or {}).get("sha"), (raw.get("base") or {}).get("sha")
        if (raw.get("commits") or 0) <= len(listed) or not head or not base:
            return listed
        return list(self.gh_repo.compare(base, head).get_commits(comparison_commits_per_page=self.requester.per_page))

    def body_markers(self, body: str) -> list[str]:
        return pull_request_markers(body=body, rules=self.rules)

    def pull_person(self, opener: str, assignees: list[str]) -> int | None:
        """An agent's pull request is credited to the human who started it: the first assignee we know."""
        if is_agent(name=opener, email=f"{opener}@users.noreply.github.com", rules=self.rules):
            return next((found for login in assignees if (found := self.people.by_email_or_login(login=login))), None)
        return self.people.by_email_or_login(login=opener)

    @staticmethod
    def pull_state(raw: dict[str, Any]) -> str:
        if raw.get("merged_at"):
            return PullRequest.State.MERGED
        return PullRequest.State.CLOSED if raw.get("state") == "closed" else PullRequest.State.OPEN

    def revert_note(self, number: int, title: str, body: str) -> None:
        """A revert PR usually comes before the PR it reverts in a newest-first listing: link them at phase end."""
        found = REVERTS_PULL.search(body)
        if found and title.lower().startswith("revert"):
            self.state.setdefault("pending_reverts", {})[str(number)] = int(found.group(1))

    def reverts_link(self) -> None:
        pending: dict[str, int] = self.state.get("pending_reverts", {})
        for number, target in list(pending.items()):
            reverted = PullRequest.objects.filter(repository=self.repository, number=target).first()
            if reverted is not None:
                PullRequest.objects.filter(repository=self.repository, number=int(number)).update(reverts=reverted)
                del pending[number]
        self.save_state()

    def pull_commits_link(
        self, row: PullRequest, branch_commits: list[Any], merge_sha: str | None, labels: list[str], markers: list[str]
    ) -> None:
        missing = [
            c for c in branch_commits if not Commit.objects.filter(repository=self.repository, sha=c.sha).exists()
        ]
        if missing:
            # Branch commits of a squash or rebase merge, or of an open PR: the default branch's listing, read
            # first, does not hold them, so they are work in progress, not outcomes. Stored from the list's shape
            # (it carries no line counts).
            logins = {c.sha: (c.author.login if c.author else "") for c in missing}
            records = [self.commit_record(c.raw_data) for c in missing]
            for record in records:
                record.on_default_branch = False
            commits_store(repository=self.repository, records=records, logins=logins, people=self.people)
        shas = [c.sha for c in branch_commits] + ([merge_sha] if merge_sha else [])
        commits = list(Commit.objects.filter(repository=self.repository, sha__in=shas))
        row.commits.set(commits)
        matches = pull_request_match(labels=labels, markers=markers, rules=self.rules)
        CommitAttribution.objects.filter(commit__in=commits, kind=AttributionRule.Kind.PR_MARKER).delete()
        CommitAttribution.objects.bulk_create(
            [attribution for commit in commits for attribution in attribution_rows(commit.pk, matches)],
            ignore_conflicts=True,
        )
        if row.person_id:
            agent_work = Commit.objects.filter(
                pk__in=[c.pk for c in commits],
                person__isnull=True,
                attributions__kind=AttributionRule.Kind.AGENT_IDENTITY,
            )
            agent_work.update(person_id=row.person_id)

    # --- review comments ---

    def review_comments_phase(self) -> None:
        """Diff comments of every pull request, from one listing read newest first down to the last sync's mark.

        No `since` parameter: the first page's URL then stays the same between syncs, so its ETag gets a free 304
        when nothing changed, and the walk stops as early at the high-water mark as `since` would.
        """
        pulls: dict[int, PullRequest] = {}
        try:
            for raw in self.walk_updated("review_comments", {}, path="pulls/comments"):
                found = PULL_NUMBER.search(raw.get("pull_request_url") or "")
                if found is None:
                    continue
                number = int(found.group(1))
                if number not in pulls:
                    if not PullRequest.objects.filter(repository=self.repository, number=number).exists():
                        self.pull_store(number)  # opened after the pull request listing was read
                    pulls[number] = PullRequest.objects.get(repository=self.repository, number=number)
                review_comment_store(pull_request=pulls[number], raw=raw, people=self.people)
                self.result.review_comments += 1
        finally:  # a walk stopped by a rate limit still leaves the counts right for what it stored
            for pull_request in pulls.values():
                review_comments_link(pull_request=pull_request)

    # --- issues ---

    def issues_phase(self) -> None:
        for raw in self.walk_updated("issues", {"state": "closed"}):
            if "pull_request" in raw:
                continue
            Issue.objects.update_or_create(
                repository=self.repository,
                number=raw["number"],
                defaults={"title": (raw.get("title") or "")[:1000], "closed_at": parse_time(raw.get("closed_at"))},
            )
            self.result.issues += 1
        issues_link_closing_pulls(repository=self.repository)


def issues_link_closing_pulls(*, repository: Repository) -> None:
    """An issue is closed by the merged pull request that says "fixes #n" for it."""
    closers: dict[int, int] = {}
    merged = repository.pull_requests.filter(state=PullRequest.State.MERGED).order_by("merged_at")
    for pk, numbers in merged.values_list("pk", "linked_issue_numbers"):
        for number in numbers or []:
            closers[int(number)] = pk
    for issue in repository.issues.filter(closed_by__isnull=True, number__in=list(closers)):
        Issue.objects.filter(pk=issue.pk).update(closed_by_id=closers[issue.number])

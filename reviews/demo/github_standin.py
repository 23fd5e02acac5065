"""A local stand-in for the GitHub REST API routes PyGithub uses, serving a synthetic organisation.

It speaks Link-header pagination, ETag/If-None-Match (a 304 costs no rate limit), rate-limit headers, GitHub
Enterprise's /api/v3 prefix, and scripted faults (primary and secondary rate limits, 5xx, missing scopes, hangs).
It counts the requests in flight per token, so a test can check that one token never has two at once.
The tests, the benchmarks and the demo point the real sync code at it through the base URL.
"""

from __future__ import annotations

import hashlib
import json
import re
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

PREFIX = "/api/v3"
# GitHub documents that "List commits on a pull request" returns at most 250 commits.
PULL_COMMITS_LIMIT = 250


@dataclass
class StandinReview:
    id: int
    user: str
    state: str  # APPROVED, CHANGES_REQUESTED, COMMENTED, DISMISSED
    submitted_at: datetime
    # diff comments the reviewer wrote just before submitting; the second and later ones reply to the first
    comments: int = 0


@dataclass
class StandinCommit:
    sha: str
    message: str
    author_name: str
    author_email: str
    authored_at: datetime
    committer_name: str
    committer_email: str
    committed_at: datetime
    parents: list[str] = field(default_factory=list)
    author_login: str | None = None
    files: list[tuple[str, int, int]] = field(default_factory=list)  # (path, additions, deletions)


@dataclass
class StandinPull:
    number: int
    title: str
    body: str
    user: str
    created_at: datetime
    updated_at: datetime
    merged_at: datetime | None = None
    closed_at: datetime | None = None
    labels: list[str] = field(default_factory=list)
    assignees: list[str] = field(default_factory=list)
    commit_shas: list[str] = field(default_factory=list)
    merge_commit_sha: str | None = None
    files: list[tuple[str, int, int]] = field(default_factory=list)
    reviews: list[StandinReview] = field(default_factory=list)


@dataclass
class StandinIssue:
    number: int
    title: str
    user: str
    created_at: datetime
    updated_at: datetime
    closed_at: datetime | None = None


@dataclass
class StandinRepo:
    name: str
    default_branch: str = "main"
    commits: list[StandinCommit] = field(default_factory=list)  # the default branch, oldest first
    pulls: list[StandinPull] = field(default_factory=list)
    issues: list[StandinIssue] = field(default_factory=list)


@dataclass
class Fault:
    """A scripted failure for requests whose path matches PATH (a regular expression), TIMES times, after letting
    the first AFTER matching requests through (e.g. to fail on a listing's second page)."""

    path: str
    kind: str  # primary, secondary, secondary-429, server, scopes, hang
    times: int = 1
    retry_after: int = 7
    delay: float = 0.0
    after: int = 0


@dataclass
class StandinState:
    org: str
    repos: dict[str, StandinRepo]
    tokens: set[str]
    rate_limit: int = 5000
    remaining: int = 5000
    faults: list[Fault] = field(default_factory=list)
    requests: list[tuple[str, int]] = field(default_factory=list)  # (path with query, status)
    latency: float = 0.0  # seconds each answer takes, so that overlapping requests are observable
    in_flight: dict[str, int] = field(default_factory=dict)  # per Authorization header: requests being answered now
    max_in_flight: dict[str, int] = field(default_factory=dict)  # per Authorization header: the most seen at once
    lock: threading.Lock = field(default_factory=threading.Lock)


def iso(moment: datetime | None) -> str | None:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ") if moment else None


def user_json(base: str, login: str | None) -> dict[str, Any] | None:
    if not login:
        return None
    kind = "Bot" if login.endswith("[bot]") else "User"
    return {
        "login": login,
        "id": int(hashlib.sha256(login.encode()).hexdigest()[:8], 16),
        "type": kind,
        "url": f"{base}/users/{login}",
    }


class StandinServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, state: StandinState, host: str = "127.0.0.1", port: int = 0) -> None:
        super().__init__((host, port), StandinHandler)
        self.state = state
        self.thread: threading.Thread | None = None

    @property
    def base_url(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{host!s}:{port}{PREFIX}"

    def start(self) -> StandinServer:
        self.thread = threading.Thread(target=self.serve_forever, name="github-standin", daemon=True)
        self.thread.start()
        return self

    def stop(self) -> None:
        self.shutdown()
        self.server_close()

    def request_count(self) -> int:
        return len(self.state.requests)


class StandinHandler(BaseHTTPRequestHandler):
    server: StandinServer

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: the request log lives in the state."""

    def do_GET(self) -> None:
        state = self.server.state
        self.token = self.headers.get("Authorization", "")
        with state.lock:
            state.in_flight[self.token] = state.in_flight.get(self.token, 0) + 1
            state.max_in_flight[self.token] = max(state.max_in_flight.get(self.token, 0), state.in_flight[self.token])
        self.in_flight = True
        try:
            if state.latency:
                time.sleep(state.latency)
            self.answer()
        finally:
            self.request_answered()

    def send_response(self, code: int, message: str | None = None) -> None:
        # The request stops counting as in flight before its answer leaves: once the client has the answer it may
        # send its next request on a new connection, and that must not overlap this thread's bookkeeping.
        self.request_answered()
        super().send_response(code, message)

    def request_answered(self) -> None:
        if getattr(self, "in_flight", False):
            self.in_flight = False
            with self.server.state.lock:
                self.server.state.in_flight[self.token] -= 1

    def answer(self) -> None:
        state = self.server.state
        parts = urlsplit(self.path)
        query = {key: values[-1] for key, values in parse_qs(parts.query).items()}
        base = self.server.base_url
        with state.lock:
            fault = self.fault_for(parts.path)
        if fault is not None:
            if fault.kind == "hang":
                time.sleep(fault.delay)
            else:
                self.send_fault(fault)
                return
        if self.headers.get("Authorization", "").split(" ")[-1] not in state.tokens:
            self.reply(401, {"message": "Bad credentials", "documentation_url": "https://docs.github.com/rest"})
            return
        found = self.route(parts.path.removeprefix(PREFIX), query, base)
        if found is None:
            self.reply(404, {"message": "Not Found", "documentation_url": "https://docs.github.com/rest"})
            return
        payload, paginate = found
        url = base + parts.path.removeprefix(PREFIX)
        if isinstance(paginate, str):  # a listing inside an object, as compare pages its `commits`
            items, extra = self.page_slice(payload[paginate], query, url)
            self.reply(200, {**payload, paginate: items}, extra=extra)
        elif paginate:
            items, extra = self.page_slice(payload, query, url)
            self.reply(200, items, extra=extra)
        else:
            self.reply(200, payload)

    def fault_for(self, path: str) -> Fault | None:
        for fault in self.server.state.faults:
            if fault.times > 0 and re.search(fault.path, path):
                if fault.after > 0:
                    fault.after -= 1
                    continue
                fault.times -= 1
                return fault
        return None

    def send_fault(self, fault: Fault) -> None:
        reset = int(time.time()) + 3600
        if fault.kind == "primary":
            self.reply(403, {"message": "API rate limit exceeded for user ID 1."}, remaining=0, reset=reset)
        elif fault.kind == "secondary":
            message = "You have exceeded a secondary rate limit. Please wait a few minutes before you try again."
            self.reply(403, {"message": message}, extra={"Retry-After": str(fault.retry_after)})
        elif fault.kind == "secondary-429":
            self.reply(429, {"message": "Too Many Requests"}, extra={"Retry-After": str(fault.retry_after)})
        elif fault.kind == "scopes":
            message = "Resource not accessible by personal access token"
            self.reply(
                403, {"message": message}, extra={"X-Accepted-GitHub-Permissions": "contents=read; pull_requests=read"}
            )
        else:
            self.reply(502, {"message": "Server Error"})

    @staticmethod
    def page_slice(
        items: list[dict[str, Any]], query: dict[str, str], url: str
    ) -> tuple[list[dict[str, Any]], dict[str, str]]:
        """One page of ITEMS, and the Link header to the others."""
        per_page = max(1, min(100, int(query.get("per_page", "30"))))
        page = max(1, int(query.get("page", "1")))
        last = max(1, -(-len(items) // per_page))
        links = []
        for rel, number in (("next", page + 1), ("last", last), ("first", 1), ("prev", page - 1)):
            if (rel in ("next", "last") and page < last) or (rel in ("first", "prev") and page > 1):
                links.append(f'<{url}?{urlencode({**query, "page": number, "per_page": per_page})}>; rel="{rel}"')
        extra = {"Link": ", ".join(links)} if links else {}
        return items[(page - 1) * per_page : page * per_page], extra

    def reply(
        self,
        status: int,
        payload: Any,
        *,
        remaining: int | None = None,
        reset: int | None = None,
        extra: dict[str, str] | None = None,
    ) -> None:
        state = self.server.state
        body = json.dumps(payload).encode()
        etag = f'"{hashlib.sha256(body).hexdigest()[:32]}"'
        not_modified = status == 200 and self.headers.get("If-None-Match") == etag
        with state.lock:
            if status < 400 and not not_modified and remaining is None:
                state.remaining = max(0, state.remaining - 1)
            left = state.remaining if remaining is None else remaining
            state.requests.append((self.path, 304 if not_modified else status))
        self.send_response(304 if not_modified else status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("ETag", etag)
        self.send_header("X-RateLimit-Limit", str(state.rate_limit))
        self.send_header("X-RateLimit-Remaining", str(left))
        self.send_header("X-RateLimit-Reset", str(reset or int(time.time()) + 3600))
        self.send_header("X-RateLimit-Resource", "core")
        for key, value in (extra or {}).items():
            self.send_header(key, value)
        if not_modified:
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def route(self, path: str, query: dict[str, str], base: str) -> tuple[Any, bool | str] | None:
        state = self.server.state
        segments = [segment for segment in path.split("/") if segment]
        if segments[:2] == ["orgs", state.org]:
            if len(segments) == 2:
                return {"login": state.org, "id": 1, "url": f"{base}/orgs/{state.org}", "type": "Organization"}, False
            if segments[2:] == ["repos"]:
                return [repo_json(base, state.org, repo) for repo in state.repos.values()], True
            return None
        if len(segments) < 3 or segments[0] != "repos" or segments[1] != state.org or segments[2] not in state.repos:
            return None
        repo = state.repos[segments[2]]
        rest = segments[3:]
        repo_url = f"{base}/repos/{state.org}/{repo.name}"
        if not rest:
            return repo_json(base, state.org, repo), False
        if rest == ["commits"]:
            since = query.get("since")
            chosen = [commit for commit in reversed(repo.commits) if not since or iso(commit.committed_at) >= since]  # type: ignore[operator]
            return [commit_json(base, repo_url, commit, detail=False) for commit in chosen], True
        if len(rest) == 2 and rest[0] == "commits":
            commit = next((c for c in repo.commits if c.sha == rest[1]), None)
            if commit is None:
                commit = next((c for pull in repo.pulls for c in pull_commits(repo, pull) if c.sha == rest[1]), None)
            return (commit_json(base, repo_url, commit, detail=True), False) if commit else None
        if len(rest) == 2 and rest[0] == "compare" and "..." in rest[1]:
            base_sha, _, head_sha = rest[1].partition("...")
            ahead = commits_between(repo, base_sha, head_sha)
            compared = [commit_json(base, repo_url, commit, detail=False) for commit in ahead]
            return {
                "status": "ahead",
                "ahead_by": len(ahead),
                "total_commits": len(ahead),
                "commits": compared,
            }, "commits"
        if rest == ["pulls", "comments"]:
            since = query.get("since") or ""
            comments = [comment for pull in repo.pulls for comment in review_comments_json(base, repo_url, pull)]
            comments = [comment for comment in comments if comment["updated_at"] >= since]
            key = "updated_at" if query.get("sort") == "updated" else "created_at"
            descending = query.get("direction", "asc" if "sort" not in query else "desc") == "desc"
            return sorted(comments, key=lambda comment: (comment[key], comment["id"]), reverse=descending), True
        if rest == ["pulls"]:
            pulls = sorted(
                repo.pulls, key=lambda pull: pull.updated_at, reverse=query.get("direction", "desc") == "desc"
            )
            if query.get("state", "open") != "all":
                pulls = [pull for pull in pulls if (pull.closed_at is None) == (query.get("state", "open") == "open")]
            return [pull_json(base, repo_url, pull, detail=False) for pull in pulls], True
        if len(rest) >= 2 and rest[0] == "pulls":
            pull = next((p for p in repo.pulls if str(p.number) == rest[1]), None)
            if pull is None:
                return None
            tail = rest[2:]
            if not tail:
                return pull_json(base, repo_url, pull, detail=True, commits=repo.commits), False
            if tail == ["files"]:
                return [
                    {"filename": name, "additions": add, "deletions": rem, "changes": add + rem, "status": "modified"}
                    for name, add, rem in pull.files
                ], True
            if tail == ["commits"]:
                listed = pull_commits(repo, pull)[:PULL_COMMITS_LIMIT]
                return [commit_json(base, repo_url, commit, detail=False) for commit in listed], True
            if tail == ["reviews"]:
                return [review_json(base, repo_url, pull, review) for review in pull.reviews], True
            if tail == ["comments"]:
                return review_comments_json(base, repo_url, pull), True
            return None
        if rest == ["issues"]:
            since = query.get("since")
            wanted = query.get("state", "open")
            issues = [issue_json(base, repo_url, issue) for issue in repo.issues]
            issues += [pull_as_issue_json(base, repo_url, pull) for pull in repo.pulls]
            issues = [item for item in issues if wanted == "all" or item["state"] == wanted]
            issues = [item for item in issues if not since or item["updated_at"] >= since]
            return sorted(issues, key=lambda item: item["updated_at"], reverse=True), True
        return None


def pull_commits(repo: StandinRepo, pull: StandinPull) -> list[StandinCommit]:
    by_sha = {commit.sha: commit for commit in repo.commits}
    return [by_sha[sha] for sha in pull.commit_shas if sha in by_sha]


def commits_between(repo: StandinRepo, base_sha: str, head_sha: str) -> list[StandinCommit]:
    """The commits reachable from HEAD and not from BASE, oldest first: what GitHub's compare lists."""
    by_sha = {commit.sha: commit for commit in repo.commits}

    def reachable(sha: str) -> set[str]:
        seen, stack = set(), [sha]
        while stack:
            current = stack.pop()
            if current in by_sha and current not in seen:
                seen.add(current)
                stack.extend(by_sha[current].parents)
        return seen

    ahead = reachable(head_sha) - reachable(base_sha)
    return [commit for commit in repo.commits if commit.sha in ahead]


def repo_json(base: str, org: str, repo: StandinRepo) -> dict[str, Any]:
    url = f"{base}/repos/{org}/{repo.name}"
    return {
        "id": int(hashlib.sha256(repo.name.encode()).hexdigest()[:8], 16),
        "name": repo.name,
        "full_name": f"{org}/{repo.name}",
        "owner": {"login": org, "type": "Organization", "url": f"{base}/orgs/{org}"},
        "private": True,
        "default_branch": repo.default_branch,
        "url": url,
        "pulls_url": f"{url}/pulls{{/number}}",
        "commits_url": f"{url}/commits{{/sha}}",
        "issues_url": f"{url}/issues{{/number}}",
    }


def commit_json(base: str, repo_url: str, commit: StandinCommit, *, detail: bool) -> dict[str, Any]:
    data: dict[str, Any] = {
        "sha": commit.sha,
        "url": f"{repo_url}/commits/{commit.sha}",
        "commit": {
            "message": commit.message,
            "author": {"name": commit.author_name, "email": commit.author_email, "date": iso(commit.authored_at)},
            "committer": {
                "name": commit.committer_name,
                "email": commit.committer_email,
                "date": iso(commit.committed_at),
            },
        },
        "author": user_json(base, commit.author_login),
        "committer": None,
        "parents": [{"sha": sha, "url": f"{repo_url}/commits/{sha}"} for sha in commit.parents],
    }
    if detail:
        additions = sum(add for _, add, _ in commit.files)
        deletions = sum(rem for _, _, rem in commit.files)
        data["stats"] = {"additions": additions, "deletions": deletions, "total": additions + deletions}
        data["files"] = [
            {"filename": name, "additions": add, "deletions": rem, "changes": add + rem, "status": "modified"}
            for name, add, rem in commit.files
        ]
    return data


def pull_json(
    base: str, repo_url: str, pull: StandinPull, *, detail: bool, commits: list[StandinCommit] | None = None
) -> dict[str, Any]:
    """A pull request as GitHub shows it; in detail, with its head and base SHAs when COMMITS (the repository's)
    hold its branch."""
    state = "open" if pull.closed_at is None and pull.merged_at is None else "closed"
    data: dict[str, Any] = {
        "number": pull.number,
        "id": pull.number,
        "url": f"{repo_url}/pulls/{pull.number}",
        "title": pull.title,
        "body": pull.body,
        "state": state,
        "user": user_json(base, pull.user),
        "assignees": [user_json(base, login) for login in pull.assignees],
        "labels": [{"name": label} for label in pull.labels],
        "created_at": iso(pull.created_at),
        "updated_at": iso(pull.updated_at),
        "closed_at": iso(pull.closed_at or pull.merged_at),
        "merged_at": iso(pull.merged_at),
        "merge_commit_sha": pull.merge_commit_sha,
    }
    if detail:  # GitHub's list omits these; PyGithub fetches the pull request when they are read
        data["merged"] = pull.merged_at is not None
        data["additions"] = sum(add for _, add, _ in pull.files)
        data["deletions"] = sum(rem for _, _, rem in pull.files)
        data["changed_files"] = len(pull.files)
        data["commits"] = len(pull.commit_shas)
        if pull.commit_shas:
            first = next((c for c in commits or [] if c.sha == pull.commit_shas[0]), None)
            data["head"] = {"sha": pull.commit_shas[-1]}
            data["base"] = {"sha": first.parents[0] if first and first.parents else ""}
    return data


def review_json(base: str, repo_url: str, pull: StandinPull, review: StandinReview) -> dict[str, Any]:
    return {
        "id": review.id,
        "user": user_json(base, review.user),
        "state": review.state,
        "submitted_at": iso(review.submitted_at),
        "body": "",
        "pull_request_url": f"{repo_url}/pulls/{pull.number}",
    }


def review_comments_json(base: str, repo_url: str, pull: StandinPull) -> list[dict[str, Any]]:
    """The diff comments of PULL's reviews, written a minute apart just before each review was submitted."""
    path = pull.files[0][0] if pull.files else "README.md"
    comments = []
    for review in pull.reviews:
        first_id = review.id * 1000
        for n in range(review.comments):
            written = iso(review.submitted_at - timedelta(minutes=review.comments - n))
            comment: dict[str, Any] = {
                "id": first_id + n,
                "pull_request_review_id": review.id,
                "user": user_json(base, review.user),
                "body": f"Comment {n + 1} of review {review.id}: consider a guard clause here.",
                "path": path,
                "created_at": written,
                "updated_at": written,
                "url": f"{repo_url}/pulls/comments/{first_id + n}",
                "pull_request_url": f"{repo_url}/pulls/{pull.number}",
            }
            if n:  # GitHub sends in_reply_to_id only on replies
                comment["in_reply_to_id"] = first_id
            comments.append(comment)
    return comments


def issue_json(base: str, repo_url: str, issue: StandinIssue) -> dict[str, Any]:
    return {
        "number": issue.number,
        "id": 100000 + issue.number,
        "url": f"{repo_url}/issues/{issue.number}",
        "title": issue.title,
        "state": "closed" if issue.closed_at else "open",
        "user": user_json(base, issue.user),
        "created_at": iso(issue.created_at),
        "updated_at": iso(issue.updated_at),
        "closed_at": iso(issue.closed_at),
    }


def pull_as_issue_json(base: str, repo_url: str, pull: StandinPull) -> dict[str, Any]:
    """GitHub lists pull requests among issues, marked with a pull_request key; sync must skip them."""
    closed = pull.closed_at or pull.merged_at
    return {
        "number": pull.number,
        "id": pull.number,
        "url": f"{repo_url}/issues/{pull.number}",
        "title": pull.title,
        "state": "closed" if closed else "open",
        "user": user_json(base, pull.user),
        "created_at": iso(pull.created_at),
        "updated_at": iso(pull.updated_at),
        "closed_at": iso(closed),
        "pull_request": {"url": f"{repo_url}/pulls/{pull.number}"},
    }


def standin_start(state: StandinState, *, port: int = 0) -> StandinServer:
    return StandinServer(state, port=port).start()


def synthetic_repo(
    name: str, *, pulls: int, start: datetime, logins: list[str], domain: str = "example.com"
) -> StandinRepo:
    """A repository of PULLS merged pull requests, two commits each, reviewed by the next person in LOGINS.

    Every third pull request carries a Claude Code co-author trailer and body marker; every fifth closes an issue.
    """

    repo = StandinRepo(name=name)
    for number in range(1, pulls + 1):
        login = logins[number % len(logins)]
        reviewer = logins[(number + 1) % len(logins)]
        author = f"{login.replace('-', ' ').title()} <{login.replace('-', '.')}@{domain}>"
        opened = start + timedelta(hours=6 * number)
        ai = number % 3 == 0
        shas = []
        for part in range(2):
            sha = hashlib.sha1(f"{name}-{number}-{part}".encode()).hexdigest()  # noqa: S324 - synthetic SHAs
            trailer = "\n\nCo-Authored-By: Claude Sonnet 4.5 <noreply@anthropic.com>" if ai else ""
            name_part, _, email_part = author.partition(" <")
            when = opened + timedelta(minutes=10 * part)
            repo.commits.append(
                StandinCommit(
                    sha=sha,
                    message=f"Change {number}.{part}{trailer}",
                    author_name=name_part,
                    author_email=email_part.rstrip(">"),
                    authored_at=when,
                    committer_name=name_part,
                    committer_email=email_part.rstrip(">"),
                    committed_at=when,
                    parents=[repo.commits[-1].sha] if repo.commits else [],
                    author_login=login,
                    files=[(f"src/module_{number}.py", 20 + number, 2), (f"tests/test_module_{number}.py", 5, 0)],
                )
            )
            shas.append(sha)
        merged = opened + timedelta(hours=3)
        body = "Adds a module." + ("\n\n🤖 Generated with [Claude Code](https://claude.com/claude-code)" if ai else "")
        if number % 5 == 0:
            body += f"\n\nFixes #{1000 + number}"
            repo.issues.append(StandinIssue(1000 + number, f"Bug {number}", login, opened, merged, merged))
        repo.pulls.append(
            StandinPull(
                number=number,
                title=f"Change {number}",
                body=body,
                user=login,
                created_at=opened,
                updated_at=merged,
                merged_at=merged,
                closed_at=merged,
                labels=["ai-assisted"] if ai else [],
                commit_shas=shas,
                merge_commit_sha=shas[-1],
                files=[(f"src/module_{number}.py", 40 + 2 * number, 4), (f"tests/test_module_{number}.py", 10, 0)],
                reviews=[StandinReview(number * 10, reviewer, "APPROVED", merged - timedelta(minutes=30), comments=1)],
            )
        )
    return repo

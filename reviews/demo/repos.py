"""The demo company's repositories: real git history built with real `git`, served through the GitHub stand-in.

Archetypes (reviews.demo.company.ARCHETYPES) are picked by position among each team's engineers (in demo_people
order), the rule the usage side uses too: 0 efficient, 1 idle loop (usage only, no commits), 2 churner, 3 non-user,
4 reviewer, 5 no repository work (usage only), 6 and up ordinary mixed users. One repository per team,
`<team>-service`:
- efficient: six Claude Code pull requests that last (one of them a Copilot coding-agent PR started by them),
  two of which close issues; reviewed and approved by the team's reviewer;
- churner: five Cursor-assisted pull requests; two are reverted two days later, two are rewritten within 21 days;
  each gets changes requested before approval;
- non-user: four pull requests with no AI markers at all, reviewed by the manager;
- reviewer: one pull request of their own, and the reviews of every AI-assisted pull request in the team;
- ordinary: one aider commit and one without markers each.
Dates fall in the demo cycle (2026-H2) and are fixed, so the same seed always gives the same SHAs.
"""

from __future__ import annotations

import random
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from evidence.git.log import commits_read
from evidence.models import Repository
from evidence.services.activity.durability import durability_measure
from evidence.services.activity.git import git_import
from evidence.services.activity.github import github_repo_sync
from reviews.demo.company import ARCHETYPES, DemoPerson, team_engineers
from reviews.demo.github_standin import (
    StandinCommit,
    StandinIssue,
    StandinPull,
    StandinRepo,
    StandinReview,
    StandinState,
    standin_start,
)
from reviews.demo.repo_builder import RepoBuilder

ORG = "demo-co"
DEMO_TOKEN = "demo-standin-token"  # noqa: S105 - accepted only by the in-process stand-in the demo starts
CYCLE_START = datetime(2026, 7, 1, 9, 0, tzinfo=UTC)
CLAUDE_TRAILER = "Co-Authored-By: Claude Sonnet 4.5 <noreply@anthropic.com>"
CLAUDE_BODY = "🤖 Generated with [Claude Code](https://claude.com/claude-code)"
CURSOR_TRAILER = "Co-authored-by: Cursor <cursoragent@cursor.com>"
COPILOT_AGENT = "Copilot <198982749+Copilot@users.noreply.github.com>"


@dataclass
class DemoPull:
    number: int
    sha: str
    title: str
    body: str
    opener: str
    merged_at: datetime
    labels: list[str] = field(default_factory=list)
    assignees: list[str] = field(default_factory=list)
    reviews: list[tuple[str, str, datetime]] = field(default_factory=list)
    closes_issue: int | None = None


@dataclass
class DemoRepo:
    name: str
    path: Path
    pulls: list[DemoPull] = field(default_factory=list)
    logins: dict[str, str] = field(default_factory=dict)  # email -> GitHub login


def ident(person: DemoPerson) -> str:
    return f"{person.name} <{person.email}>"


class TeamHistory:
    """Events of one team's repository, replayed in date order with real git commands."""

    def __init__(self, repo: RepoBuilder, demo: DemoRepo) -> None:
        self.repo = repo
        self.demo = demo
        self.events: list[tuple[datetime, int, Callable[[], None]]] = []
        self.shas: dict[str, str] = {}

    def at(self, day: float, action: Callable[[], None]) -> None:
        self.events.append((CYCLE_START + timedelta(days=day), len(self.events), action))

    def pull(self, sha: str, when: datetime, **details: object) -> DemoPull:
        pull = DemoPull(number=len(self.demo.pulls) + 1, sha=sha, merged_at=when, **details)  # type: ignore[arg-type]
        self.demo.pulls.append(pull)
        return pull

    def approved_pull(
        self, sha: str, when: datetime, *, title: str, opener: str, approver: str, body: str = ""
    ) -> None:
        review = (approver, "APPROVED", when - timedelta(hours=2))
        self.pull(sha, when, title=title, body=body, opener=opener, reviews=[review])

    def replay(self) -> None:
        for _, _, action in sorted(self.events, key=lambda event: (event[0], event[1])):
            action()


def demo_repos_build(*, folder: Path, seed: int, people: list[DemoPerson]) -> list[DemoRepo]:
    """(Re)build one repository per team under FOLDER; the same seed always gives the same history."""
    if folder.exists():
        shutil.rmtree(folder)
    built = []
    for team, (manager, engineers) in sorted(team_engineers(people).items()):
        name = f"{team.lower()}-service"
        demo = DemoRepo(name=name, path=folder / name, logins={p.email: p.github_login for p in people})
        history = TeamHistory(RepoBuilder(demo.path), demo)
        rng = random.Random(f"{seed}-{team}")
        team_history_plan(history, manager=manager, engineers=engineers, rng=rng)
        history.replay()
        built.append(demo)
    return built


def team_history_plan(
    history: TeamHistory, *, manager: DemoPerson, engineers: list[DemoPerson], rng: random.Random
) -> None:
    repo = history.repo
    roles = dict(zip(ARCHETYPES, engineers, strict=False))
    reviewer = roles.get("reviewer", manager)

    def initial() -> None:
        repo.write("src/app.py", [f"SETTING_{n} = {n}" for n in range(30)])
        repo.write("README.md", [f"# {history.demo.name}", "", "The team's service."])
        repo.commit("Initial service skeleton", author=ident(manager), when=CYCLE_START)

    history.at(0, initial)

    if efficient := roles.get("efficient"):
        for k, day in enumerate((3, 10, 20, 35, 50, 70)):

            def efficient_change(k: int = k, day: int = day) -> None:
                when = CYCLE_START + timedelta(days=day)
                lines = 12 + rng.randint(0, 8)
                repo.write(f"src/feature_{k}.py", [f"def feature_{k}_{n}(): return {n}" for n in range(lines)])
                repo.write(f"tests/test_feature_{k}.py", [f"def test_feature_{k}():", "    assert True"] * 2)
                agent = k == 2
                sha = repo.commit(
                    f"Add feature {k}",
                    author=COPILOT_AGENT if agent else ident(efficient),
                    committer="GitHub <noreply@github.com>" if agent else None,
                    when=when,
                    trailers=[f"Co-authored-by: {ident(efficient)}"] if agent else [CLAUDE_TRAILER],
                )
                issue = 100 + k if k in (0, 3) else None
                body = (
                    f"Adds feature {k}."
                    + (f"\n\nFixes #{issue}" if issue else "")
                    + ("" if agent else f"\n\n{CLAUDE_BODY}")
                )
                history.pull(
                    sha,
                    when,
                    title=f"Add feature {k}",
                    body=body,
                    opener="Copilot" if agent else efficient.github_login,
                    assignees=[efficient.github_login] if agent else [],
                    labels=["ai-assisted"],
                    reviews=[(reviewer.github_login, "APPROVED", when - timedelta(hours=1))],
                    closes_issue=issue,
                )

            history.at(day, efficient_change)

    if churner := roles.get("churner"):
        for k, day in enumerate((5, 12, 25, 40, 60)):

            def churn_change(k: int = k, day: int = day) -> None:
                when = CYCLE_START + timedelta(days=day)
                repo.write(f"src/churn_{k}.py", [f"value_{k}_{n} = compute({n})" for n in range(20)])
                sha = repo.commit(f"Rework module {k}", author=ident(churner), when=when, trailers=[CURSOR_TRAILER])
                history.shas[f"churn_{k}"] = sha
                history.pull(
                    sha,
                    when,
                    title=f"Rework module {k}",
                    body=f"Reworks module {k} with Cursor.",
                    opener=churner.github_login,
                    reviews=[
                        (reviewer.github_login, "CHANGES_REQUESTED", when - timedelta(hours=3)),
                        (reviewer.github_login, "APPROVED", when - timedelta(hours=1)),
                    ],
                )

            history.at(day, churn_change)
            if k in (0, 2):

                def revert(k: int = k, day: int = day) -> None:
                    when = CYCLE_START + timedelta(days=day + 2)
                    target = history.shas[f"churn_{k}"]
                    reverted_pull = next(p for p in history.demo.pulls if p.sha == target)
                    sha = repo.revert(target, author=ident(manager), when=when)
                    history.pull(
                        sha,
                        when,
                        title=f'Revert "Rework module {k}"',
                        body=f"Reverts {ORG}/{history.demo.name}#{reverted_pull.number}",
                        opener=manager.github_login,
                    )

                history.at(day + 2, revert)
            elif k in (1, 3):

                def rewrite(k: int = k, day: int = day) -> None:
                    when = CYCLE_START + timedelta(days=day + 6)
                    kept = [f"value_{k}_{n} = compute({n})" for n in range(12, 20)]
                    repo.write(f"src/churn_{k}.py", [f"value_{k}_{n} = fixed({n})" for n in range(12)] + kept)
                    repo.commit(f"Fix module {k} after review in production", author=ident(churner), when=when)

                history.at(day + 6, rewrite)

    if non_user := roles.get("non_user"):
        for k, day in enumerate((8, 22, 45, 65)):

            def manual_change(k: int = k, day: int = day) -> None:
                when = CYCLE_START + timedelta(days=day)
                repo.write(f"src/manual_{k}.py", [f"def manual_{k}_{n}(): return {n}" for n in range(15)])
                repo.write(f"tests/test_manual_{k}.py", [f"def test_manual_{k}():", "    assert True"])
                sha = repo.commit(f"Implement manual change {k}", author=ident(non_user), when=when)
                title = f"Implement manual change {k}"
                history.approved_pull(
                    sha, when, title=title, opener=non_user.github_login, approver=manager.github_login
                )

            history.at(day, manual_change)

    if "reviewer" in roles:

        def own_change() -> None:
            when = CYCLE_START + timedelta(days=30)
            repo.write("src/review_tools.py", [f"CHECK_{n} = True" for n in range(10)])
            sha = repo.commit("Add review tooling", author=ident(reviewer), when=when)
            title = "Add review tooling"
            history.approved_pull(sha, when, title=title, opener=reviewer.github_login, approver=manager.github_login)

        history.at(30, own_change)

    for index, person in enumerate(engineers[len(ARCHETYPES) :], start=len(ARCHETYPES)):
        for k, day in enumerate((15 + index, 55 + index)):

            def mixed_change(person: DemoPerson = person, k: int = k, day: int = day) -> None:
                when = CYCLE_START + timedelta(days=day)
                slug = person.github_login.replace("-", "_")
                repo.write(f"src/{slug}_{k}.py", [f"{slug}_{k}_{n} = {n}" for n in range(10 + rng.randint(0, 5))])
                aider = k == 0
                author = f"{person.name} (aider) <{person.email}>" if aider else ident(person)
                sha = repo.commit(f"aider: add {slug} {k}" if aider else f"Add {slug} {k}", author=author, when=when)
                title = f"Add {slug} {k}"
                history.approved_pull(sha, when, title=title, opener=person.github_login, approver=manager.github_login)

            history.at(day, mixed_change)


def standin_repo(demo: DemoRepo) -> StandinRepo:
    """What GitHub would serve for a demo repository: its commits, pull requests, reviews and closed issues."""
    served = StandinRepo(name=demo.name)
    for record in commits_read(path=demo.path):
        message = record.subject + (f"\n\n{record.body.strip()}" if record.body.strip() else "")
        author_login = demo.logins.get(record.author_email) or ("Copilot" if "Copilot" in record.author_email else None)
        served.commits.append(
            StandinCommit(
                sha=record.sha,
                message=message,
                author_name=record.author_name,
                author_email=record.author_email,
                authored_at=record.authored_at,
                committer_name=record.committer_name,
                committer_email=record.committer_email,
                committed_at=record.committed_at,
                parents=record.parents,
                author_login=author_login,
                files=[(change.path, change.added, change.deleted) for change in record.files],
            )
        )
    files = {commit.sha: commit.files for commit in served.commits}
    for pull in demo.pulls:
        opened = pull.merged_at - timedelta(hours=4)
        served.pulls.append(
            StandinPull(
                number=pull.number,
                title=pull.title,
                body=pull.body,
                user=pull.opener,
                created_at=opened,
                updated_at=pull.merged_at,
                merged_at=pull.merged_at,
                closed_at=pull.merged_at,
                labels=pull.labels,
                assignees=pull.assignees,
                commit_shas=[pull.sha],
                merge_commit_sha=pull.sha,
                files=files.get(pull.sha, []),
                reviews=[
                    StandinReview(pull.number * 10 + n, login, state, when, comments=1 if state != "APPROVED" else 0)
                    for n, (login, state, when) in enumerate(pull.reviews)
                ],
            )
        )
        if pull.closes_issue:
            issue = StandinIssue(
                pull.closes_issue, f"Issue {pull.closes_issue}", pull.opener, opened, pull.merged_at, pull.merged_at
            )
            served.issues.append(issue)
    return served


@dataclass
class DemoReposImported:
    repositories: int
    commits: int
    pull_requests: int
    requests: int


def demo_repos_import(*, folder: Path, seed: int, people: list[DemoPerson]) -> DemoReposImported:
    """Build the repositories, serve them through the GitHub stand-in on a free port, sync them through PyGithub,
    then import each clone over its synced repository and measure durability since the cycle's start."""
    built = demo_repos_build(folder=folder, seed=seed, people=people)
    state = StandinState(org=ORG, repos={demo.name: standin_repo(demo) for demo in built}, tokens={DEMO_TOKEN})
    server = standin_start(state)
    commits = pulls = 0
    try:
        for demo in built:
            repository, _ = Repository.objects.update_or_create(
                host=Repository.Host.GITHUB, full_name=f"{ORG}/{demo.name}", defaults={"base_url": server.base_url}
            )
            github_repo_sync(repository_id=repository.pk, token=DEMO_TOKEN)
            git_import(path=demo.path, repository=repository)
            durability_measure(repository=repository, since=CYCLE_START)
            commits += repository.commits.count()
            pulls += repository.pull_requests.count()
    finally:
        server.stop()
    return DemoReposImported(len(built), commits, pulls, len(state.requests))

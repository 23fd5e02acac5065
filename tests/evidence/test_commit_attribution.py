"""Who wrote a commit, read from repositories built with real `git` and from the GitHub stand-in through PyGithub.

Each history has the shape real projects show (invented people; the tool identities are the ones tools write).
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps as django_apps
from pytest_django import Settings as SettingsWrapper

from evidence.facts.activity import Window, activity_load
from evidence.models import AttributionRule, Commit, CommitAttribution, PullRequest, Repository
from evidence.services.activity.git import git_import
from evidence.services.activity.github import github_sync_start
from evidence.services.activity.share import ai_share
from reviews.demo.github_standin import (
    StandinCommit,
    StandinPull,
    StandinRepo,
    StandinServer,
    StandinState,
    standin_start,
)
from reviews.demo.repo_builder import RepoBuilder
from tests.factories import make_person

pytestmark = pytest.mark.django_db

ANA = "Ana Ortiz <ana@example.com>"
KIM = "Kim Park <kim@example.com>"
GITHUB = "GitHub <noreply@github.com>"
CLAUDE = "Co-Authored-By: Claude <noreply@anthropic.com>"
START = datetime(2026, 7, 1, 9, tzinfo=UTC)
TOKEN = "good-token"  # noqa: S105 - the stand-in's test token

SQUASH_BODY = f"""Add search (#12)

* first change

{CLAUDE}

* second change

---------

Co-authored-by: {KIM}"""
GLUED = f"""Add export

Adds a CSV export.

Generated with [Claude Code](https://claude.com/claude-code)
{CLAUDE}"""
SESSION_AFTER_COAUTHOR = """Fix the parser

Co-authored-by: Copilot App <223556219+Copilot@users.noreply.github.com>

Copilot-Session: 0b2a6c1e-3f4d-4e5f-9a8b-7c6d5e4f3a2b"""
TRAILER_SPELLINGS = {
    "spaces before the colon, upper-case e-mail": "Tidy\n\nco-authored-by  : Claude <NOREPLY@ANTHROPIC.COM>",
    "tab before the colon": "Tidy\n\nCo-Authored-By\t: Claude <noreply@anthropic.com>",
    "folded value": "Tidy\n\nCo-authored-by: Claude\n <noreply@anthropic.com>",
    "indented": "Tidy\n\nNotes on the change.\n    Co-authored-by: Claude <noreply@anthropic.com>",
}


def tools_of(commit: Commit) -> set[str]:
    return set(CommitAttribution.objects.filter(commit=commit).values_list("tool", flat=True))


def commit_of(repository: Repository, sha: str) -> Commit:
    return Commit.objects.get(repository=repository, sha=sha)


def numbered(prefix: str, count: int) -> list[str]:
    return [f"{prefix} {n}" for n in range(count)]


def test_tool_as_committer_only_is_human_work_with_a_weak_signal_and_tool_as_author_is_ai(tmp_path: Path) -> None:
    ana = make_person(email="ana@example.com")
    repo = RepoBuilder(tmp_path / "app")
    repo.write("base.py", ["base"])
    base = repo.commit("Base", author=ANA, when=START)
    repo.write("human.py", numbered("human", 7))
    committed = repo.commit("Commit my edits", author=ANA, committer="Ana Ortiz (aider) <ana@example.com>", when=START)
    repo.write("ai.py", numbered("ai", 4))
    authored = repo.commit("Add ai.py", author="Ana Ortiz (aider) <ana@example.com>", when=START)

    repository = git_import(path=repo.path).repository

    human = commit_of(repository, committed)
    assert (tools_of(human), human.committed_by_tool, human.person) == (set(), "aider", ana)
    written = commit_of(repository, authored)
    assert (tools_of(written), written.committed_by_tool, written.person) == ({"aider"}, "aider", ana)
    share = ai_share(repo=repo.path, from_ref=base, to_ref="HEAD").as_json()
    assert (share["total_lines"], share["ai_lines"]) == (7 + 4, 4)
    assert share["by_author"] == {"Ana Ortiz": {"lines": 11, "ai_lines": 4}}
    assert share["committed_by_tool_lines"] == {"aider": 11}, "shown, as the signal it is, not as AI lines"


def test_squash_body_trailers_attribute_the_commit_and_credit_the_author_and_each_human_co_author(
    tmp_path: Path,
) -> None:
    ana, kim = make_person(email="ana@example.com"), make_person(email="kim@example.com")
    repo = RepoBuilder(tmp_path / "app")
    repo.write("search.py", numbered("search", 30))
    sha = repo.commit(SQUASH_BODY, author=ANA, committer=GITHUB, when=START)

    repository = git_import(path=repo.path).repository

    squash = commit_of(repository, sha)
    assert tools_of(squash) == {"claude-code"}
    assert squash.person == ana
    assert list(squash.co_authors.all()) == [kim]
    window = Window(date(2026, 7, 1), date(2026, 7, 31))
    assert [commit.sha for commit in activity_load(person=kim, window=window).commits] == [sha]
    assert [commit.sha for commit in activity_load(person=ana, window=window).commits] == [sha]
    git_import(path=repo.path)
    assert list(commit_of(repository, sha).co_authors.all()) == [kim], "re-import credits Kim once"


@pytest.mark.parametrize(
    ("message", "tools"),
    [
        pytest.param(GLUED, {"claude-code"}, id="co-author glued to the line above"),
        pytest.param(SESSION_AFTER_COAUTHOR, {"copilot"}, id="session line after the co-author"),
        pytest.param(
            "Fix\n\nCo-authored-by: claude[bot] <209825114+claude[bot]@users.noreply.github.com>",
            {"claude-code"},
            id="bot co-author",
        ),
        pytest.param(
            "Fix\n\nClaude-Generated-By: Claude Code (cli/claude=100%)\nClaude-Steers: 2\nClaude-Permission-Prompts: 1",
            {"claude-code"},
            id="generated-by trailer",
        ),
        pytest.param(
            "Fix\n\nhttps://claude.ai/code/session_011CUkA2bX9YzQ7", {"claude-code"}, id="claude.ai session link"
        ),
        pytest.param("Fix\n\nCo-authored-by: openhands <openhands@all-hands.dev>", {"openhands"}, id="openhands"),
        pytest.param(
            "Fix\n\nCo-authored-by: openhands openhands@all-hands.dev", {"openhands"}, id="openhands bare address"
        ),
        pytest.param(
            "Fix\n\nAmp-Thread: https://ampcode.com/threads/T-5f2c9e1a\nCo-authored-by: Amp <amp@ampcode.com>",
            {"amp"},
            id="amp",
        ),
        pytest.param("Fix\n\nCo-Authored-By: opencode <noreply@opencode.ai>", {"opencode"}, id="opencode"),
        pytest.param("Fix\n\nAssisted-by: Claude:claude-3-opus coccinelle sparse", {"claude"}, id="kernel Assisted-by"),
        pytest.param("Fix\n\nCo-Authored-By: OpenAI Codex <noreply@openai.com>", {"codex"}, id="codex co-author"),
        pytest.param(
            "Apply suggestion\n\nCo-authored-by: gemini-code-assist[bot] "
            "<176961590+gemini-code-assist[bot]@users.noreply.github.com>",
            {"gemini"},
            id="gemini code assist suggestion",
        ),
        *[pytest.param(message, {"claude-code"}, id=name) for name, message in TRAILER_SPELLINGS.items()],
    ],
)
def test_markers_in_real_message_shapes_attribute_one_tool(tmp_path: Path, message: str, tools: set[str]) -> None:
    repo = RepoBuilder(tmp_path / "app")
    repo.write("a.py", ["a"])
    sha = repo.commit(message, author=ANA, when=START)

    repository = git_import(path=repo.path).repository

    assert tools_of(commit_of(repository, sha)) == tools


@pytest.mark.parametrize(
    "author",
    [
        "openhands <openhands@all-hands.dev>",
        "Codex <codex@openai.com>",
        "gemini-code-assist[bot] <176961590+gemini-code-assist[bot]@users.noreply.github.com>",
    ],
)
def test_agents_as_author_attribute_their_tool(tmp_path: Path, author: str) -> None:
    repo = RepoBuilder(tmp_path / "app")
    sha = repo.commit("Agent work", author=author, committer=GITHUB, when=START)

    repository = git_import(path=repo.path).repository

    assert len(tools_of(commit_of(repository, sha))) == 1


@pytest.mark.parametrize(
    ("author", "message"),
    [
        ("dependabot[bot] <49699333+dependabot[bot]@users.noreply.github.com>", "Bump django from 5.2.1 to 5.2.2"),
        ("renovate[bot] <29139614+renovate[bot]@users.noreply.github.com>", "Update dependency ruff to v0.12"),
        ("github-actions[bot] <41898282+github-actions[bot]@users.noreply.github.com>", "Update the changelog"),
        (ANA, "Pair on the cache\n\nCo-authored-by: Sam Lee <sam.lee@anthropic.com>"),
        ("Sam Lee <sam.lee@anthropic.com>", "Fix\n\nCo-authored-by: Jo Ng <jo.ng@google.com>"),
        (ANA, "Fix\n\nCo-authored-by: Pat Roy <pat.roy@openai.com>\nCo-authored-by: Lu Chen <lu@ampcode.com>"),
        (ANA, "Fix\n\nCo-authored-by: Paul Gee <paul@aider.chat>"),
        (ANA, "Fix\n\nCo-authored-by: Kim Park <4242+kimcopilot@users.noreply.github.com>"),
    ],
)
def test_automation_bots_and_humans_at_ai_companies_are_never_ai(tmp_path: Path, author: str, message: str) -> None:
    repo = RepoBuilder(tmp_path / "app")
    sha = repo.commit(message, author=author, when=START)

    repository = git_import(path=repo.path).repository

    commit = commit_of(repository, sha)
    assert (tools_of(commit), commit.committed_by_tool, commit.person) == (set(), "", None)


def test_a_human_co_author_at_an_ai_company_is_credited_as_a_person(tmp_path: Path) -> None:
    sam = make_person(email="sam.lee@anthropic.com")
    repo = RepoBuilder(tmp_path / "app")
    sha = repo.commit("Pair\n\nCo-authored-by: Sam Lee <sam.lee@anthropic.com>", author=ANA, when=START)

    commit = commit_of(git_import(path=repo.path).repository, sha)

    assert (tools_of(commit), list(commit.co_authors.all())) == (set(), [sam])


# --- the GitHub path reads the same messages the same way ---


def standin_commit(
    n: int, message: str, *, committer: tuple[str, str] = ("Ana Ortiz", "ana@example.com")
) -> StandinCommit:
    when = START + timedelta(hours=n)
    return StandinCommit(
        sha=f"{n:040x}",
        message=message,
        author_name="Ana Ortiz",
        author_email="ana@example.com",
        authored_at=when,
        committer_name=committer[0],
        committer_email=committer[1],
        committed_at=when,
        parents=[f"{n - 1:040x}"] if n > 1 else [],
        author_login="ana-ortiz",
        files=[("app.py", 3, 0)],
    )


def merged_pull(number: int, body: str, commits: list[StandinCommit]) -> StandinPull:
    merged = START + timedelta(days=1)
    return StandinPull(
        number=number,
        title=f"Change {number}",
        body=body,
        user="ana-ortiz",
        created_at=merged,
        updated_at=merged,
        merged_at=merged,
        commit_shas=[commit.sha for commit in commits],
        merge_commit_sha=commits[-1].sha,
    )


@pytest.fixture
def standin(settings: SettingsWrapper) -> Iterator[StandinServer]:
    messages = [SQUASH_BODY, GLUED, SESSION_AFTER_COAUTHOR, *TRAILER_SPELLINGS.values(), "Add docs", "Tidy"]
    commits = [standin_commit(n, message) for n, message in enumerate(messages, start=1)]
    commits.append(
        standin_commit(len(commits) + 1, "Commit my edits", committer=("Ana Ortiz (aider)", "ana@example.com"))
    )
    pulls = [
        merged_pull(1, "Adds the docs.\n\nCo-authored-by: Claude <noreply@anthropic.com>", commits[-3:-2]),
        merged_pull(2, "Tidies.", commits[-2:]),
    ]
    state = StandinState(org="acme", repos={"app": StandinRepo("app", commits=commits, pulls=pulls)}, tokens={TOKEN})
    server = standin_start(state)
    settings.TOKENPROOF_GITHUB_TOKEN = TOKEN
    yield server
    server.stop()


@pytest.fixture
def synced_app(standin: StandinServer, django_capture_on_commit_callbacks: Any) -> Repository:
    make_person(email="ana@example.com")
    make_person(email="kim@example.com")
    with django_capture_on_commit_callbacks(execute=True):
        [repository] = github_sync_start(org="acme", repos=["acme/app"], base_url=standin.base_url)
    return repository


def test_github_path_reads_trailers_anywhere_as_local_git_does(standin: StandinServer, synced_app: Repository) -> None:
    commits = standin.state.repos["app"].commits

    tools = [tools_of(commit_of(synced_app, commit.sha)) for commit in commits[: 3 + len(TRAILER_SPELLINGS)]]
    assert tools == [{"claude-code"}, {"claude-code"}, {"copilot"}] + [{"claude-code"}] * len(TRAILER_SPELLINGS)
    assert [person.email for person in commit_of(synced_app, commits[0].sha).co_authors.all()] == ["kim@example.com"]


def test_a_co_author_in_the_pull_request_description_only_makes_the_pull_request_ai_assisted(
    synced_app: Repository,
) -> None:
    docs = PullRequest.objects.get(repository=synced_app, number=1)
    assert docs.body_markers == ["Co-authored-by: Claude <noreply@anthropic.com>"]
    [attribution] = CommitAttribution.objects.filter(commit__pull_requests=docs)
    assert (attribution.kind, attribution.tool) == ("pr_marker", "claude-code")


def test_a_tool_as_committer_does_not_make_a_pull_request_ai_assisted(synced_app: Repository) -> None:
    tidy = PullRequest.objects.get(repository=synced_app, number=2)
    assert not CommitAttribution.objects.filter(commit__pull_requests=tidy).exists()
    assert list(tidy.commits.values_list("committed_by_tool", flat=True).order_by("committed_at")) == ["", "aider"]


def test_seeding_the_marker_rules_is_idempotent_and_its_rollback_keeps_an_admins_edit() -> None:
    seeding = importlib.import_module("evidence.migrations.0012_seed_marker_rules")
    AttributionRule.objects.filter(name="coauthor-amp").update(pattern=r"^co-authored-by:.*@ampcode\.com")
    before = list(AttributionRule.objects.order_by("name").values_list("name", "pattern"))

    seeding.unseed(django_apps, None)
    assert AttributionRule.objects.filter(name__in=["coauthor-amp", "session-amp", "assisted-by"]).count() == 1
    seeding.seed(django_apps, None)
    seeding.seed(django_apps, None)

    assert list(AttributionRule.objects.order_by("name").values_list("name", "pattern")) == before


def test_a_stored_committer_only_attribution_becomes_the_committed_by_tool_signal(tmp_path: Path) -> None:
    correcting = importlib.import_module("evidence.migrations.0013_committer_only_is_a_signal")
    repo = RepoBuilder(tmp_path / "app")
    human = repo.commit("Edits", author=ANA, committer="Ana Ortiz (aider) <ana@example.com>", when=START)
    agent = repo.commit("Agent work", author="Ana Ortiz (aider) <ana@example.com>", when=START)
    repository = git_import(path=repo.path).repository
    Commit.objects.update(committed_by_tool="")
    rule = AttributionRule.objects.get(name="agent-aider-name")
    CommitAttribution.objects.create(  # as the ladder stored it when it read author or committer
        commit=commit_of(repository, human),
        rule=rule,
        rule_name=rule.name,
        kind=rule.kind,
        tool="aider",
        confidence=rule.confidence,
        evidence="Ana Ortiz (aider) <ana@example.com>",
    )

    correcting.committer_only_to_signal(django_apps, None)

    assert (tools_of(commit_of(repository, human)), commit_of(repository, human).committed_by_tool) == (set(), "aider")
    assert (tools_of(commit_of(repository, agent)), commit_of(repository, agent).committed_by_tool) == ({"aider"}, "")

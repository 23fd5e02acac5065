"""The real sync code through PyGithub against the local GitHub stand-in: pagination, 304, limits, faults, resume."""

from __future__ import annotations

import dataclasses
import hashlib
import re
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from io import StringIO
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from pytest_django import Settings as SettingsWrapper

from evidence.github.faults import SyncDeferred
from evidence.models import CommitAttribution, Issue, PullRequest, Repository, Review, ReviewComment
from evidence.services.activity.github import github_repo_sync, github_sync_start
from reviews.demo.github_standin import (
    Fault,
    StandinCommit,
    StandinPull,
    StandinRepo,
    StandinReview,
    StandinServer,
    StandinState,
    standin_start,
    synthetic_repo,
)
from reviews.errors import ApplicationError
from reviews.models import Identity
from tests.factories import make_person

pytestmark = pytest.mark.django_db

LOGINS = ["ada-abara", "ben-bauer", "chen-castro"]
START = datetime(2026, 7, 1, 9, tzinfo=UTC)
GOOD_TOKEN = "good-token"  # noqa: S105 - the stand-in's test token
EXPIRED_TOKEN = "expired"  # noqa: S105 - a token the stand-in rejects


@pytest.fixture
def standin(settings: SettingsWrapper) -> Iterator[StandinServer]:
    state = StandinState(
        org="acme", repos={"shop": synthetic_repo("shop", pulls=7, start=START, logins=LOGINS)}, tokens={GOOD_TOKEN}
    )
    server = standin_start(state)
    settings.TOKENPROOF_GITHUB_TOKEN = GOOD_TOKEN
    settings.TOKENPROOF_GITHUB_PER_PAGE = 3
    settings.TOKENPROOF_GITHUB_TIMEOUT = 2
    yield server
    server.stop()


@pytest.fixture
def synced_shop(standin: StandinServer, django_capture_on_commit_callbacks: Any) -> Callable[[], Repository]:
    def sync() -> Repository:
        with django_capture_on_commit_callbacks(execute=True):
            [repository] = github_sync_start(org="acme", repos=["acme/shop"], base_url=standin.base_url)
        return repository

    return sync


def test_first_sync_reads_everything_through_pagination(
    synced_shop: Callable[[], Repository], standin: StandinServer
) -> None:
    ada = make_person(email="ada.abara@example.com")
    Identity.objects.create(person=ada, kind=Identity.Kind.GITHUB_LOGIN, value="Ada-Abara")
    ben = make_person(email="someone@example.com")
    Identity.objects.create(person=ben, kind=Identity.Kind.GITHUB_LOGIN, value="ben-bauer")

    repository = synced_shop()  # in-process tasks: the sync ran on commit

    assert repository.commits.count() == 14
    assert repository.pull_requests.count() == 7
    assert Review.objects.filter(pull_request__repository=repository).count() == 7
    assert list(Issue.objects.values_list("number", "closed_by__number")) == [(1005, 5)]
    pull = PullRequest.objects.get(number=3)
    assert (pull.state, pull.additions, pull.changed_files, pull.touches_tests) == ("merged", 56, 2, True)
    assert pull.labels == ["ai-assisted"]
    assert pull.body_markers == ["🤖 Generated with [Claude Code](https://claude.com/claude-code)"]
    assert pull.commits.count() == 2
    assert pull.person == ada
    assert PullRequest.objects.get(number=5).linked_issue_numbers == [1005]
    ai_commit = pull.commits.first()
    assert ai_commit is not None
    assert set(ai_commit.attributions.values_list("rule_name", flat=True)) == {
        "coauthor-claude",
        "pr-body-claude-code",
        "pr-label-ai",
    }
    assert ai_commit.additions > 0
    assert ai_commit.person == ada, "resolved by the commit's author email"
    assert Review.objects.get(pull_request__number=3).person == ben
    assert any("page=3" in path for path, _ in standin.state.requests), "listings were paginated"


def test_incremental_sync_with_nothing_new_is_four_304s(
    synced_shop: Callable[[], Repository], standin: StandinServer
) -> None:
    repository = synced_shop()
    before = len(standin.state.requests)
    remaining = standin.state.remaining

    synced = github_repo_sync(repository_id=repository.pk)

    new_requests = standin.state.requests[before:]
    assert [status for _, status in new_requests] == [304, 304, 304, 304]
    assert standin.state.remaining == remaining, "304s cost no rate limit"
    assert synced.not_modified == ["commits", "pulls", "review_comments", "issues"]


def test_incremental_sync_reads_only_what_changed(
    synced_shop: Callable[[], Repository], standin: StandinServer
) -> None:
    repository = synced_shop()
    bigger = synthetic_repo("shop", pulls=8, start=START, logins=LOGINS)
    standin.state.repos["shop"] = bigger

    synced = github_repo_sync(repository_id=repository.pk)

    assert (synced.commits, synced.pulls) == (2, 1)
    assert repository.pull_requests.count() == 8


def test_primary_rate_limit_defers_with_the_reset_countdown_and_resumes(standin: StandinServer) -> None:
    standin.state.faults.append(Fault(path=r"/pulls$", kind="primary"))
    repository = Repository.objects.create(host="github", full_name="acme/shop", base_url=standin.base_url)

    with pytest.raises(SyncDeferred) as deferred:
        github_repo_sync(repository_id=repository.pk)

    assert deferred.value.countdown is not None
    assert 3500 < deferred.value.countdown <= 3610
    assert repository.commits.count() == 14, "the commits phase finished and is kept"
    commit_requests = sum(1 for path, _ in standin.state.requests if "/commits/" in path)
    github_repo_sync(repository_id=repository.pk)
    assert repository.pull_requests.count() == 7
    assert sum(1 for path, _ in standin.state.requests if "/commits/" in path) == commit_requests, "no commit re-read"


def test_secondary_rate_limits_use_retry_after(standin: StandinServer) -> None:
    repository = Repository.objects.create(host="github", full_name="acme/shop", base_url=standin.base_url)
    for kind in ("secondary", "secondary-429"):
        standin.state.faults.append(Fault(path=r"/commits$", kind=kind, retry_after=7))
        with pytest.raises(SyncDeferred) as deferred:
            github_repo_sync(repository_id=repository.pk)
        assert deferred.value.countdown is not None
        assert 7 < deferred.value.countdown <= 12


def test_server_errors_back_off_and_a_stopped_sync_resumes_mid_listing(standin: StandinServer) -> None:
    repository = Repository.objects.create(host="github", full_name="acme/shop", base_url=standin.base_url)
    standin.state.faults.append(Fault(path=r"/pulls/4$", kind="server"))

    with pytest.raises(SyncDeferred) as deferred:
        github_repo_sync(repository_id=repository.pk)

    assert deferred.value.countdown is None
    assert deferred.value.countdown_for(2) >= 120
    repository.refresh_from_db()
    assert "page=2" in repository.sync_state["pulls"]["next"], "the cursor of the page in progress is saved"
    github_repo_sync(repository_id=repository.pk)
    assert repository.pull_requests.count() == 7


def test_timeout_is_deferred_not_waited(standin: StandinServer) -> None:
    repository = Repository.objects.create(host="github", full_name="acme/shop", base_url=standin.base_url)
    standin.state.faults.append(Fault(path=r"/commits$", kind="hang", delay=3))
    with pytest.raises(SyncDeferred, match="Timeout"):
        github_repo_sync(repository_id=repository.pk)


def test_wrong_token_and_missing_scopes_are_clear_errors_and_keep_data(
    synced_shop: Callable[[], Repository], standin: StandinServer, settings: SettingsWrapper
) -> None:
    repository = synced_shop()
    settings.TOKENPROOF_GITHUB_TOKEN = EXPIRED_TOKEN
    with pytest.raises(ApplicationError, match="wrong or expired"):
        github_repo_sync(repository_id=repository.pk)
    settings.TOKENPROOF_GITHUB_TOKEN = GOOD_TOKEN
    standin.state.faults.append(Fault(path=r"/commits$", kind="scopes"))
    with pytest.raises(ApplicationError, match=r"lacks the needed scopes.*pull_requests=read"):
        github_repo_sync(repository_id=repository.pk)
    assert repository.commits.count() == 14
    repository.refresh_from_db()
    assert "scopes" in repository.sync_state["error"]


def test_deleted_repository_is_skipped_and_its_history_kept(
    synced_shop: Callable[[], Repository], standin: StandinServer
) -> None:
    repository = synced_shop()
    del standin.state.repos["shop"]

    synced = github_repo_sync(repository_id=repository.pk)

    assert synced.gone
    repository.refresh_from_db()
    assert repository.sync_state["gone"] is True
    assert repository.commits.count() == 14


def test_whole_organisation_is_listed_and_attribution_rows_are_stable(
    standin: StandinServer, django_capture_on_commit_callbacks: Any
) -> None:
    standin.state.repos["api"] = synthetic_repo("api", pulls=2, start=START, logins=LOGINS)
    with django_capture_on_commit_callbacks(execute=True):
        repositories = github_sync_start(org="acme", base_url=standin.base_url)
    assert sorted(repository.full_name for repository in repositories) == ["acme/api", "acme/shop"]
    count = CommitAttribution.objects.count()
    for repository in repositories:
        github_repo_sync(repository_id=repository.pk)
    assert CommitAttribution.objects.count() == count


def test_sync_github_command_syncs_the_named_repository(
    standin: StandinServer, django_capture_on_commit_callbacks: Any
) -> None:
    out = StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("sync_github", org="acme", repos=["acme/shop"], base_url=standin.base_url, stdout=out)
    assert Repository.objects.get(full_name="acme/shop").pull_requests.count() == 7
    with pytest.raises(CommandError, match="expected OWNER/NAME"):
        call_command("sync_github", org="acme", repos=["shop"], base_url=standin.base_url)


def test_review_comments_are_rows_with_author_review_reply_and_time_but_no_text(
    standin: StandinServer, synced_shop: Callable[[], Repository]
) -> None:
    ben = make_person(email="ben@example.com")
    Identity.objects.create(person=ben, kind=Identity.Kind.GITHUB_LOGIN, value="Ben-Bauer")
    pull = standin.state.repos["shop"].pulls[2]  # number 3, reviewed by ben-bauer
    pull.reviews.append(StandinReview(999, "chen-castro", "CHANGES_REQUESTED", pull.merged_at, comments=3))  # type: ignore[arg-type]

    synced_shop()

    assert ReviewComment.objects.count() == 7 + 3, "one comment on each synthetic review, three on the extra one"
    first, second, third = ReviewComment.objects.filter(review__external_id="999").order_by("created_at")
    assert (first.author_login, first.review.state, first.pull_request.number) == (  # type: ignore[union-attr]
        "chen-castro",
        Review.State.CHANGES_REQUESTED,
        3,
    )
    assert first.path == "src/module_3.py"
    assert (first.in_reply_to_external_id, second.in_reply_to_external_id) == ("", first.external_id)
    assert first.created_at < second.created_at < third.created_at <= first.review.submitted_at  # type: ignore[union-attr]
    assert ReviewComment.objects.get(review__external_id="30").person == ben, "resolved through the GitHub login"
    assert dict(Review.objects.values_list("external_id", "comment_count"))["999"] == 3, "counted from the rows"
    stored = [str(value) for row in ReviewComment.objects.values() for value in row.values()]
    assert not any("guard clause" in value for value in stored), "the stand-in sends each comment's text; none is kept"
    per_pull = [path for path, _ in standin.state.requests if re.search(r"/pulls/\d+/comments", path)]
    assert per_pull == [], "one repository-wide listing, not one per pull request"


def test_new_review_comments_sync_incrementally_from_one_listing(
    standin: StandinServer, synced_shop: Callable[[], Repository]
) -> None:
    repository = synced_shop()
    pull = standin.state.repos["shop"].pulls[0]
    later = START + timedelta(days=30)
    pull.reviews.append(StandinReview(777, "ada-abara", "COMMENTED", later, comments=2))
    pull.updated_at = later
    before = len(standin.state.requests)

    synced = github_repo_sync(repository_id=repository.pk)

    assert synced.review_comments == 2, "only the new comments, the walk stops at the last sync's mark"
    assert ReviewComment.objects.count() == 9
    assert Review.objects.get(external_id="777").comment_count == 2
    listings = [path for path, _ in standin.state.requests[before:] if "/pulls/comments" in path]
    assert len(listings) == 1
    assert github_repo_sync(repository_id=repository.pk).review_comments == 0
    assert ReviewComment.objects.count() == 9


def test_a_stopped_review_comment_listing_resumes_where_it_stopped(standin: StandinServer) -> None:
    repository = Repository.objects.create(host="github", full_name="acme/shop", base_url=standin.base_url)
    standin.state.faults.append(Fault(path=r"/pulls/comments$", kind="secondary-429", after=1))

    with pytest.raises(SyncDeferred):
        github_repo_sync(repository_id=repository.pk)

    assert ReviewComment.objects.count() == 3, "the first page (per_page=3) is stored"
    repository.refresh_from_db()
    assert "page=2" in repository.sync_state["review_comments"]["next"]
    github_repo_sync(repository_id=repository.pk)
    assert ReviewComment.objects.count() == 7
    listing = [path for path, _ in standin.state.requests if "/pulls/comments?" in path]
    pages = [int(found.group(1)) if (found := re.search(r"[?&]page=(\d+)", path)) else 1 for path in listing]
    assert pages == [1, 2, 2, 3], "the resumed sync asked for page 2 again and went on, not back to page 1"
    repository.refresh_from_db()
    assert "next" not in repository.sync_state["review_comments"]


def test_admin_lists_review_comments_and_shows_them_on_their_review(
    synced_shop: Callable[[], Repository], admin_client: Client
) -> None:
    synced_shop()
    listing = admin_client.get("/admin/evidence/reviewcomment/?q=src/module_3.py")
    assert listing.status_code == 200
    assert "src/module_3.py" in listing.content.decode()
    assert "1 review comment" in listing.content.decode()
    review = Review.objects.get(external_id="30")
    page = admin_client.get(f"/admin/evidence/review/{review.pk}/change/").content.decode()
    assert "src/module_3.py" in page
    assert "ben-bauer" in page


@pytest.mark.django_db(transaction=True)  # the command's on-commit syncs run before it prints, as in real use
def test_in_the_embedded_default_a_rate_limited_repository_does_not_stop_the_others(standin: StandinServer) -> None:
    standin.state.repos["api"] = synthetic_repo("api", pulls=2, start=START, logins=LOGINS)
    standin.state.faults.append(Fault(path=r"/repos/acme/shop/pulls$", kind="secondary-429", retry_after=30))
    out = StringIO()

    call_command("sync_github", org="acme", base_url=standin.base_url, stdout=out)

    assert "acme/shop: 14 commits, 0 pull requests; deferred (acme/shop: rate limited (429))" in out.getvalue()
    assert "acme/api: 4 commits, 2 pull requests; queued or synced" in out.getvalue()
    call_command("sync_github", org="acme", repos=["acme/shop"], base_url=standin.base_url, stdout=out)
    assert out.getvalue().endswith("acme/shop: 14 commits, 7 pull requests; queued or synced\n")
    shop = Repository.objects.get(full_name="acme/shop")
    assert shop.pull_requests.count() == 7
    assert "deferred" not in shop.sync_state


def test_force_pushed_default_branch_keeps_the_commits_that_disappeared_and_adds_the_new(
    standin: StandinServer, synced_shop: Callable[[], Repository]
) -> None:
    repository = synced_shop()
    branch = standin.state.repos["shop"].commits
    gone = branch[-2:]
    rewritten = [
        dataclasses.replace(commit, sha=hashlib.sha1(f"rewritten-{n}".encode()).hexdigest(), message=f"Rewrite {n}")  # noqa: S324 - synthetic SHAs
        for n, commit in enumerate(gone)
    ]
    rewritten[0].parents = [branch[-3].sha]
    rewritten[1].parents = [rewritten[0].sha]
    branch[-2:] = rewritten

    synced = github_repo_sync(repository_id=repository.pk)

    assert synced.commits == 2
    assert set(repository.commits.values_list("sha", flat=True)) >= {c.sha for c in gone + rewritten}
    assert repository.commits.count() == 16, "nothing stored before is lost"
    repository.refresh_from_db()
    assert repository.sync_state["commits"]["top_sha"] == rewritten[-1].sha
    assert "error" not in repository.sync_state


def long_pull_repo(commits: int) -> StandinRepo:
    """One pull request of COMMITS commits, merged with a merge commit onto a one-commit main."""

    def made(sha: str, parents: list[str], when: datetime, message: str) -> StandinCommit:
        return StandinCommit(
            sha,
            message,
            "Ada Abara",
            "ada.abara@example.com",
            when,
            "Ada Abara",
            "ada.abara@example.com",
            when,
            parents=parents,
            author_login="ada-abara",
            files=[("src/long.py", 1, 0)],
        )

    def sha_of(label: str) -> str:
        return hashlib.sha1(label.encode(), usedforsecurity=False).hexdigest()

    repo = StandinRepo(name="long")
    repo.commits.append(made(sha_of("base"), [], START, "Start"))
    for number in range(commits):
        parent = repo.commits[-1].sha
        repo.commits.append(
            made(sha_of(f"step {number}"), [parent], START + timedelta(minutes=number + 1), f"Step {number}")
        )
    branch = [commit.sha for commit in repo.commits[1:]]
    merged = START + timedelta(days=1)
    merge = made(sha_of("merge"), [repo.commits[0].sha, branch[-1]], merged, "Merge pull request #1")
    repo.commits.append(merge)
    repo.pulls.append(
        StandinPull(
            1,
            "Long work",
            "",
            "ada-abara",
            START,
            merged,
            merged_at=merged,
            closed_at=merged,
            commit_shas=branch,
            merge_commit_sha=merge.sha,
        )
    )
    return repo


def test_every_commit_of_a_pull_request_longer_than_githubs_250_listing_links_to_it(
    standin: StandinServer, settings: SettingsWrapper
) -> None:
    settings.TOKENPROOF_GITHUB_PER_PAGE = 100
    standin.state.repos["long"] = long_pull_repo(300)
    repository = Repository.objects.create(host="github", full_name="acme/long", base_url=standin.base_url)

    github_repo_sync(repository_id=repository.pk)

    pull = PullRequest.objects.get(repository=repository, number=1)
    assert pull.commits.exclude(subject="Merge pull request #1").count() == 300
    listed = [path for path, _ in standin.state.requests if path.startswith("/api/v3/repos/acme/long/pulls/1/commits")]
    assert listed, "the pull request's own listing was read first"
    assert any("/compare/" in path for path, _ in standin.state.requests)

"""The demo's repositories carry the repository side of the scenario archetypes, through the real sync path."""

from __future__ import annotations

from pathlib import Path

import pytest

from evidence.models import Commit, CommitAttribution, Issue, PullRequest, Review, ReviewComment
from reviews.demo.company import demo_people, team_engineers
from reviews.demo.repos import demo_repos_build, demo_repos_import
from reviews.models import Identity, Person

pytestmark = pytest.mark.django_db


def people_rows(seed: int) -> list[Person]:
    rows = []
    for demo in demo_people(seed=seed):
        person = Person.objects.create(name=demo.name, email=demo.email, team=demo.team)
        Identity.objects.create(person=person, kind=Identity.Kind.GITHUB_LOGIN, value=demo.github_login)
        rows.append(person)
    return rows


def test_demo_history_is_deterministic(tmp_path: Path) -> None:
    people = demo_people(seed=3)
    first = demo_repos_build(folder=tmp_path / "a", seed=3, people=people)
    second = demo_repos_build(folder=tmp_path / "b", seed=3, people=people)
    assert [pull.sha for repo in first for pull in repo.pulls] == [pull.sha for repo in second for pull in repo.pulls]


def test_demo_repositories_carry_each_archetype(tmp_path: Path) -> None:
    seed = 5
    people = demo_people(seed=seed)
    people_rows(seed)

    imported = demo_repos_import(folder=tmp_path / "repos", seed=seed, people=people)

    assert imported.repositories == 5
    _, engineers = team_engineers(people)["Payments"]
    by_email = {person.email: person for person in Person.objects.all()}
    efficient, idle, churner, non_user, reviewer, no_repo_work = (by_email[p.email] for p in engineers[:6])

    efficient_ai = Commit.objects.filter(person=efficient, attributions__isnull=False).distinct()
    assert efficient_ai.count() == 6, "one of them is a Copilot agent commit credited to the person who started it"
    assert all(commit.lines_surviving == commit.additions for commit in efficient_ai)
    assert PullRequest.objects.filter(person=efficient).count() == 6
    assert Issue.objects.filter(closed_by__person=efficient).count() == 2

    churn = Commit.objects.filter(person=churner, attributions__tool="cursor").distinct()
    assert churn.count() == 5
    assert churn.filter(reverted_by__isnull=False).count() == 2
    assert sum(commit.follow_up_fix_lines or 0 for commit in churn) == 2 * 20 + 2 * 12
    assert PullRequest.objects.filter(person=churner, reverted_by__isnull=False).count() == 2
    churn_comments = ReviewComment.objects.filter(pull_request__person=churner)
    assert churn_comments.count() == 5, "the stand-in serves one diff comment per changes-requested review"
    assert all(comment.review.state == Review.State.CHANGES_REQUESTED for comment in churn_comments)  # type: ignore[union-attr]
    assert all(comment.person is not None for comment in churn_comments), "the reviewer is resolved"

    assert Commit.objects.filter(person=non_user).count() == 4
    assert not CommitAttribution.objects.filter(commit__person=non_user).exists()

    assert PullRequest.objects.filter(person=reviewer).count() == 1
    reviewed_ai = Review.objects.filter(person=reviewer, pull_request__commits__attributions__isnull=False).distinct()
    assert reviewed_ai.count() >= 10

    assert not Commit.objects.filter(person__in=[idle, no_repo_work]).exists()
    assert imported.commits == Commit.objects.count(), "the clone filled the synced rows, no second copy"

"""Review comments from GitHub: who commented on which pull request and review, where and when; never the text."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db.models import Count

from evidence.models import PullRequest, Review, ReviewComment
from evidence.services.activity.authors import PeopleDirectory


def review_comment_store(*, pull_request: PullRequest, raw: dict[str, Any], people: PeopleDirectory) -> None:
    """Upsert one comment of GitHub's review-comment listing; its body is never read into the database.

    The comment is linked to its review, and the reviews' comment counts recounted, once per pull request
    afterwards (review_comments_link), not per comment."""
    review_external_id = str(raw.get("pull_request_review_id") or "")
    login = (raw.get("user") or {}).get("login", "")  # no user: the account was deleted
    ReviewComment.objects.update_or_create(
        pull_request=pull_request,
        external_id=str(raw["id"]),
        defaults={
            "review_external_id": review_external_id,
            "author_login": login,
            "person_id": people.by_email_or_login(login=login) if login else None,
            "created_at": datetime.fromisoformat(raw["created_at"]),
            "updated_at": datetime.fromisoformat(raw["updated_at"]),
            "in_reply_to_external_id": str(raw.get("in_reply_to_id") or ""),
            "path": (raw.get("path") or "")[:1024],
        },
    )


def review_comments_link(*, pull_request: PullRequest) -> None:
    """Attach comments synced before their review was, then recount each of the pull request's reviews."""
    reviews = dict(pull_request.reviews.values_list("external_id", "pk"))
    unlinked = pull_request.review_comments.filter(review__isnull=True, review_external_id__in=list(reviews))
    for external_id in set(unlinked.values_list("review_external_id", flat=True)):
        unlinked.filter(review_external_id=external_id).update(review_id=reviews[external_id])
    review_comment_counts_refresh(review_ids=list(reviews.values()))


def review_comment_counts_refresh(*, review_ids: list[int]) -> None:
    """Review.comment_count is derived from the ReviewComment rows, so it never drifts from them."""
    counts = dict(
        ReviewComment.objects.filter(review_id__in=review_ids)
        .values("review_id")
        .annotate(count=Count("pk"))
        .values_list("review_id", "count")
    )
    for review_id in review_ids:
        count = counts.get(review_id, 0)
        Review.objects.filter(pk=review_id).exclude(comment_count=count).update(comment_count=count)

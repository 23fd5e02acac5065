"""Repository activity: repositories, commits, pull requests, reviews and their comments, issues, AI attribution."""

from __future__ import annotations

from typing import Any, ClassVar

from django.db import models
from django.db.models import Q

from reviews.models import Person


class Repository(models.Model):
    class Host(models.TextChoices):
        GITHUB = "github", "GitHub (or GitHub Enterprise)"
        LOCAL = "local", "Local git repository"

    host = models.CharField(max_length=16, choices=Host.choices)
    full_name = models.CharField(
        max_length=255,
        help_text="owner/name on GitHub; for local git the origin URL's owner/name, else the folder name (display only)",
    )
    identity = models.CharField(
        max_length=512,
        blank=True,
        help_text="what the repository is, never its folder: github.com/owner/name (the GitHub full name or the "
        "normalised origin URL), else root:<root commit SHA>; empty until first synced or imported",
    )
    base_url = models.CharField(max_length=255, blank=True, help_text="the API base URL for GitHub Enterprise")
    local_path = models.CharField(max_length=1024, blank=True)
    default_branch = models.CharField(max_length=255, blank=True)
    sync_state = models.JSONField(
        default=dict, blank=True, help_text="per-resource cursors and ETags so an interrupted sync resumes"
    )
    last_synced_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name_plural = "repositories"
        constraints: ClassVar[list[Any]] = [
            # Local clones of unrelated repositories may share a folder name: only GitHub's names are unique.
            models.UniqueConstraint(
                fields=["host", "full_name"], condition=Q(host="github"), name="repository_github_unique"
            ),
            models.UniqueConstraint(fields=["identity"], condition=~Q(identity=""), name="repository_identity_unique"),
        ]

    def __str__(self) -> str:
        return self.full_name


class Commit(models.Model):
    repository = models.ForeignKey(Repository, on_delete=models.CASCADE, related_name="commits")
    sha = models.CharField(max_length=40)
    parents = models.JSONField(default=list, blank=True)
    author_name = models.CharField(max_length=255)
    author_email = models.CharField(max_length=255, blank=True)
    author_login = models.CharField(max_length=255, blank=True)
    committer_name = models.CharField(max_length=255, blank=True)
    committer_email = models.CharField(max_length=255, blank=True)
    authored_at = models.DateTimeField()
    committed_at = models.DateTimeField()
    subject = models.CharField(max_length=1000)
    trailers = models.JSONField(
        default=list,
        blank=True,
        help_text="[[key, value], …]: every `Key: value` line of the message, wherever it stands",
    )
    committed_by_tool = models.CharField(
        max_length=40,
        blank=True,
        help_text="the tool named by the committer identity: a weak signal that a tool made the commit, never that "
        "it wrote the lines",
    )
    additions = models.PositiveIntegerField(default=0)
    deletions = models.PositiveIntegerField(default=0)
    files_changed = models.PositiveIntegerField(default=0)
    touches_tests = models.BooleanField(default=False)
    person = models.ForeignKey(
        Person,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="commits",
        help_text="the human credited: the author, or for agent-authored work the human who started it",
    )
    co_authors = models.ManyToManyField(
        Person,
        blank=True,
        related_name="co_authored_commits",
        help_text="human co-authors (`Co-authored-by:` lines, e.g. of a squash commit) credited besides the person",
    )
    reverts = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="reverted_by",
        help_text="the commit this one reverts",
    )
    lines_surviving = models.PositiveIntegerField(
        null=True, blank=True, help_text="added lines still present at the last durability measurement (git blame)"
    )
    survival_measured_at = models.DateTimeField(null=True, blank=True)
    follow_up_fix_lines = models.PositiveIntegerField(
        null=True, blank=True, help_text="added lines changed again within 21 days"
    )
    is_present = models.BooleanField(default=True, help_text="false once the commit left the history (force-push)")
    on_default_branch = models.BooleanField(
        default=True,
        help_text="reachable from the default branch: an outcome; false for work in progress on other branches "
        "(and a squash-merged branch left behind)",
    )
    lines_moved = models.PositiveIntegerField(
        null=True,
        blank=True,
        help_text="lines deleted in one place and added identically elsewhere, renamed files whole (local git only)",
    )

    class Meta:
        constraints: ClassVar[list[Any]] = [
            models.UniqueConstraint(fields=["repository", "sha"], name="commit_unique"),
        ]
        indexes: ClassVar[list[Any]] = [models.Index(fields=["person", "committed_at"])]

    def __str__(self) -> str:
        return f"{self.repository}@{self.sha[:10]}"


class PullRequest(models.Model):
    class State(models.TextChoices):
        OPEN = "open", "Open"
        MERGED = "merged", "Merged"
        CLOSED = "closed", "Closed unmerged"

    repository = models.ForeignKey(Repository, on_delete=models.CASCADE, related_name="pull_requests")
    number = models.PositiveIntegerField()
    title = models.CharField(max_length=1000)
    body_markers = models.JSONField(
        default=list, blank=True, help_text="AI markers found in the body (e.g. 'Generated with Claude Code')"
    )
    author_login = models.CharField(max_length=255)
    person = models.ForeignKey(
        Person,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="pull_requests",
        help_text="the human credited: the opener, or for an agent's PR the human who started it",
    )
    state = models.CharField(max_length=16, choices=State.choices)
    created_at = models.DateTimeField()
    merged_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    additions = models.PositiveIntegerField(default=0)
    deletions = models.PositiveIntegerField(default=0)
    changed_files = models.PositiveIntegerField(default=0)
    touches_tests = models.BooleanField(default=False)
    labels = models.JSONField(default=list, blank=True)
    linked_issue_numbers = models.JSONField(default=list, blank=True, help_text="issues closed via 'fixes #n'")
    commits = models.ManyToManyField(Commit, blank=True, related_name="pull_requests")
    reverts = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="reverted_by",
        help_text="the pull request this one reverts",
    )
    updated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints: ClassVar[list[Any]] = [
            models.UniqueConstraint(fields=["repository", "number"], name="pull_request_unique"),
        ]
        indexes: ClassVar[list[Any]] = [models.Index(fields=["person", "created_at"])]

    def __str__(self) -> str:
        return f"{self.repository}#{self.number}"


class Review(models.Model):
    class State(models.TextChoices):
        APPROVED = "approved", "Approved"
        CHANGES_REQUESTED = "changes_requested", "Changes requested"
        COMMENTED = "commented", "Commented"
        DISMISSED = "dismissed", "Dismissed"

    pull_request = models.ForeignKey(PullRequest, on_delete=models.CASCADE, related_name="reviews")
    external_id = models.CharField(max_length=64)
    reviewer_login = models.CharField(max_length=255)
    person = models.ForeignKey(Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="reviews_given")
    state = models.CharField(max_length=24, choices=State.choices)
    submitted_at = models.DateTimeField()
    comment_count = models.PositiveIntegerField(default=0, help_text="its ReviewComment rows, counted at each sync")

    class Meta:
        constraints: ClassVar[list[Any]] = [
            models.UniqueConstraint(fields=["pull_request", "external_id"], name="review_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.pull_request} review by {self.reviewer_login}"


class ReviewComment(models.Model):
    """A comment on a pull request's diff: who wrote it, where and when. Its text is never stored (privacy)."""

    pull_request = models.ForeignKey(PullRequest, on_delete=models.CASCADE, related_name="review_comments")
    external_id = models.CharField(max_length=64, help_text="GitHub's comment id")
    review = models.ForeignKey(
        Review, null=True, blank=True, on_delete=models.SET_NULL, related_name="comments", help_text="when known"
    )
    review_external_id = models.CharField(
        max_length=64, blank=True, help_text="GitHub's pull_request_review_id, kept to link a review synced later"
    )
    author_login = models.CharField(max_length=255, blank=True, help_text="empty for a deleted account")
    person = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="review_comments_written"
    )
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()
    in_reply_to_external_id = models.CharField(
        max_length=64, blank=True, help_text="the comment this one answers, when it is a reply"
    )
    path = models.CharField(max_length=1024, blank=True, help_text="the file commented on")

    class Meta:
        constraints: ClassVar[list[Any]] = [
            models.UniqueConstraint(fields=["pull_request", "external_id"], name="review_comment_unique"),
        ]
        indexes: ClassVar[list[Any]] = [models.Index(fields=["person", "created_at"])]

    def __str__(self) -> str:
        return f"{self.pull_request} comment by {self.author_login or 'a deleted account'}"


class Issue(models.Model):
    repository = models.ForeignKey(Repository, on_delete=models.CASCADE, related_name="issues")
    number = models.PositiveIntegerField()
    title = models.CharField(max_length=1000)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        PullRequest, null=True, blank=True, on_delete=models.SET_NULL, related_name="closed_issues"
    )

    class Meta:
        constraints: ClassVar[list[Any]] = [
            models.UniqueConstraint(fields=["repository", "number"], name="issue_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.repository} issue #{self.number}"


class AttributionRule(models.Model):
    """One rung of the attribution ladder, as data an admin can extend. Strongest kinds first."""

    class Kind(models.TextChoices):
        TOOL_SHA = "tool_sha", "SHA reported by a tool"
        AGENT_IDENTITY = "agent_identity", "Agent as author"
        COAUTHOR_TRAILER = "coauthor_trailer", "Co-author trailer"
        SESSION_TRAILER = "session_trailer", "Session trailer"
        SUBJECT_PREFIX = "subject_prefix", "Subject prefix"
        PR_MARKER = "pr_marker", "Pull request label or body marker"

    name = models.CharField(max_length=80, unique=True)
    kind = models.CharField(max_length=24, choices=Kind.choices)
    pattern = models.CharField(max_length=500, help_text="a case-insensitive regular expression")
    tool = models.CharField(max_length=40)
    confidence = models.FloatField()
    enabled = models.BooleanField(default=True)

    class Meta:
        constraints: ClassVar[list[Any]] = [
            models.CheckConstraint(condition=Q(confidence__gte=0, confidence__lte=1), name="rule_confidence_0_to_1"),
        ]

    def __str__(self) -> str:
        return self.name


class CommitAttribution(models.Model):
    """A rule that matched a commit. A commit with no attribution is *unknown*, never *human*."""

    commit = models.ForeignKey(Commit, on_delete=models.CASCADE, related_name="attributions")
    rule = models.ForeignKey(AttributionRule, null=True, blank=True, on_delete=models.SET_NULL)
    rule_name = models.CharField(max_length=80, help_text="kept if the rule is later removed")
    kind = models.CharField(max_length=24, choices=AttributionRule.Kind.choices)
    tool = models.CharField(max_length=40)
    confidence = models.FloatField()
    ai_lines = models.PositiveIntegerField(
        null=True, blank=True, help_text="AI-written lines when the tool reports them"
    )
    evidence = models.CharField(max_length=500, blank=True, help_text="what matched, e.g. the trailer line")

    class Meta:
        constraints: ClassVar[list[Any]] = [
            models.UniqueConstraint(fields=["commit", "rule_name"], name="commit_attribution_unique"),
            models.CheckConstraint(
                condition=Q(confidence__gte=0, confidence__lte=1), name="attribution_confidence_0_to_1"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.commit} ← {self.rule_name}"


class GitHubConnection(models.Model):
    """An organisation to sync, with its API base URL and, optionally, its token encrypted under TOKENPROOF_FIELD_KEY."""

    org = models.CharField(max_length=255)
    base_url = models.CharField(max_length=255, default="https://api.github.com")
    token_encrypted = models.TextField(
        blank=True, help_text="Fernet token under TOKENPROOF_FIELD_KEY (never SECRET_KEY); never stored in plain text"
    )
    enabled = models.BooleanField(default=True, help_text="included in the nightly sync")

    class Meta:
        constraints: ClassVar[list[Any]] = [
            models.UniqueConstraint(fields=["org", "base_url"], name="github_connection_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.org} @ {self.base_url}"

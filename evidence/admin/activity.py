"""Admin for repository activity: repositories and their sync state, commits with attributions, reviews with their
comments, the ladder's rules."""

from __future__ import annotations

from django.contrib import admin

from evidence.models import (
    AttributionRule,
    Commit,
    CommitAttribution,
    GitHubConnection,
    Issue,
    PullRequest,
    Repository,
    Review,
    ReviewComment,
)


@admin.register(Repository)
class RepositoryAdmin(admin.ModelAdmin[Repository]):
    list_display = ("full_name", "host", "base_url", "default_branch", "last_synced_at")
    list_filter = ("host",)
    search_fields = ("full_name",)
    readonly_fields = ("sync_state", "last_synced_at")


class CommitAttributionInline(admin.TabularInline[CommitAttribution, Commit]):
    model = CommitAttribution
    extra = 0
    fields = ("rule_name", "kind", "tool", "confidence", "ai_lines", "evidence")
    readonly_fields = fields


@admin.register(Commit)
class CommitAdmin(admin.ModelAdmin[Commit]):
    list_display = (
        "sha",
        "repository",
        "author_name",
        "person",
        "committed_at",
        "additions",
        "committed_by_tool",
        "is_present",
    )
    list_filter = ("is_present", "repository", "attributions__kind", "committed_by_tool")
    search_fields = ("sha", "author_email", "subject")
    raw_id_fields = ("person", "co_authors", "reverts", "repository")
    inlines = (CommitAttributionInline,)


@admin.register(PullRequest)
class PullRequestAdmin(admin.ModelAdmin[PullRequest]):
    list_display = ("number", "repository", "title", "author_login", "person", "state", "merged_at")
    list_filter = ("state", "repository")
    search_fields = ("title", "author_login")
    raw_id_fields = ("person", "reverts", "repository", "commits")


class ReviewCommentInline(admin.TabularInline[ReviewComment, Review]):
    model = ReviewComment
    extra = 0
    fields = ("author_login", "person", "path", "created_at", "updated_at", "in_reply_to_external_id")
    readonly_fields = fields


@admin.register(Review)
class ReviewAdmin(admin.ModelAdmin[Review]):
    list_display = ("pull_request", "reviewer_login", "person", "state", "submitted_at", "comment_count")
    list_filter = ("state",)
    raw_id_fields = ("pull_request", "person")
    inlines = (ReviewCommentInline,)


@admin.register(ReviewComment)
class ReviewCommentAdmin(admin.ModelAdmin[ReviewComment]):
    """Who commented where and when; the comment's text is never stored."""

    list_display = ("pull_request", "author_login", "person", "review", "path", "created_at", "updated_at")
    list_filter = ("pull_request__repository",)
    search_fields = ("author_login", "path")
    raw_id_fields = ("pull_request", "review", "person")


@admin.register(Issue)
class IssueAdmin(admin.ModelAdmin[Issue]):
    list_display = ("number", "repository", "title", "closed_at", "closed_by")
    raw_id_fields = ("repository", "closed_by")


@admin.register(AttributionRule)
class AttributionRuleAdmin(admin.ModelAdmin[AttributionRule]):
    """Admins extend the ladder here; a rule change applies to commits imported or synced afterwards."""

    list_display = ("name", "kind", "pattern", "tool", "confidence", "enabled")
    list_filter = ("kind", "enabled")
    list_editable = ("enabled",)


@admin.register(GitHubConnection)
class GitHubConnectionAdmin(admin.ModelAdmin[GitHubConnection]):
    """The token is never shown: store or replace it with `sync_github --org ORG --store-token`."""

    list_display = ("org", "base_url", "enabled", "token_stored")
    exclude = ("token_encrypted",)

    @admin.display(boolean=True, description="token stored (encrypted)")
    def token_stored(self, connection: GitHubConnection) -> bool:
        return bool(connection.token_encrypted)

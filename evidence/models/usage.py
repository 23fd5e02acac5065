"""Imported AI usage: what the providers and tools report, normalised."""

from __future__ import annotations

from typing import Any, ClassVar

from django.db import models

from reviews.models import Person


class ToolReportedCommit(models.Model):
    """A commit SHA that an AI tool itself reported (Cursor AI code tracking, Claude Code git_commit_id, git-ai).

    The strongest attribution signal: the repository-activity side reads these rows to attribute commits.
    """

    source = models.CharField(max_length=40, help_text="the importer's --source name, e.g. cursor-commits")
    sha = models.CharField(max_length=40)
    repository_name = models.CharField(max_length=255, blank=True, help_text="as the tool names it, e.g. org/repo")
    tool = models.CharField(max_length=40, help_text="cursor, claude-code, …")
    person = models.ForeignKey(Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    actor = models.CharField(max_length=255, blank=True, help_text="the source's user identifier, kept when unresolved")
    ai_lines_added = models.PositiveIntegerField(null=True, blank=True)
    human_lines_added = models.PositiveIntegerField(null=True, blank=True)
    session_id = models.CharField(max_length=128, blank=True)
    committed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints: ClassVar[list[Any]] = [
            models.UniqueConstraint(fields=["source", "sha"], name="tool_reported_commit_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.tool}:{self.sha[:10]}"

"""Links between AI usage and work items, each with its reason and confidence."""

from __future__ import annotations

from typing import Any, ClassVar

from django.db import models
from django.db.models import Q

from evidence.models.activity import Commit, PullRequest
from evidence.models.usage import UsageFact, UsageSession
from reviews.models import Person


class WorkLink(models.Model):
    class Reason(models.TextChoices):
        COMMIT_SHA = "commit_sha", "The tool reported this commit"
        SESSION = "session", "Same session id"
        TRAILER = "trailer", "An AI trailer or marker on the commit"
        SAME_DAY = "same_day", "AI coding tool active on the commit's day"
        DAYS_BEFORE = "days_before", "AI coding tool active in the 5 working days before the commit"
        PR_SPAN = "pr_span", "AI coding tool active from the PR's first commit to its merge, or just before"

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="work_links")
    usage_fact = models.ForeignKey(UsageFact, null=True, blank=True, on_delete=models.CASCADE, related_name="links")
    session = models.ForeignKey(UsageSession, null=True, blank=True, on_delete=models.CASCADE, related_name="links")
    commit = models.ForeignKey(Commit, null=True, blank=True, on_delete=models.CASCADE, related_name="links")
    pull_request = models.ForeignKey(PullRequest, null=True, blank=True, on_delete=models.CASCADE, related_name="links")
    reason = models.CharField(max_length=16, choices=Reason.choices)
    confidence = models.FloatField()

    class Meta:
        constraints: ClassVar[list[Any]] = [
            models.CheckConstraint(
                condition=Q(commit__isnull=False) | Q(pull_request__isnull=False), name="work_link_has_work_item"
            ),
            models.CheckConstraint(condition=Q(confidence__gte=0, confidence__lte=1), name="work_link_confidence"),
        ]

    def __str__(self) -> str:
        return f"{self.person_id} {self.reason} {self.commit_id or self.pull_request_id}"

"""Stored evidence facts: one snapshot per person and cycle, and the cycle-wide builds that write them."""

from __future__ import annotations

from typing import Any, ClassVar

from django.db import models
from django.db.models import F, Q

from reviews.models import Person, ReviewCycle


class FactsBuild(models.Model):
    """One cycle-wide build of everyone's facts. Progress lives here, moved with F() by the chunk tasks."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        DONE = "done", "Done"
        PARTIAL = "partial", "Done with failures"

    TERMINAL: ClassVar[set[str]] = {Status.DONE, Status.PARTIAL}

    cycle = models.ForeignKey(ReviewCycle, on_delete=models.CASCADE, related_name="facts_builds")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.QUEUED)
    total = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)
    failed = models.PositiveIntegerField(default=0)
    chunk_size = models.PositiveIntegerField(default=100)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering: ClassVar[list[str]] = ["-created_at"]
        constraints: ClassVar[list[Any]] = [
            models.CheckConstraint(condition=Q(done__lte=F("total")), name="facts_build_done_within_total"),
        ]

    def __str__(self) -> str:
        return f"{self.cycle} facts build {self.pk} ({self.status})"


class EvidenceFacts(models.Model):
    """The latest facts JSON for one person and cycle. Rebuilding replaces it: one row per pair, never two.

    `cost_per_merged_ai_pr_usd` is kept beside the JSON so the team band can take a median across a team without
    reading every teammate's JSON; it is never used to order people.
    """

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="evidence_facts")
    cycle = models.ForeignKey(ReviewCycle, on_delete=models.CASCADE, related_name="evidence_facts")
    build = models.ForeignKey(FactsBuild, null=True, blank=True, on_delete=models.SET_NULL, related_name="facts")
    facts = models.JSONField()
    team = models.CharField(max_length=120, blank=True)
    cost_per_merged_ai_pr_usd = models.FloatField(null=True, blank=True)
    built_at = models.DateTimeField()

    class Meta:
        verbose_name_plural = "evidence facts"
        constraints: ClassVar[list[Any]] = [
            models.UniqueConstraint(fields=["person", "cycle"], name="evidence_facts_once_per_person_and_cycle"),
        ]
        indexes: ClassVar[list[Any]] = [models.Index(fields=["cycle", "team"])]

    def __str__(self) -> str:
        return f"facts {self.person_id} / {self.cycle_id}"

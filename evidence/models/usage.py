"""Imported AI usage: import batches, raw source records, source actors, and the canonical usage facts."""

from __future__ import annotations

from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Q
from django.db.models.deletion import Collector

from reviews.models import Person

# BULK_WRITTEN: raw records and facts are written in bulk by the usage import only, with ids it has just read or
# created in the same transaction. On PostgreSQL a foreign-key constraint checks each such row again at commit, a
# cost docs/benchmarks.md measures, so these columns have none. Deleting a batch, actor or person
# through Django still runs their on_delete rules, and tests/evidence/test_usage_fact_relations.py checks it.


class ImportBatch(models.Model):
    """One file given to one importer. A rejected batch stores nothing else: files import all or nothing."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        DONE = "done", "Done"
        REJECTED = "rejected", "Rejected"

    source = models.CharField(max_length=40, help_text="the importer's --source name")
    file_name = models.CharField(max_length=255)
    file_sha256 = models.CharField(max_length=64)
    size_bytes = models.BigIntegerField(default=0)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.QUEUED)
    read = models.PositiveIntegerField(default=0)
    created = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)
    rejected = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True, help_text="file, row and reason when the batch was rejected")
    summary = models.JSONField(default=dict, blank=True, help_text="tokens by kind and cost of the file's facts")
    imported_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering: ClassVar[list[str]] = ["-started_at"]
        indexes: ClassVar[list[Any]] = [models.Index(fields=["source", "file_sha256"])]

    def __str__(self) -> str:
        return f"{self.source}: {self.file_name} ({self.status})"


class PayloadField(models.JSONField):
    """A JSON object stored as the text it was given: PostgreSQL's `json`, not `jsonb`.

    Raw records are written once per import and read back whole, never queried inside, so jsonb's binary form
    buys nothing and costs its parsing on every copy (docs/benchmarks.md).
    """

    def db_type(self, connection: BaseDatabaseWrapper) -> str | None:
        return "json" if connection.vendor == "postgresql" else super().db_type(connection)

    def from_db_value(self, value: Any, expression: Any, connection: BaseDatabaseWrapper) -> Any:
        # psycopg parses `json` itself; Django's own parsing is only for the text that jsonb arrives as
        return (
            value
            if value is None or not isinstance(value, str)
            else super().from_db_value(value, expression, connection)
        )


class RawRecord(models.Model):
    """A source record as the provider gave it, minus prompt and response text, keyed on its natural key."""

    source = models.CharField(max_length=40)
    natural_key = models.CharField(max_length=255)
    # No database constraint (BULK_WRITTEN, above); Django's PROTECT still guards batches from deletion
    batch = models.ForeignKey(ImportBatch, on_delete=models.PROTECT, related_name="raw_records", db_constraint=False)
    payload = PayloadField()
    payload_sha256 = models.CharField(max_length=64)
    contribution = models.TextField(
        blank=True,
        default="",
        help_text=(
            "the facts this record added, as written (evidence.services.usage.contributions): a revision subtracts "
            "exactly these; empty for records stored before contributions were kept"
        ),
    )
    first_seen_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints: ClassVar[list[Any]] = [
            # the key leads: an import looks up a chunk's keys with one index probe each, and the planner keeps
            # to that even while the import's own rows are missing from the table's statistics
            models.UniqueConstraint(fields=["natural_key", "source"], name="raw_record_natural_key"),
        ]

    def __str__(self) -> str:
        return f"{self.source}:{self.natural_key}"


def unresolve_actors(collector: Collector, field: models.Field[Any, Any], sub_objs: Any, using: str) -> None:
    """on_delete for an actor's person: the actors become unresolved identities again, their facts kept.

    SET_NULL would leave an actor owned by a person naming nobody, which the table's check forbids, and the
    deletion collector changes one column per statement; so both columns change in one UPDATE here, as the
    deletion is collected (the admin deletes inside a transaction, which keeps the two together).
    """
    SourceActor.objects.using(using).filter(pk__in=[actor.pk for actor in sub_objs]).update(
        person=None, owner=SourceActor.Owner.UNRESOLVED
    )


class SourceActor(models.Model):
    """Who a source says did something: an email, provider user id, API key, login or OTel account.

    Facts point here and carry the resolved person beside it; mapping an actor later re-links its facts.
    """

    class Owner(models.TextChoices):
        PERSON = "person", "A person"
        AUTOMATION = "automation", "Automation (API keys, service accounts, bots)"
        UNRESOLVED = "unresolved", "Unresolved"

    kind = models.CharField(max_length=24, help_text="one of reviews.Identity.Kind")
    value = models.CharField(max_length=255)
    provider = models.CharField(max_length=40, blank=True, help_text="anthropic, openai, github, cursor, …")
    display = models.CharField(max_length=255, blank=True)
    owner = models.CharField(max_length=16, choices=Owner.choices, default=Owner.UNRESOLVED)
    person = models.ForeignKey(Person, null=True, blank=True, on_delete=unresolve_actors, related_name="source_actors")

    class Meta:
        constraints: ClassVar[list[Any]] = [
            models.UniqueConstraint(fields=["kind", "provider", "value"], name="source_actor_unique"),
            models.CheckConstraint(
                condition=Q(owner="person", person__isnull=False) | (~Q(owner="person") & Q(person__isnull=True)),
                name="source_actor_person_iff_owned_by_person",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.provider}:{self.kind}:{self.value}"


class UsageFact(models.Model):
    """Tokens and cost for one actor, day, tool and model. Token kinds stay separate."""

    class CostBasis(models.TextChoices):
        REPORTED = "reported", "Reported by the source"
        PRICE_TABLE = "price_table", "Computed from the price table"
        UNKNOWN = "unknown", "No cost known"

    source = models.CharField(max_length=40)
    # No single-column indexes: the natural key starts with the actor, and the (person, day) index serves person.
    # No database constraints either (BULK_WRITTEN): Django's PROTECT and SET_NULL still apply to ORM deletes.
    actor = models.ForeignKey(
        SourceActor, on_delete=models.PROTECT, related_name="usage_facts", db_index=False, db_constraint=False
    )
    person = models.ForeignKey(
        Person,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="usage_facts",
        db_index=False,
        db_constraint=False,
    )
    day = models.DateField()
    provider = models.CharField(max_length=40)
    tool = models.CharField(max_length=60, help_text="product or tool: claude-code, copilot, cursor, api, …")
    model = models.CharField(max_length=120, blank=True)
    dimension = models.CharField(
        max_length=255, blank=True, help_text="the rest of the source's grouping key (project, key, terminal, …)"
    )
    purpose = models.CharField(
        max_length=255,
        blank=True,
        help_text="what the tokens were for, as the source labels it: attribute=value pairs joined by '|'",
    )
    repository_name = models.CharField(max_length=255, blank=True)
    input_uncached = models.BigIntegerField(default=0)
    cache_read = models.BigIntegerField(default=0)
    cache_write = models.BigIntegerField(default=0)
    output = models.BigIntegerField(default=0)
    requests = models.BigIntegerField(default=0)
    cost_usd = models.DecimalField(max_digits=14, decimal_places=6, null=True, blank=True)
    cost_basis = models.CharField(max_length=16, choices=CostBasis.choices, default=CostBasis.UNKNOWN)

    class Meta:
        constraints: ClassVar[list[Any]] = [
            models.UniqueConstraint(
                fields=["actor", "source", "day", "tool", "model", "dimension", "purpose"],
                name="usage_fact_natural_key",
            ),
            models.CheckConstraint(
                condition=Q(
                    input_uncached__gte=0, cache_read__gte=0, cache_write__gte=0, output__gte=0, requests__gte=0
                ),
                name="usage_fact_counts_not_negative",
            ),
        ]
        indexes: ClassVar[list[Any]] = [models.Index(fields=["person", "day"])]

    def __str__(self) -> str:
        return f"{self.source} {self.day} {self.actor_id} {self.model}"


class ToolOutcomeFact(models.Model):
    """What a tool reports came of its use on a day: sessions, lines, commits, PRs, accepted and rejected edits."""

    class Metric(models.TextChoices):
        SESSIONS = "sessions", "Sessions"
        LINES_ADDED = "lines_added", "Lines added"
        LINES_REMOVED = "lines_removed", "Lines removed"
        COMMITS = "commits", "Commits"
        PULL_REQUESTS = "pull_requests", "Pull requests"
        EDITS_ACCEPTED = "edits_accepted", "Edits accepted"
        EDITS_REJECTED = "edits_rejected", "Edits rejected"
        SUGGESTIONS_SHOWN = "suggestions_shown", "Suggestions shown"
        SUGGESTIONS_ACCEPTED = "suggestions_accepted", "Suggestions accepted"
        LINES_SUGGESTED = "lines_suggested", "Lines suggested"
        LINES_ACCEPTED = "lines_accepted", "Lines accepted"
        CHAT_REQUESTS = "chat_requests", "Chat requests"
        AGENT_REQUESTS = "agent_requests", "Agent requests"

    source = models.CharField(max_length=40)
    # as on UsageFact: no single-column indexes, no database constraints (BULK_WRITTEN)
    actor = models.ForeignKey(
        SourceActor, on_delete=models.PROTECT, related_name="outcome_facts", db_index=False, db_constraint=False
    )
    person = models.ForeignKey(
        Person,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="outcome_facts",
        db_index=False,
        db_constraint=False,
    )
    day = models.DateField()
    tool = models.CharField(max_length=60)
    metric = models.CharField(max_length=32, choices=Metric.choices)
    value = models.BigIntegerField()

    class Meta:
        constraints: ClassVar[list[Any]] = [
            models.UniqueConstraint(
                fields=["actor", "source", "day", "tool", "metric"], name="outcome_fact_natural_key"
            ),
            models.CheckConstraint(condition=Q(value__gte=0), name="outcome_fact_value_not_negative"),
        ]
        indexes: ClassVar[list[Any]] = [models.Index(fields=["person", "day"])]

    def __str__(self) -> str:
        return f"{self.source} {self.day} {self.metric}={self.value}"


class UsageSession(models.Model):
    """A tool session rolled up from per-request records (OTel events, gateway logs): no finer timeline is kept."""

    source = models.CharField(max_length=40)
    session_id = models.CharField(max_length=128)
    actor = models.ForeignKey(SourceActor, on_delete=models.PROTECT, related_name="sessions")
    person = models.ForeignKey(Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="usage_sessions")
    tool = models.CharField(max_length=60)
    repository_name = models.CharField(max_length=255, blank=True)
    started_at = models.DateTimeField()
    ended_at = models.DateTimeField()
    requests = models.PositiveIntegerField(default=0)
    prompts = models.PositiveIntegerField(default=0, help_text="how many prompts (prompt.id groups), never their text")
    input_uncached = models.BigIntegerField(default=0)
    cache_read = models.BigIntegerField(default=0)
    cache_write = models.BigIntegerField(default=0)
    output = models.BigIntegerField(default=0)
    cost_usd = models.DecimalField(max_digits=14, decimal_places=6, null=True, blank=True)
    edits_accepted = models.PositiveIntegerField(default=0)
    edits_rejected = models.PositiveIntegerField(default=0)
    tool_calls = models.JSONField(default=dict, blank=True, help_text="tool name → count, e.g. {'Read': 12, 'Edit': 3}")
    commit_shas = models.JSONField(default=list, blank=True)

    class Meta:
        constraints: ClassVar[list[Any]] = [
            models.UniqueConstraint(fields=["source", "session_id"], name="usage_session_unique"),
            models.CheckConstraint(condition=Q(ended_at__gte=models.F("started_at")), name="usage_session_ordered"),
        ]
        indexes: ClassVar[list[Any]] = [models.Index(fields=["person", "started_at"])]

    def __str__(self) -> str:
        return f"{self.source}:{self.session_id}"


class PriceEntry(models.Model):
    """A model's list price per million tokens, by kind, from a date. Used only where a source gives no cost."""

    model = models.CharField(max_length=120)
    valid_from = models.DateField()
    input_per_mtok = models.DecimalField(max_digits=10, decimal_places=4)
    cache_read_per_mtok = models.DecimalField(max_digits=10, decimal_places=4)
    cache_write_per_mtok = models.DecimalField(max_digits=10, decimal_places=4)
    output_per_mtok = models.DecimalField(max_digits=10, decimal_places=4)

    class Meta:
        verbose_name_plural = "price entries"
        constraints: ClassVar[list[Any]] = [
            models.UniqueConstraint(fields=["model", "valid_from"], name="price_entry_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.model} from {self.valid_from}"


class ToolReportedCommit(models.Model):
    """A commit SHA that an AI tool itself reported (Cursor AI code tracking, Claude Code git_commit_id, git-ai).

    The strongest attribution signal: the repository-activity side reads these rows to attribute commits.
    """

    source = models.CharField(max_length=40, help_text="the importer's --source name, e.g. cursor-commits")
    sha = models.CharField(max_length=40)
    repository_name = models.CharField(max_length=255, blank=True, help_text="as the tool names it, e.g. org/repo")
    tool = models.CharField(max_length=40, help_text="cursor, claude-code, …")
    actor = models.ForeignKey(SourceActor, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey(Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
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


class Purpose(models.Model):
    """What tokens were for, in the company's words: a short list admins edit (feature work, review, incident, …)."""

    name = models.CharField(max_length=64, unique=True)
    description = models.CharField(max_length=255, blank=True)

    class Meta:
        ordering: ClassVar[list[str]] = ["name"]

    def __str__(self) -> str:
        return self.name


class PurposeLabel(models.Model):
    """One `attribute=value` pair a source labels usage with (a tag, team, project, workspace or key name).

    Imports record every pair they meet; an admin maps pairs to purposes. An unmapped pair stays as it is.
    """

    attribute = models.CharField(max_length=64, help_text="the source's field: request_tags, team_id, project_id, …")
    value = models.CharField(max_length=64)
    name = models.CharField(max_length=255, blank=True, help_text="as the provider names it (OpenAI project names)")
    purpose = models.ForeignKey(Purpose, null=True, blank=True, on_delete=models.SET_NULL, related_name="labels")

    class Meta:
        ordering: ClassVar[list[str]] = ["attribute", "value"]
        constraints: ClassVar[list[Any]] = [
            models.UniqueConstraint(fields=["attribute", "value"], name="purpose_label_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.attribute}={self.value}"

"""The bottom layer: people and the org chart, identities, review cycles, packet runs and the audit log."""

from __future__ import annotations

from datetime import date
from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Length
from django.db.models.lookups import LessThanOrEqual


def _within(field: str, limit: int) -> LessThanOrEqual[int]:
    """A text field's length (characters) within a limit, as a database check."""
    return LessThanOrEqual(Length(field), limit)


class PersonQuerySet(models.QuerySet["Person"]):
    def employed_during(self, *, start: date, end: date) -> PersonQuerySet:
        """Everyone employed for at least one day of start…end (both included); a missing date is open-ended.

        A review cycle's population: people who joined or left during it are in it, for the days they were there.
        """
        return self.filter(
            (Q(employed_from__isnull=True) | Q(employed_from__lte=end))
            & (Q(employed_to__isnull=True) | Q(employed_to__gte=start))
        )


class Person(models.Model):
    """An employee. The org chart is the manager link; a manager is anyone with reports."""

    class Role(models.TextChoices):
        EMPLOYEE = "employee", "Employee"
        HR = "hr", "HR / people-ops"
        ADMIN = "admin", "Admin / IT"

    email = models.EmailField(unique=True, help_text="Work email, stored lower-case.")
    name = models.CharField(max_length=200)
    team = models.CharField(max_length=120, blank=True)
    manager = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="reports")
    role = models.CharField(max_length=16, choices=Role.choices, default=Role.EMPLOYEE)
    employed_from = models.DateField(null=True, blank=True)
    employed_to = models.DateField(null=True, blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="person"
    )

    objects = PersonQuerySet.as_manager()

    class Meta:
        ordering: ClassVar[list[str]] = ["name", "email"]
        constraints: ClassVar[list[Any]] = [
            models.CheckConstraint(condition=~Q(manager=F("pk")), name="person_not_own_manager"),
            models.CheckConstraint(
                condition=Q(employed_to__isnull=True)
                | Q(employed_from__isnull=True)
                | Q(employed_to__gte=F("employed_from")),
                name="person_employment_dates_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} <{self.email}>"

    @property
    def is_hr_or_admin(self) -> bool:
        """HR / people-ops and admins: they run cycles, import data and see every packet.

        The one spelling of the role check; reviews.permissions.viewer_get adds superusers, who count as HR.
        """
        return self.role in {Person.Role.HR, Person.Role.ADMIN}


class Identity(models.Model):
    """One name a person goes by in a source (an email, a GitHub login, a provider user or key id)."""

    class Kind(models.TextChoices):
        EMAIL = "email", "Email"
        GITHUB_LOGIN = "github_login", "GitHub login"
        PROVIDER_USER = "provider_user", "Provider user id"
        API_KEY = "api_key", "API key id or name"
        OTEL_ACCOUNT = "otel_account", "OpenTelemetry account id"

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="identities")
    kind = models.CharField(max_length=24, choices=Kind.choices)
    value = models.CharField(max_length=255)
    valid_from = models.DateField(null=True, blank=True)
    valid_to = models.DateField(null=True, blank=True)

    class Meta:
        verbose_name_plural = "identities"
        constraints: ClassVar[list[Any]] = [
            models.UniqueConstraint(fields=["kind", "value", "valid_from"], name="identity_unique_per_period"),
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_from__isnull=True) | Q(valid_to__gte=F("valid_from")),
                name="identity_validity_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind}:{self.value} → {self.person_id}"


class ReviewCycle(models.Model):
    class State(models.TextChoices):
        DRAFT = "draft", "Draft"
        OPEN = "open", "Open"
        CALIBRATION = "calibration", "Calibration"
        CLOSED = "closed", "Closed"

    name = models.CharField(max_length=120, unique=True)
    start = models.DateField()
    end = models.DateField()
    state = models.CharField(max_length=16, choices=State.choices, default=State.DRAFT)
    release_date = models.DateField(
        null=True, blank=True, help_text="After this date managers see every report's packet, released or not."
    )
    timezone = models.CharField(max_length=64, default="UTC")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering: ClassVar[list[str]] = ["-start", "name"]
        constraints: ClassVar[list[Any]] = [
            models.CheckConstraint(condition=Q(end__gte=F("start")), name="cycle_end_not_before_start"),
        ]

    def __str__(self) -> str:
        return self.name


class EvidenceRun(models.Model):
    """One generation of a cycle's packets. Progress lives here, moved with F() by the workers."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        DONE = "done", "Done"
        PARTIAL = "partial", "Done with failures"
        FAILED = "failed", "Failed"

    TERMINAL: ClassVar[set[str]] = {Status.DONE, Status.PARTIAL, Status.FAILED}

    cycle = models.ForeignKey(ReviewCycle, on_delete=models.CASCADE, related_name="runs")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.QUEUED)
    total = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)
    failed = models.PositiveIntegerField(default=0)
    finalize_count = models.PositiveIntegerField(
        default=0, help_text="How many times finalize moved this run to a terminal state (must stay 1)."
    )
    # The cycle's facts build this run waits for before rendering. A plain id, not a foreign key: this module is
    # the bottom layer that evidence's models are built on, so it must not point up at them.
    facts_build_id = models.PositiveIntegerField(
        null=True, blank=True, help_text="The evidence facts build run first, so every packet shows settled bands."
    )
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering: ClassVar[list[str]] = ["-created_at"]
        constraints: ClassVar[list[Any]] = [
            models.CheckConstraint(condition=Q(done__lte=F("total")), name="run_done_within_total"),
        ]

    def __str__(self) -> str:
        return f"{self.cycle} run {self.pk} ({self.status})"

    @property
    def progress(self) -> float:
        return (self.done + self.failed) / self.total if self.total else 1.0


class Packet(models.Model):
    """One version of one person's evidence packet for a cycle. Old versions stay verifiable."""

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        RENDERING = "rendering", "Rendering"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"

    run = models.ForeignKey(EvidenceRun, on_delete=models.CASCADE, related_name="packets")
    cycle = models.ForeignKey(ReviewCycle, on_delete=models.CASCADE, related_name="packets")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="packets")
    version = models.PositiveIntegerField()
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    facts = models.JSONField(default=dict, blank=True)
    pdf = models.FileField(upload_to="packets/", blank=True)
    sha256 = models.CharField(max_length=64, blank=True)
    error = models.TextField(blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    generated_at = models.DateTimeField(null=True, blank=True)
    annotations = models.JSONField(
        default=list, blank=True, help_text="The employee's annotations as this version printed them."
    )

    class Meta:
        ordering: ClassVar[list[str]] = ["person__name", "-version"]
        constraints: ClassVar[list[Any]] = [
            models.UniqueConstraint(fields=["person", "cycle", "version"], name="packet_version_unique"),
            models.UniqueConstraint(fields=["run", "person"], name="packet_once_per_run"),
        ]

    def __str__(self) -> str:
        return f"{self.person.email} / {self.cycle.name} v{self.version}"


class Annotation(models.Model):
    """The employee's word on their packet: kept per person and cycle, so every regenerated version keeps it.

    item_key names what it is about: a work item's "<repository> <ref>" for a highlight, a flag's kind, or "" for
    the narrative. A highlight's three texts are `text` (the context), `what_ai_did` and `outcome`.
    """

    class Kind(models.TextChoices):
        HIGHLIGHT = "highlight", "Highlight (picked contribution)"
        FLAG_EXPLANATION = "flag_explanation", "Explanation of a context flag"
        NARRATIVE = "narrative", "Narrative"

    # Characters, checked by the services with a message naming the field and by the database as an invariant.
    HIGHLIGHT_PART_LIMIT: ClassVar[int] = 1_000
    FLAG_EXPLANATION_LIMIT: ClassVar[int] = 2_000
    NARRATIVE_LIMIT: ClassVar[int] = 10_000

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="annotations")
    cycle = models.ForeignKey(ReviewCycle, on_delete=models.CASCADE, related_name="annotations")
    kind = models.CharField(max_length=24, choices=Kind.choices)
    item_key = models.CharField(max_length=300, blank=True)
    text = models.TextField(blank=True, help_text="The narrative, a flag's explanation, or a highlight's context.")
    what_ai_did = models.TextField(blank=True, help_text="For highlights: what AI did, in the employee's words.")
    outcome = models.TextField(blank=True, help_text="For highlights: what came of it, in the employee's words.")
    position = models.PositiveSmallIntegerField(default=0, help_text="For highlights: the order the employee gave.")
    highlighted = models.BooleanField(default=False, help_text="For highlights: the employee picked this item.")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering: ClassVar[list[str]] = ["kind", "position", "item_key"]
        constraints: ClassVar[list[Any]] = [
            models.UniqueConstraint(fields=["person", "cycle", "kind", "item_key"], name="annotation_once_per_item"),
            models.CheckConstraint(
                condition=~Q(kind="highlight")
                | Q(_within("text", 1_000), _within("what_ai_did", 1_000), _within("outcome", 1_000)),
                name="annotation_highlight_within_limits",
            ),
            models.CheckConstraint(
                condition=~Q(kind="flag_explanation") | Q(_within("text", 2_000)),
                name="annotation_flag_explanation_within_limit",
            ),
            models.CheckConstraint(
                condition=~Q(kind="narrative") | Q(_within("text", 10_000)), name="annotation_narrative_within_limit"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person_id}/{self.cycle_id} {self.kind} {self.item_key}"


class Correction(models.Model):
    """The employee's correction of one work item's AI verdict, kept per person and cycle across versions.

    The machine's record (its links and attributions) is never changed: the evidence facts print both, and count
    the item in the group the employee says. item_key is the work item's "<repository> <ref>".
    """

    REASON_LIMIT: ClassVar[int] = 500

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="corrections")
    cycle = models.ForeignKey(ReviewCycle, on_delete=models.CASCADE, related_name="corrections")
    item_key = models.CharField(max_length=300)
    ai_assisted = models.BooleanField(help_text="The employee's verdict: AI-assisted or not.")
    tool = models.CharField(max_length=60, blank=True, help_text="The AI tool, when AI-assisted.")
    reason = models.TextField(help_text="Why, in the employee's words (at most 500 characters).")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering: ClassVar[list[str]] = ["item_key"]
        constraints: ClassVar[list[Any]] = [
            models.UniqueConstraint(fields=["person", "cycle", "item_key"], name="correction_once_per_item"),
            models.CheckConstraint(condition=Q(_within("reason", 500)), name="correction_reason_within_limit"),
            models.CheckConstraint(condition=Q(ai_assisted=True) | Q(tool=""), name="correction_tool_only_if_ai"),
        ]

    def __str__(self) -> str:
        verdict = "AI-assisted" if self.ai_assisted else "not AI-assisted"
        return f"{self.person_id}/{self.cycle_id} {self.item_key}: {verdict}"


class PacketRelease(models.Model):
    """The employee releasing one version of their packet to their manager chain.

    A release belongs to the person and cycle: later versions are drafts until released again. The current
    release is the newest one not withdrawn; older ones stay as history. A release may be withdrawn only while
    no manager has opened it (first_opened_at).
    """

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="releases")
    cycle = models.ForeignKey(ReviewCycle, on_delete=models.CASCADE, related_name="releases")
    packet = models.ForeignKey(Packet, on_delete=models.PROTECT, related_name="releases")
    released_at = models.DateTimeField()
    released_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    first_opened_at = models.DateTimeField(
        null=True, blank=True, help_text="When someone in the manager chain first opened the released version."
    )

    class Meta:
        ordering: ClassVar[list[str]] = ["-released_at", "-pk"]
        constraints: ClassVar[list[Any]] = [
            models.CheckConstraint(
                condition=Q(withdrawn_at__isnull=True) | Q(first_opened_at__isnull=True),
                name="release_withdrawn_only_unopened",
            ),
        ]
        indexes: ClassVar[list[Any]] = [models.Index(fields=["person", "cycle", "released_at"])]

    def __str__(self) -> str:
        return f"{self.person_id}/{self.cycle_id} v{self.packet_id} released {self.released_at:%Y-%m-%d}"

    @property
    def version(self) -> int:
        return self.packet.version


class CycleExport(models.Model):
    """One HR export of a cycle: the packets that exist (each person's latest version), written once to a folder
    with summary.csv, the org report and a ZIP. An export never generates packets; a packet run does that."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        WRITING = "writing", "Writing files"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"

    TERMINAL: ClassVar[set[str]] = {Status.DONE, Status.FAILED}

    cycle = models.ForeignKey(ReviewCycle, on_delete=models.CASCADE, related_name="exports")
    out_dir = models.CharField(max_length=1000)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.QUEUED)
    people = models.PositiveIntegerField(default=0, help_text="Rows in summary.csv: everyone with a packet version.")
    packets = models.PositiveIntegerField(default=0, help_text="PDFs written: latest versions that are finished.")
    files_written = models.PositiveIntegerField(default=0)
    zip_sha256 = models.CharField(max_length=64, blank=True)
    error = models.TextField(blank=True)
    finalize_count = models.PositiveIntegerField(
        default=0, help_text="How many times the files were finished (must stay 1)."
    )
    claimed_at = models.DateTimeField(null=True, blank=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering: ClassVar[list[str]] = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.cycle} export {self.pk} ({self.status})"


class AuditEventQuerySet(models.QuerySet["AuditEvent"]):
    """The audit log is append-only: bulk updates and deletes are refused."""

    def update(self, **kwargs: Any) -> int:
        raise PermissionError("The audit log is append-only.")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise PermissionError("The audit log is append-only.")


class AuditEvent(models.Model):
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    actor_label = models.CharField(max_length=255, help_text="Who, kept even if the user is removed.")
    action = models.CharField(max_length=64)
    object_type = models.CharField(max_length=64)
    object_id = models.CharField(max_length=64)
    detail = models.JSONField(default=dict, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    at = models.DateTimeField(auto_now_add=True, db_index=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering: ClassVar[list[str]] = ["-at"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_label} {self.action} {self.object_type}:{self.object_id}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        # An invariant, not a workflow: a stored event is never rewritten.
        if self.pk is not None:
            raise PermissionError("The audit log is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise PermissionError("The audit log is append-only.")


class CalibrationGroup(models.Model):
    """People calibrated together in one cycle, and the managers who sit the meeting. HR defines it (the admin)."""

    cycle = models.ForeignKey(ReviewCycle, on_delete=models.CASCADE, related_name="calibration_groups")
    name = models.CharField(max_length=120)
    members = models.ManyToManyField(Person, related_name="calibration_groups", blank=True)
    managers = models.ManyToManyField(
        Person, related_name="calibration_groups_sat", blank=True, help_text="The managers who sit this calibration."
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering: ClassVar[list[str]] = ["name"]
        constraints: ClassVar[list[Any]] = [
            models.UniqueConstraint(fields=["cycle", "name"], name="calibration_group_name_unique_per_cycle"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.cycle})"


class CalibrationNote(models.Model):
    """A manager's calibration note on one person for one cycle: read by the person's manager chain and HR only."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="calibration_notes")
    cycle = models.ForeignKey(ReviewCycle, on_delete=models.CASCADE, related_name="calibration_notes")
    text = models.TextField(blank=True)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering: ClassVar[list[str]] = ["person__name"]
        constraints: ClassVar[list[Any]] = [
            models.UniqueConstraint(fields=["person", "cycle"], name="calibration_note_once_per_person_cycle"),
        ]

    def __str__(self) -> str:
        return f"calibration note {self.person_id}/{self.cycle_id}"


class CalibrationPrint(models.Model):
    """One calibration sheet PDF as it was handed out: its SHA-256, so a copy can be verified later.

    The PDF itself is not kept (it holds notes; the sheet's data is embedded in the file), only what verifies it.
    """

    cycle = models.ForeignKey(ReviewCycle, on_delete=models.CASCADE, related_name="calibration_prints")
    group = models.ForeignKey(CalibrationGroup, null=True, blank=True, on_delete=models.SET_NULL, related_name="prints")
    title = models.CharField(max_length=300)
    people = models.PositiveIntegerField(help_text="Rows printed.")
    sha256 = models.CharField(max_length=64, db_index=True)
    generated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    generated_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering: ClassVar[list[str]] = ["-generated_at"]

    def __str__(self) -> str:
        return f"{self.title} ({self.generated_at:%Y-%m-%d %H:%M})"

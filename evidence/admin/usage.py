"""Admin: usage imports (batch history), source actors (list and map unresolved identities), the price table, and
purposes (the short list, and which source labels mean which purpose)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from evidence.models import ImportBatch, PriceEntry, Purpose, PurposeLabel, SourceActor, ToolReportedCommit, UsageFact
from evidence.services.identities import source_actor_map, source_actor_mark_automation, unresolved_actors
from evidence.services.usage.progress import import_progress_get
from reviews.admin_base import ReadOnlyAdmin
from reviews.models import Person


@admin.register(ImportBatch)
class ImportBatchAdmin(ReadOnlyAdmin[ImportBatch]):
    list_display = (
        "pk",
        "source",
        "file_name",
        "status",
        "progress",
        "read",
        "created",
        "updated",
        "unchanged",
        "started_at",
    )
    list_filter = ("source", "status")
    search_fields = ("file_name", "file_sha256")
    readonly_fields = ("progress", "error", "summary")

    @admin.display(description="progress")
    def progress(self, batch: ImportBatch) -> str:
        """Records and share of the file read; live while the batch runs (see evidence.services.usage.progress)."""
        figures = import_progress_get(batch=batch)
        return f"{figures.percent:g}% of {figures.size_bytes:,} bytes, {figures.records_read:,} records"


class SourceActorForm(forms.ModelForm):  # type: ignore[type-arg]
    map_to = forms.ModelChoiceField(
        queryset=Person.objects.all(), required=False, help_text="the person this identity belongs to"
    )
    valid_from = forms.DateField(required=False, help_text="for shared or reassigned API keys: first day")
    valid_to = forms.DateField(required=False, help_text="last day (inclusive)")

    class Meta:
        model = SourceActor
        fields = ("map_to", "valid_from", "valid_to")


class OwnerFilter(admin.SimpleListFilter):
    title = "owner"
    parameter_name = "owner"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return list(SourceActor.Owner.choices)

    def queryset(self, request: HttpRequest, queryset: QuerySet[SourceActor]) -> QuerySet[SourceActor]:
        return queryset.filter(owner=self.value()) if self.value() else queryset


@admin.register(SourceActor)
class SourceActorAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Unresolved identities with their volume; mapping one here re-links all of its facts."""

    form = SourceActorForm
    list_display = ("value", "kind", "provider", "display", "owner", "person", "tokens")
    list_filter = (OwnerFilter, "kind", "provider")
    search_fields = ("value", "display")
    readonly_fields = ("kind", "provider", "value", "display", "owner", "person")
    actions = ("mark_automation",)

    def get_queryset(self, request: HttpRequest) -> QuerySet[SourceActor]:
        self._tokens: dict[int, int] = {actor.pk: actor.tokens for actor in unresolved_actors()}  # type: ignore[attr-defined]
        return super().get_queryset(request).select_related("person")

    @admin.display(description="tokens (unresolved only)")
    def tokens(self, actor: SourceActor) -> int | str:
        tokens = self._tokens.get(actor.pk)
        return "" if tokens is None else tokens

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: SourceActor, form: Any, change: bool) -> None:
        person = form.cleaned_data.get("map_to")
        if person is None:
            return
        relinked = source_actor_map(
            actor=obj,
            person=person,
            valid_from=form.cleaned_data.get("valid_from"),
            valid_to=form.cleaned_data.get("valid_to"),
        )
        self.message_user(request, f"{obj} mapped to {person}; {relinked} facts re-linked.", messages.SUCCESS)

    @admin.action(description="Mark as automation (service account, bot, shared key)")
    def mark_automation(self, request: HttpRequest, queryset: QuerySet[SourceActor]) -> None:
        for actor in queryset.exclude(owner=SourceActor.Owner.PERSON):
            source_actor_mark_automation(actor=actor)


@admin.register(PriceEntry)
class PriceEntryAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = (
        "model",
        "valid_from",
        "input_per_mtok",
        "cache_read_per_mtok",
        "cache_write_per_mtok",
        "output_per_mtok",
    )
    search_fields = ("model",)


@admin.register(Purpose)
class PurposeAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """The short list of purposes (feature work, review, incident, research, data, support, other), editable."""

    list_display = ("name", "description")
    search_fields = ("name",)


class MappedFilter(admin.SimpleListFilter):
    title = "mapped"
    parameter_name = "mapped"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [("no", "Not mapped yet"), ("yes", "Mapped")]

    def queryset(self, request: HttpRequest, queryset: QuerySet[PurposeLabel]) -> QuerySet[PurposeLabel]:
        if self.value() in {"yes", "no"}:
            return queryset.filter(purpose__isnull=self.value() == "no")
        return queryset


@admin.register(PurposeLabel)
class PurposeLabelAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """The labels imports met (tags, teams, projects, workspaces, key names): map each to a purpose, or leave it."""

    list_display = ("attribute", "value", "name", "purpose")
    list_editable = ("purpose",)
    list_filter = (MappedFilter, "attribute", "purpose")
    search_fields = ("value", "name")
    readonly_fields = ("attribute", "value", "name")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # labels come from imports; a label no usage carries would map nothing


@admin.register(UsageFact)
class UsageFactAdmin(ReadOnlyAdmin[UsageFact]):
    list_display = ("day", "source", "actor", "person", "tool", "model", "purpose", "cost_basis")
    list_filter = ("source", "tool", "cost_basis")
    date_hierarchy = "day"


@admin.register(ToolReportedCommit)
class ToolReportedCommitAdmin(ReadOnlyAdmin[ToolReportedCommit]):
    list_display = ("sha", "repository_name", "tool", "person", "ai_lines_added", "committed_at")
    list_filter = ("source", "tool")
    search_fields = ("sha", "repository_name")

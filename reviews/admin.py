"""Admin for the people side: people and identities, cycles, runs, packets' bookkeeping, the audit log."""

from __future__ import annotations

from django.contrib import admin

from reviews.admin_base import ReadOnlyAdmin
from reviews.models import AuditEvent, CalibrationGroup, EvidenceRun, Identity, Packet, Person, ReviewCycle


class IdentityInline(admin.TabularInline[Identity, Person]):
    model = Identity
    extra = 0


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin[Person]):
    list_display = ("name", "email", "team", "manager", "role")
    list_filter = ("team", "role")
    search_fields = ("name", "email")
    raw_id_fields = ("manager", "user")
    inlines = (IdentityInline,)


@admin.register(Identity)
class IdentityAdmin(admin.ModelAdmin[Identity]):
    list_display = ("kind", "value", "person", "valid_from", "valid_to")
    list_filter = ("kind",)
    search_fields = ("value", "person__email")
    raw_id_fields = ("person",)


@admin.register(ReviewCycle)
class ReviewCycleAdmin(admin.ModelAdmin[ReviewCycle]):
    list_display = ("name", "start", "end", "state", "release_date")


@admin.register(CalibrationGroup)
class CalibrationGroupAdmin(admin.ModelAdmin[CalibrationGroup]):
    """HR names a group, its people and the managers who sit it; those managers then open its calibration sheet."""

    list_display = ("name", "cycle", "created_at")
    list_filter = ("cycle",)
    search_fields = ("name",)
    autocomplete_fields = ("members", "managers")


@admin.register(EvidenceRun)
class EvidenceRunAdmin(admin.ModelAdmin[EvidenceRun]):
    list_display = ("id", "cycle", "status", "total", "done", "failed", "created_at", "finished_at")
    list_filter = ("status", "cycle")
    readonly_fields = ("total", "done", "failed", "finalize_count")


@admin.register(Packet)
class PacketAdmin(ReadOnlyAdmin[Packet]):
    """A packet's bookkeeping only. Its facts, annotations and PDF are served by the packet pages and API, which
    check access and write the audit log (reviews.permissions); packets change only through a run or a release."""

    list_display = ("person", "cycle", "version", "status", "attempts", "generated_at")
    list_filter = ("status", "cycle")
    search_fields = ("person__email", "person__name")
    exclude = ("facts", "annotations", "pdf")


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin[AuditEvent]):
    """The audit log is append-only."""

    list_display = ("at", "actor_label", "action", "object_type", "object_id", "ip_address")
    list_filter = ("action", "object_type")
    search_fields = ("actor_label", "object_id")

"""audit_record: append one event to the audit log; PacketAction: what the log calls each thing done with a packet."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from django.contrib.auth.models import AnonymousUser, User
from django.db import models

from reviews.models import AuditEvent


class PacketAction(StrEnum):
    """What a viewer does with a packet, named as the audit log records it."""

    VIEW = "packet.view"
    VIEW_CALIBRATION = "packet.view.calibration"
    DOWNLOAD = "packet.download"
    EXPORT = "packet.export"  # written into an HR export
    RELEASE = "packet.release"
    WITHDRAW = "packet.release.withdraw"


OPENING_ACTIONS = (PacketAction.VIEW, PacketAction.DOWNLOAD, PacketAction.EXPORT)


def audit_record(
    *,
    actor: User | AnonymousUser | None,
    action: str,
    target: models.Model,
    ip_address: str | None = None,
    detail: dict[str, Any] | None = None,
) -> AuditEvent:
    user = actor if isinstance(actor, User) else None
    label = user.get_username() if user is not None else "system"
    return AuditEvent.objects.create(
        actor=user,
        actor_label=label,
        action=action,
        object_type=target._meta.label_lower,
        object_id=str(target.pk),
        ip_address=ip_address,
        detail=detail or {},
    )

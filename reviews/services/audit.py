"""audit_record: append one event to the audit log."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AnonymousUser, User
from django.db import models

from reviews.models import AuditEvent


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

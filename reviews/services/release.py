"""packet_release: the employee hands their packet to their manager."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.utils import timezone

from reviews.errors import ApplicationError
from reviews.models import Packet
from reviews.selectors import person_for_user
from reviews.services.audit import audit_record


def packet_release(*, packet: Packet, user: User, ip_address: str | None = None) -> Packet:
    owner = person_for_user(user=user)
    if owner is None or owner.pk != packet.person_id:
        raise ApplicationError("Only the employee can release their own packet.")
    if packet.status != Packet.Status.DONE:
        raise ApplicationError("This packet is not finished yet.")
    if packet.released_at is None:
        Packet.objects.filter(person=packet.person, cycle=packet.cycle, released_at__isnull=True).update(
            released_at=timezone.now()
        )
        packet.refresh_from_db()
        audit_record(actor=user, action="packet.release", target=packet, ip_address=ip_address)
    return packet

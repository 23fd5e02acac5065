"""packet_release: the employee hands their packet to their manager."""

from __future__ import annotations

from django.utils import timezone

from reviews.errors import ApplicationError
from reviews.models import Packet, Person


def packet_release(*, packet: Packet, owner: Person | None) -> Packet:
    """Release every unreleased version of `owner`'s packet for the packet's cycle to their manager chain.

    The page reaches this through reviews.permissions.packet_access, which writes the packet.release audit event.
    Raises ApplicationError when `owner` is not the packet's person or the packet is not finished.
    """
    if owner is None or owner.pk != packet.person_id:
        raise ApplicationError("Only the employee can release their own packet.")
    if packet.status != Packet.Status.DONE:
        raise ApplicationError("This packet is not finished yet.")
    if packet.released_at is None:
        Packet.objects.filter(person=packet.person, cycle=packet.cycle, released_at__isnull=True).update(
            released_at=timezone.now()
        )
        packet.refresh_from_db()
    return packet

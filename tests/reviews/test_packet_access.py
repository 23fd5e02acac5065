"""Guardrails: employees see their packet first, managers after release, HR always; every access is audited."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from reviews.models import AuditEvent, Packet, Person
from tests.factories import org_chart_with_packets, signed_in_client

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def people() -> dict[str, Person]:
    return org_chart_with_packets()


def packet_of(person: Person) -> Packet:
    return Packet.objects.get(person=person)


def test_employee_sees_their_own_packet(people: dict[str, Person]) -> None:
    response = signed_in_client(people["alice"]).get(f"/packets/{packet_of(people['alice']).pk}/")
    assert response.status_code == 200
    assert b"Alice" in response.content


def test_colleague_cannot_see_a_packet(people: dict[str, Person]) -> None:
    assert signed_in_client(people["bob"]).get(f"/packets/{packet_of(people['alice']).pk}/").status_code == 404


@pytest.mark.parametrize("viewer", ["manager", "head"])
def test_manager_chain_sees_a_packet_only_after_release(people: dict[str, Person], viewer: str) -> None:
    packet = packet_of(people["alice"])
    client = signed_in_client(people[viewer])
    assert client.get(f"/packets/{packet.pk}/").status_code == 404
    assert client.get(f"/packets/{packet.pk}/pdf/").status_code == 404

    assert signed_in_client(people["alice"]).post(f"/packets/{packet.pk}/release/").status_code == 302

    assert client.get(f"/packets/{packet.pk}/").status_code == 200
    assert client.get(f"/packets/{packet.pk}/pdf/").status_code == 200


def test_manager_sees_every_report_after_the_release_date(people: dict[str, Person]) -> None:
    packet = packet_of(people["bob"])
    packet.cycle.release_date = timezone.localdate() - timedelta(days=1)
    packet.cycle.save()
    assert signed_in_client(people["manager"]).get(f"/packets/{packet.pk}/").status_code == 200


def test_only_the_employee_can_release(people: dict[str, Person]) -> None:
    packet = packet_of(people["alice"])
    assert signed_in_client(people["hr"]).post(f"/packets/{packet.pk}/release/").status_code == 404
    assert not packet.releases.exists()


def test_hr_sees_every_packet_listed_by_name(people: dict[str, Person]) -> None:
    response = signed_in_client(people["hr"]).get("/api/packets/")
    assert response.status_code == 200
    names = [row["name"] for row in response.json()]
    assert names == sorted(names)
    assert len(names) == 5


def test_every_view_and_download_is_audited(people: dict[str, Person]) -> None:
    packet = packet_of(people["alice"])
    client = signed_in_client(people["hr"])
    client.get(f"/packets/{packet.pk}/")
    client.get(f"/packets/{packet.pk}/pdf/")
    client.get(f"/api/packets/{packet.pk}/")
    client.get(f"/api/packets/{packet.pk}/pdf/")

    events = list(AuditEvent.objects.order_by("at", "pk").values_list("actor_label", "action", "object_id"))
    assert events == [
        ("hr@example.com", "packet.view", str(packet.pk)),
        ("hr@example.com", "packet.download", str(packet.pk)),
        ("hr@example.com", "packet.view", str(packet.pk)),
        ("hr@example.com", "packet.download", str(packet.pk)),
    ]


def test_refused_access_leaves_no_packet_view_in_the_log(people: dict[str, Person]) -> None:
    signed_in_client(people["bob"]).get(f"/packets/{packet_of(people['alice']).pk}/")
    assert not AuditEvent.objects.filter(action="packet.view").exists()


def test_anonymous_visitors_are_sent_to_sign_in(people: dict[str, Person]) -> None:
    response = Client().get(f"/packets/{packet_of(people['alice']).pk}/")
    assert response.status_code == 302
    assert "/login/" in response["Location"]


def test_audit_log_is_append_only(people: dict[str, Person]) -> None:
    signed_in_client(people["alice"]).get(f"/packets/{packet_of(people['alice']).pk}/")
    event = AuditEvent.objects.get()
    with pytest.raises(PermissionError):
        event.save()
    with pytest.raises(PermissionError):
        event.delete()
    with pytest.raises(PermissionError):
        AuditEvent.objects.update(action="edited")
    with pytest.raises(PermissionError):
        AuditEvent.objects.all().delete()

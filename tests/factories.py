"""factory_boy factories for the core domain, behind typed make_* helpers."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any, cast

from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.test import Client
from django.utils import timezone
from factory.declarations import SelfAttribute, Sequence, SubFactory
from factory.django import DjangoModelFactory

from reviews.models import EvidenceRun, Packet, PacketRelease, Person, ReviewCycle


class UserFactory(DjangoModelFactory[User]):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = Sequence(lambda n: f"user{n}@example.com")
    email = SelfAttribute("username")


class PersonFactory(DjangoModelFactory[Person]):
    class Meta:
        model = Person

    email = Sequence(lambda n: f"person{n}@example.com")
    name = Sequence(lambda n: f"Person {n}")
    team = "Platform"
    role = Person.Role.EMPLOYEE
    user = SubFactory(UserFactory, username=SelfAttribute("..email"))


class CycleFactory(DjangoModelFactory[ReviewCycle]):
    class Meta:
        model = ReviewCycle

    name = Sequence(lambda n: f"2026-H{n}")
    start = date(2026, 1, 1)
    end = date(2026, 6, 30)
    state = ReviewCycle.State.OPEN  # packets can be run; tests of the draft guard ask for a draft


def make_person(**fields: Any) -> Person:
    return cast(Person, PersonFactory(**fields))


def make_cycle(**fields: Any) -> ReviewCycle:
    return cast(ReviewCycle, CycleFactory(**fields))


def org_chart() -> dict[str, Person]:
    """head → manager → (alice, bob); hr beside them. Returns the people by short name."""
    head = make_person(name="Head", email="head@example.com")
    manager = make_person(name="Manager", email="manager@example.com", manager=head)
    alice = make_person(name="Alice", email="alice@example.com", manager=manager, team="Payments")
    bob = make_person(name="Bob", email="bob@example.com", manager=manager, team="Payments")
    hr = make_person(name="Harriet", email="hr@example.com", role=Person.Role.HR, manager=head)
    return {"head": head, "manager": manager, "alice": alice, "bob": bob, "hr": hr}


def org_chart_with_packets() -> dict[str, Person]:
    """The org chart above with one finished packet each, from a run of cycle C1 (2026-01-01 to 2026-06-30)."""
    from reviews.tasks import evidence_run_start

    chart = org_chart()
    evidence_run_start(cycle=make_cycle(name="C1", start=date(2026, 1, 1), end=date(2026, 6, 30)))
    return chart


def signed_in_client(person: Person) -> Client:
    client = Client()
    assert person.user is not None
    client.force_login(person.user)
    return client


def make_packet(
    *,
    person: Person,
    cycle: ReviewCycle,
    facts: Mapping[str, Any],
    version: int = 1,
    released: bool = False,
    annotations: list[dict[str, Any]] | None = None,
) -> Packet:
    """A finished packet version stored as a run stores it (facts, annotations snapshot, SHA-256), without a render;
    `released`: the employee released this version to their manager chain."""
    run = EvidenceRun.objects.create(cycle=cycle, total=1, done=1, status=EvidenceRun.Status.DONE)
    packet = Packet.objects.create(
        run=run,
        cycle=cycle,
        person=person,
        version=version,
        status=Packet.Status.DONE,
        facts=dict(facts),
        annotations=annotations or [],
        sha256=f"{person.pk:032x}{version:032x}",
        generated_at=timezone.now(),
    )
    if released:
        PacketRelease.objects.create(
            person=person, cycle=cycle, packet=packet, released_at=timezone.now(), released_by=person.user
        )
    return packet

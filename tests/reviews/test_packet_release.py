"""A release belongs to the person and cycle: later versions are drafts until released again; exports generate none."""

from __future__ import annotations

import csv
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from reviews.errors import ApplicationError
from reviews.models import AuditEvent, Packet, PacketRelease
from reviews.permissions import packets_visible_get, viewer_get
from reviews.self_review import packet_access_log_get, packet_versions_diff_get, self_review_get
from reviews.services.self_review import correction_set, packet_release, packet_release_withdraw
from reviews.tasks import cycle_export_start, evidence_run_start, packet_version_start
from tests.factories import signed_in_client
from tests.reviews.self_review_data import AI_PR, Company, company_with_work

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def company() -> Company:
    return company_with_work()


def managers_view(company: Company, name: str = "manager") -> list[tuple[str, int]]:
    """The (person, version) pairs of their reports' packets that a manager's list shows."""
    viewer = viewer_get(user=company.user(name))
    packets = packets_visible_get(viewer=viewer)
    return [(packet.person.name, packet.version) for packet in packets if packet.person_id != viewer.person_id]


def test_a_run_after_a_release_keeps_the_managers_view_and_tells_the_employee(company: Company) -> None:
    alice, cycle = company.alice, company.cycle
    first = packet_version_start(person=alice, cycle=cycle, user=company.user())
    packet_release(person=alice, cycle=cycle, user=company.user())
    assert managers_view(company) == [("Alice", 1)]
    correction_set(person=alice, cycle=cycle, item=AI_PR, ai_assisted=False, reason="pair work", user=company.user())

    evidence_run_start(cycle=cycle)  # HR's run: a new version for everyone

    second = Packet.objects.get(person=alice, version=2)
    assert second.status == Packet.Status.DONE
    assert managers_view(company) == [("Alice", 1)]
    manager = signed_in_client(company.people["manager"])
    assert manager.get(f"/packets/{first.pk}/").status_code == 200
    assert manager.get(f"/packets/{second.pk}/").status_code == 404
    review = self_review_get(person=alice, cycle=cycle)
    assert review.released is not None
    assert (review.released.version, review.newer_draft) == (1, True)
    diff = packet_versions_diff_get(person=alice, cycle=cycle)
    assert diff is not None
    assert (diff.released_version, diff.latest_version, diff.corrections_applied) == (1, 2, (AI_PR,))
    assert ("Pull requests merged, AI-assisted", "1", "0") in diff.figures_changed

    packet_release(person=alice, cycle=cycle, user=company.user())

    assert managers_view(company) == [("Alice", 2)]
    assert manager.get(f"/packets/{second.pk}/").status_code == 200
    assert manager.get(f"/packets/{first.pk}/").status_code == 200  # the superseded release stays in the history
    assert PacketRelease.objects.filter(person=alice).count() == 2
    assert not self_review_get(person=alice, cycle=cycle).newer_draft
    assert packet_versions_diff_get(person=alice, cycle=cycle) is None


def test_after_the_release_date_managers_see_the_latest_version(company: Company) -> None:
    alice, cycle = company.alice, company.cycle
    packet_version_start(person=alice, cycle=cycle, user=company.user())
    assert managers_view(company) == []
    cycle.release_date = timezone.localdate() - timedelta(days=1)
    cycle.save()
    packet_version_start(person=alice, cycle=cycle, user=company.user())

    assert managers_view(company) == [("Alice", 2)]
    assert self_review_get(person=alice, cycle=cycle).managers_see_latest


def test_a_release_can_be_withdrawn_only_before_a_manager_opens_it(company: Company) -> None:
    alice, cycle, user = company.alice, company.cycle, company.user()
    packet = packet_version_start(person=alice, cycle=cycle, user=user)
    with pytest.raises(ApplicationError, match="Nothing is released"):
        packet_release_withdraw(person=alice, cycle=cycle, user=user)

    packet_release(person=alice, cycle=cycle, user=user, ip_address="10.0.0.7")
    packet_release_withdraw(person=alice, cycle=cycle, user=user)
    assert managers_view(company) == []
    assert signed_in_client(company.people["manager"]).get(f"/packets/{packet.pk}/").status_code == 404

    packet_release(person=alice, cycle=cycle, user=user)
    assert signed_in_client(company.people["head"]).get(f"/packets/{packet.pk}/").status_code == 200

    with pytest.raises(ApplicationError, match="already opened version 1, so it cannot be withdrawn"):
        packet_release_withdraw(person=alice, cycle=cycle, user=user)
    assert managers_view(company) == [("Alice", 1)]
    assert list(
        AuditEvent.objects.filter(action__startswith="packet.release")
        .order_by("pk")
        .values_list("action", "ip_address")
    ) == [("packet.release", "10.0.0.7"), ("packet.release.withdraw", None), ("packet.release", None)]
    history = PacketRelease.objects.filter(person=alice).order_by("pk")
    assert [(row.withdrawn_at is None, row.first_opened_at is None) for row in history] == [
        (False, True),
        (True, False),
    ]


def test_hr_opening_a_released_packet_does_not_stop_a_withdrawal(company: Company) -> None:
    alice, cycle, user = company.alice, company.cycle, company.user()
    packet = packet_version_start(person=alice, cycle=cycle, user=user)
    packet_release(person=alice, cycle=cycle, user=user)
    assert signed_in_client(company.people["hr"]).get(f"/packets/{packet.pk}/").status_code == 200
    packet_release_withdraw(person=alice, cycle=cycle, user=user)
    assert self_review_get(person=alice, cycle=cycle).released is None


def test_releasing_needs_a_finished_version_and_twice_is_once(company: Company) -> None:
    alice, cycle, user = company.alice, company.cycle, company.user()
    with pytest.raises(ApplicationError, match="no finished version to release"):
        packet_release(person=alice, cycle=cycle, user=user)
    packet_version_start(person=alice, cycle=cycle, user=user)
    assert packet_release(person=alice, cycle=cycle, user=user) == packet_release(person=alice, cycle=cycle, user=user)
    assert PacketRelease.objects.count() == 1
    with pytest.raises(ApplicationError, match="Only the employee"):
        packet_release(person=alice, cycle=cycle, user=company.user("manager"))


def test_an_export_creates_no_version_and_says_which_version_is_released(company: Company, tmp_path: Path) -> None:
    alice, cycle, user = company.alice, company.cycle, company.user()
    evidence_run_start(cycle=cycle)
    packet_release(person=alice, cycle=cycle, user=user)
    packet_version_start(person=alice, cycle=cycle, user=user)  # a newer draft of Alice's
    versions = list(Packet.objects.order_by("pk").values_list("person__name", "version"))

    export = cycle_export_start(cycle=cycle, out_dir=tmp_path / "export")

    export.refresh_from_db()
    assert export.status == "done"
    assert list(Packet.objects.order_by("pk").values_list("person__name", "version")) == versions
    with (tmp_path / "export" / "summary.csv").open(newline="") as handle:
        rows = {row["name"]: row for row in csv.DictReader(handle)}
    assert (rows["Alice"]["version"], rows["Alice"]["release_state"], rows["Alice"]["released_version"]) == (
        "2",
        "draft",
        "1",
    )
    assert (rows["Bob"]["version"], rows["Bob"]["release_state"], rows["Bob"]["released_version"]) == ("1", "draft", "")
    assert (export.people, export.packets) == (5, 5)
    assert [
        (entry.actor, entry.role, entry.action, entry.version)
        for entry in packet_access_log_get(person=alice, cycle=cycle)
    ] == [("system", "hr", "export", 2)]


def test_an_export_of_a_cycle_without_packets_asks_to_generate_first(company: Company, tmp_path: Path) -> None:
    with pytest.raises(ApplicationError, match="no packets yet: generate them first"):
        cycle_export_start(cycle=company.cycle, out_dir=tmp_path)


def test_the_access_log_names_who_opened_which_version_and_leaves_out_the_employee(company: Company) -> None:
    alice, cycle, user = company.alice, company.cycle, company.user()
    packet = packet_version_start(person=alice, cycle=cycle, user=user)
    packet_release(person=alice, cycle=cycle, user=user)
    signed_in_client(alice).get(f"/packets/{packet.pk}/")
    signed_in_client(company.people["manager"]).get(f"/packets/{packet.pk}/")
    signed_in_client(company.people["hr"]).get(f"/packets/{packet.pk}/pdf/")
    signed_in_client(company.people["bob"]).get(f"/packets/{packet.pk}/")  # refused: not logged as an opening

    log = packet_access_log_get(person=alice, cycle=cycle)

    assert [(entry.actor, entry.role, entry.action, entry.version) for entry in log] == [
        ("Harriet", "hr", "download", 1),
        ("Manager", "manager", "view", 1),
    ]

"""Cycle guards: no run on a draft cycle or before its start; a closed cycle takes no new versions or notes."""

from __future__ import annotations

from datetime import date

import pytest
from django.test import Client

from reviews.errors import ApplicationError
from reviews.models import Correction, Packet, Person, ReviewCycle
from reviews.services.self_review import correction_set
from reviews.tasks import evidence_run_start
from tests.factories import make_cycle, make_person

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_draft_cycle_cannot_be_run() -> None:
    make_person()
    cycle = make_cycle(state=ReviewCycle.State.DRAFT, start=date(2027, 1, 1), end=date(2027, 6, 30))

    with pytest.raises(ApplicationError, match="draft"):
        evidence_run_start(cycle=cycle)

    assert not Packet.objects.exists()


def test_the_api_answers_400_with_the_reason_for_a_draft_cycle_run() -> None:
    hr = make_person(email="hr@example.com", role=Person.Role.HR)
    cycle = make_cycle(state=ReviewCycle.State.DRAFT)
    client = Client()
    assert hr.user is not None
    client.force_login(hr.user)

    answer = client.post(f"/api/cycles/{cycle.pk}/runs/")

    assert answer.status_code == 400
    assert "draft" in answer.json()["detail"]
    assert not Packet.objects.exists()


def test_a_cycle_cannot_be_run_before_its_first_day() -> None:
    make_person()
    cycle = make_cycle(start=date(2099, 1, 1), end=date(2099, 6, 30))

    with pytest.raises(ApplicationError, match="starts on 2099-01-01: its packets can be run from that day"):
        evidence_run_start(cycle=cycle)

    assert not Packet.objects.exists()


def test_a_closed_cycle_takes_no_new_packet_versions() -> None:
    make_person()
    cycle = make_cycle(state=ReviewCycle.State.CLOSED)

    with pytest.raises(ApplicationError, match="is closed and read-only: no new packet versions"):
        evidence_run_start(cycle=cycle)

    assert not Packet.objects.exists()


def test_a_closed_cycle_takes_no_corrections() -> None:
    person = make_person()
    cycle = make_cycle(state=ReviewCycle.State.CLOSED)
    assert person.user is not None

    with pytest.raises(ApplicationError, match="is closed"):
        correction_set(
            person=person, cycle=cycle, item="acme/api #12", ai_assisted=False, reason="Mine", user=person.user
        )

    assert not Correction.objects.exists()


def test_runs_are_allowed_while_the_cycle_is_open_or_in_calibration() -> None:
    make_person()
    cycle = make_cycle(state=ReviewCycle.State.CALIBRATION)

    run = evidence_run_start(cycle=cycle)

    assert run.packets.count() == 1

"""Calibration notes: written and read by the person's manager chain and HR only, never the person or a peer;
read-only once the cycle is closed; audited without their text; printed in the packet's calibration version."""

from __future__ import annotations

import pytest

from reviews.models import AuditEvent, CalibrationNote, ReviewCycle
from tests.factories import signed_in_client
from tests.reviews.calibration_org import CalibrationOrg, calibration_org

pytestmark = pytest.mark.django_db


@pytest.fixture
def org() -> CalibrationOrg:
    return calibration_org()


def note_api(org: CalibrationOrg, person: str) -> str:
    return f"/api/cycles/{org.cycle.pk}/people/{org.people[person].pk}/calibration-note/"


@pytest.mark.parametrize("writer", ["mira", "head", "hr"])
def test_the_manager_chain_and_hr_write_a_note(org: CalibrationOrg, writer: str) -> None:
    response = signed_in_client(org.people[writer]).put(
        note_api(org, "zoe"), {"text": "  Led the refunds incident review.  "}, content_type="application/json"
    )

    assert response.status_code == 200
    assert response.json()["text"] == "Led the refunds incident review."
    assert CalibrationNote.objects.get(person=org.people["zoe"]).text == "Led the refunds incident review."


@pytest.mark.parametrize("writer", ["zoe", "adam", "omar"])
def test_the_person_a_peer_or_another_manager_gets_404(org: CalibrationOrg, writer: str) -> None:
    response = signed_in_client(org.people[writer]).put(
        note_api(org, "zoe"), {"text": "x"}, content_type="application/json"
    )
    assert response.status_code == 404
    assert not CalibrationNote.objects.exists()


def test_a_write_is_audited_without_its_text(org: CalibrationOrg) -> None:
    signed_in_client(org.people["mira"]).put(
        note_api(org, "zoe"), {"text": "Private words"}, content_type="application/json"
    )

    event = AuditEvent.objects.get(action="calibration.note.write")
    assert (event.actor_label, event.object_type) == ("mira@example.com", "reviews.calibrationnote")
    assert event.detail == {"chars": len("Private words")}
    assert "Private" not in str(event.detail)


def test_a_closed_cycle_refuses_notes_with_a_message(org: CalibrationOrg) -> None:
    ReviewCycle.objects.filter(pk=org.cycle.pk).update(state=ReviewCycle.State.CLOSED)

    response = signed_in_client(org.people["mira"]).put(
        note_api(org, "zoe"), {"text": "late"}, content_type="application/json"
    )

    assert response.status_code == 400
    assert "is closed and read-only: no new calibration notes" in response.json()["detail"]
    assert not CalibrationNote.objects.exists()


def test_an_overlong_note_is_a_400_naming_the_field(org: CalibrationOrg) -> None:
    response = signed_in_client(org.people["mira"]).put(
        note_api(org, "zoe"), {"text": "x" * 4001}, content_type="application/json"
    )
    assert response.status_code == 400
    assert "text" in response.json()


def test_the_sheet_form_saves_a_note_and_returns_to_the_sheet(org: CalibrationOrg) -> None:
    client = signed_in_client(org.people["mira"])
    sheet = f"/cycles/{org.cycle.pk}/calibration/"

    response = client.post(
        f"/cycles/{org.cycle.pk}/people/{org.people['zoe'].pk}/calibration-note/",
        {"text": "Steady under pressure.", "next": sheet},
    )

    assert response.status_code == 302
    assert response["Location"] == f"{sheet}#person-{org.people['zoe'].pk}"
    assert "Steady under pressure." in client.get(sheet).content.decode()


def test_the_form_ignores_a_next_address_on_another_host(org: CalibrationOrg) -> None:
    response = signed_in_client(org.people["mira"]).post(
        f"/cycles/{org.cycle.pk}/people/{org.people['zoe'].pk}/calibration-note/",
        {"text": "ok", "next": "https://evil.example/"},
    )
    assert response["Location"].startswith(f"/cycles/{org.cycle.pk}/calibration/")


def test_the_calibration_version_prints_the_note_for_the_chain_and_not_for_the_employee(org: CalibrationOrg) -> None:
    CalibrationNote.objects.create(person=org.people["zoe"], cycle=org.cycle, text="Ready for the next level.")
    url = f"/packets/{org.packets['zoe'].pk}/calibration/"

    manager_view = signed_in_client(org.people["mira"]).get(url).content.decode()
    employee_view = signed_in_client(org.people["zoe"]).get(url)

    assert "Manager notes (calibration version only)" in manager_view
    assert "Ready for the next level." in manager_view
    assert employee_view.status_code == 200
    assert "Ready for the next level." not in employee_view.content.decode()
    assert "Manager notes" not in employee_view.content.decode()
    assert signed_in_client(org.people["adam"]).get(url).status_code == 404
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert actions == {"packet.view.calibration"}

"""HR's run page: starting a run answers at once (the work runs in a background thread in the embedded default),
the progress fragment polls until the run ends, failures are listed with their reason and can be retried."""

from __future__ import annotations

from datetime import date

import pytest
from django.test import Client

from reviews.models import AuditEvent, EvidenceRun, Packet, Person, ReviewCycle
from reviews.services.packets import evidence_run_finalize
from tests.background import background_work_join
from tests.factories import make_cycle, make_person, signed_in_client

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def hr() -> Client:
    return signed_in_client(make_person(name="Harriet", email="hr@example.com", role=Person.Role.HR))


@pytest.fixture
def cycle() -> ReviewCycle:
    for index in range(3):
        make_person(name=f"Dev {index}", email=f"dev{index}@example.com")
    return make_cycle(name="2026-H1", start=date(2026, 1, 1), end=date(2026, 6, 30))


def test_starting_a_run_from_the_page_answers_before_the_run_ends(hr: Client, cycle: ReviewCycle) -> None:
    response = hr.post(f"/cycles/{cycle.pk}/runs/")

    run = EvidenceRun.objects.get(cycle=cycle)
    assert response.status_code == 302
    assert response["Location"] == f"/runs/{run.pk}/"
    assert run.status not in EvidenceRun.TERMINAL
    background_work_join()
    run.refresh_from_db()
    assert (run.status, run.done, run.total) == ("done", 4, 4)


def test_starting_a_run_through_the_api_answers_before_the_run_ends(hr: Client, cycle: ReviewCycle) -> None:
    response = hr.post(f"/api/cycles/{cycle.pk}/runs/")

    assert response.status_code == 202
    assert response.json()["status"] not in EvidenceRun.TERMINAL
    background_work_join()
    assert hr.get(f"/api/runs/{response.json()['id']}/").json()["status"] == "done"


def test_progress_fragment_polls_while_the_run_goes_and_stops_once_it_has_ended(hr: Client, cycle: ReviewCycle) -> None:
    hr.post(f"/cycles/{cycle.pk}/runs/")
    run = EvidenceRun.objects.get(cycle=cycle)
    going = hr.get(f"/runs/{run.pk}/progress/").content.decode()
    background_work_join()
    ended = hr.get(f"/runs/{run.pk}/progress/").content.decode()

    assert f'hx-get="/runs/{run.pk}/progress/"' in going
    assert "hx-get" not in ended
    assert "packets: 4 of 4 done" in ended


def test_failed_packets_are_listed_with_their_reason_and_retried_in_the_same_run(
    hr: Client, cycle: ReviewCycle
) -> None:
    hr.post(f"/cycles/{cycle.pk}/runs/")
    background_work_join()
    run = EvidenceRun.objects.get(cycle=cycle)
    failed = Packet.objects.get(run=run, person__email="dev1@example.com")
    # A render that died: the state a packet_build failure leaves behind, set on the row as it would be.
    Packet.objects.filter(pk=failed.pk).update(status=Packet.Status.FAILED, error="RenderTimeout: over budget")
    EvidenceRun.objects.filter(pk=run.pk).update(status=EvidenceRun.Status.RUNNING, finished_at=None)
    evidence_run_finalize(run_id=run.pk)

    page = hr.get(f"/runs/{run.pk}/").content.decode()
    assert "Dev 1" in page
    assert "RenderTimeout: over budget" in page
    assert "Retry failed" in page

    assert hr.post(f"/runs/{run.pk}/retry/").status_code == 302
    background_work_join()
    run.refresh_from_db()
    failed.refresh_from_db()
    assert (run.status, run.done, run.failed) == ("done", 4, 0)
    assert (failed.status, failed.version, failed.error) == ("done", 1, "")
    assert AuditEvent.objects.filter(action="run.retry", object_id=str(run.pk)).count() == 1


def test_retrying_a_run_with_nothing_failed_says_so(hr: Client, cycle: ReviewCycle) -> None:
    hr.post(f"/cycles/{cycle.pk}/runs/")
    background_work_join()
    run = EvidenceRun.objects.get(cycle=cycle)

    page = hr.post(f"/runs/{run.pk}/retry/", follow=True).content.decode()

    assert "has no failed packet to retry" in page


def test_employees_cannot_open_or_start_runs(cycle: ReviewCycle) -> None:
    employee = signed_in_client(Person.objects.get(email="dev0@example.com"))

    assert employee.post(f"/cycles/{cycle.pk}/runs/").status_code == 403
    assert employee.get("/cycles/").status_code == 403
    assert not EvidenceRun.objects.exists()

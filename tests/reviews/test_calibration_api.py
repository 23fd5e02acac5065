"""The manager's API: the team list, sheets as JSON and PDF, in the OpenAPI schema; no list takes an order."""

from __future__ import annotations

import pytest
from django.test import Client

from reviews.models import CalibrationGroup
from tests.factories import signed_in_client
from tests.reviews.calibration_org import CalibrationOrg, calibration_org

pytestmark = pytest.mark.django_db


@pytest.fixture
def org() -> CalibrationOrg:
    return calibration_org()


@pytest.fixture
def group(org: CalibrationOrg) -> CalibrationGroup:
    group = CalibrationGroup.objects.create(cycle=org.cycle, name="Payments")
    group.members.set([org.people["zoe"], org.people["adam"], org.people["lee"]])
    group.managers.set([org.people["mira"]])
    return group


def list_urls(org: CalibrationOrg, group: CalibrationGroup) -> list[str]:
    return [
        f"/api/cycles/{org.cycle.pk}/team/",
        f"/api/cycles/{org.cycle.pk}/calibration-sheet/",
        f"/api/calibration-groups/{group.pk}/sheet/",
    ]


def test_the_team_list_is_by_direct_manager_then_name_with_states(org: CalibrationOrg) -> None:
    body = signed_in_client(org.people["head"]).get(f"/api/cycles/{org.cycle.pk}/team/").json()

    assert (body["count"], body["page"], body["pages"]) == (8, 1, 1)
    assert [(row["manager"], row["name"], row["state"]) for row in body["results"]] == [
        ("Hana Head", "Harriet HR", "none"),
        ("Hana Head", "Mira Novak", "none"),
        ("Hana Head", "Omar Diaz", "none"),
        ("Mira Novak", "Adam Young", "released"),
        ("Mira Novak", "Kim Park", "newer_draft"),
        ("Mira Novak", "Lee Chen", "draft"),
        ("Mira Novak", "Zoe Adler", "released"),
        ("Omar Diaz", "Bea Moss", "released"),
    ]
    lee = next(row for row in body["results"] if row["name"] == "Lee Chen")
    assert lee["packet_id"] is None
    assert lee["corrections"] is None


def test_the_group_sheet_is_json_by_name_and_a_pdf_on_request(org: CalibrationOrg, group: CalibrationGroup) -> None:
    client = signed_in_client(org.people["mira"])

    body = client.get(f"/api/calibration-groups/{group.pk}/sheet/").json()
    pdf = client.get(f"/api/calibration-groups/{group.pk}/sheet/?format=pdf")

    assert [row["name"] for row in body["rows"]] == ["Adam Young", "Zoe Adler"]
    assert body["people_without_released_evidence"] == 1
    assert body["caveats"][0].startswith("Rows are in alphabetical order.")
    assert "total" not in body
    assert pdf.status_code == 200
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF-")


@pytest.mark.parametrize("parameter", ["ordering=-prs_merged", "sort=tokens", "order_by=cost_usd", "o=merge_rate"])
def test_every_list_refuses_an_ordering_parameter(org: CalibrationOrg, group: CalibrationGroup, parameter: str) -> None:
    client = signed_in_client(org.people["mira"])
    for url in list_urls(org, group):
        response = client.get(f"{url}?{parameter}")
        assert response.status_code == 400, url
        assert "listed by name" in response.json()["detail"]


def test_anonymous_callers_and_outsiders_get_nothing(org: CalibrationOrg, group: CalibrationGroup) -> None:
    for url in list_urls(org, group):
        assert Client().get(url).status_code == 403, url
    assert signed_in_client(org.people["bea"]).get(f"/api/calibration-groups/{group.pk}/sheet/").status_code == 404


def test_the_schema_documents_the_manager_endpoints() -> None:
    schema = Client().get("/api/schema/").content.decode()
    for path in (
        "/api/cycles/{cycle_id}/team/",
        "/api/calibration-groups/{group_id}/sheet/",
        "/api/cycles/{cycle_id}/people/{person_id}/calibration-note/",
        "/api/cycles/{cycle_id}/calibration-sheet/",
    ):
        assert path in schema

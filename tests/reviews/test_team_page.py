"""The manager's team page: every report's packet state, grouped by direct manager and by name, filters that never
order by a figure, counts from the version the manager may see only, audited, a bounded number of queries."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from pytest_django import DjangoAssertNumQueries

from reviews.models import AuditEvent
from tests.factories import make_person, signed_in_client
from tests.reviews.calibration_org import CalibrationOrg, calibration_org

pytestmark = pytest.mark.django_db


@pytest.fixture
def org() -> CalibrationOrg:
    return calibration_org()


def team_url(org: CalibrationOrg, query: str = "") -> str:
    return f"/cycles/{org.cycle.pk}/team/{query}"


def row_names(html: str) -> list[str]:
    return re.findall(r'<th scope="row">([^<]+)</th>', html)


def test_head_sees_direct_and_indirect_reports_grouped_by_direct_manager_then_by_name(org: CalibrationOrg) -> None:
    html = signed_in_client(org.people["head"]).get(team_url(org)).content.decode()

    headings = re.findall(r"<h2>Reporting to ([^<]+)</h2>", html)
    assert headings == ["Hana Head", "Mira Novak", "Omar Diaz"]
    assert row_names(html) == [
        "Harriet HR", "Mira Novak", "Omar Diaz",
        "Adam Young", "Kim Park", "Lee Chen", "Zoe Adler",
        "Bea Moss",
    ]  # fmt: skip


def test_each_report_shows_its_packet_state(org: CalibrationOrg) -> None:
    html = signed_in_client(org.people["mira"]).get(team_url(org)).content.decode()

    states = dict(re.findall(r'<th scope="row">([^<]+)</th><td>[^<]*</td><td>([^<]+)</td>', html))
    assert states == {
        "Adam Young": "Released",
        "Kim Park": "Released; a newer draft since",
        "Lee Chen": "Draft, not released",
        "Zoe Adler": "Released",
    }


def test_counts_and_link_come_from_the_released_version_and_a_draft_shows_none(org: CalibrationOrg) -> None:
    html = signed_in_client(org.people["mira"]).get(team_url(org)).content.decode()

    adam = html[html.index("Adam Young") : html.index("Kim Park")]
    assert re.search(r"<td>1</td><td>1</td><td>1 of 1</td>", adam), "1 correction, 1 highlight, 1 of 1 flag explained"
    assert f"/packets/{org.packets['adam'].pk}/calibration/" in adam
    kim = html[html.index("Kim Park") : html.index("Lee Chen")]
    assert f"/packets/{org.packets['kim'].pk}/calibration/" in kim, "the released v1, not the newer draft"
    assert f"/packets/{org.packets['kim_v2'].pk}/" not in kim
    lee = html[html.index("Lee Chen") : html.index("Zoe Adler")]
    assert "shown once released" in lee
    assert f"/packets/{org.packets['lee'].pk}/" not in lee


@pytest.mark.parametrize(
    ("query", "names"),
    [
        ("?team=Checkout", ["Kim Park", "Lee Chen"]),
        ("?state=newer_draft", ["Kim Park"]),
        ("?state=draft", ["Lee Chen"]),
        ("?state=released&team=Payments", ["Adam Young", "Zoe Adler"]),
    ],
)
def test_filters_by_team_and_state(org: CalibrationOrg, query: str, names: list[str]) -> None:
    html = signed_in_client(org.people["mira"]).get(team_url(org, query)).content.decode()
    assert row_names(html) == names


@pytest.mark.parametrize("parameter", ["ordering=prs_merged", "sort=-tokens", "order_by=cost", "o=merge_rate"])
def test_an_ordering_parameter_is_refused_with_a_message(org: CalibrationOrg, parameter: str) -> None:
    response = signed_in_client(org.people["mira"]).get(team_url(org, f"?{parameter}"))

    assert response.status_code == 400
    assert "never ordered by a usage, cost or outcome figure" in response.content.decode()
    assert row_names(response.content.decode()) == []


def test_an_unknown_state_is_a_400_naming_the_field(org: CalibrationOrg) -> None:
    response = signed_in_client(org.people["mira"]).get(team_url(org, "?state=top"))
    assert response.status_code == 400
    assert "state:" in response.content.decode()


def test_a_peer_sees_no_one_and_an_unknown_cycle_is_404(org: CalibrationOrg) -> None:
    html = signed_in_client(org.people["zoe"]).get(team_url(org)).content.decode()
    assert row_names(html) == []
    assert "you have no reports in this cycle" in html
    assert signed_in_client(org.people["mira"]).get("/cycles/999999/team/").status_code == 404
    assert Client().get(team_url(org)).status_code == 302  # to the login page


def test_opening_the_team_page_is_audited(org: CalibrationOrg) -> None:
    signed_in_client(org.people["mira"]).get(team_url(org))
    assert list(AuditEvent.objects.values_list("actor_label", "action", "object_id")) == [
        ("mira@example.com", "team.view", str(org.cycle.pk))
    ]


def test_a_page_of_a_hundred_reports_takes_a_fixed_number_of_queries(
    org: CalibrationOrg, django_assert_max_num_queries: DjangoAssertNumQueries
) -> None:
    for index in range(120):
        make_person(name=f"Report {index:03}", email=f"r{index}@example.com", manager=org.people["mira"])
    client = signed_in_client(org.people["head"])

    with django_assert_max_num_queries(15):  # session, viewer and its 4 levels of reports, audit, releases, page
        response = client.get(team_url(org))

    assert response.status_code == 200
    assert "Page 1 of 2" in response.content.decode()

"""The calibration sheet: released evidence side by side, by name, never totalled or ordered by a figure; caveats
first; notes for the person's manager chain and HR only; a landscape PDF, verifiable; every view audited."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils.html import escape
from pypdf import PdfReader
from pytest_django import DjangoAssertNumQueries

from evidence.facts.caveats import OWN_BASELINE
from reviews.calibration import CALIBRATION_CAVEAT
from reviews.models import AuditEvent, CalibrationGroup, CalibrationNote, CalibrationPrint
from reviews.printing.pdf import FACTS_ATTACHMENT_NAME
from tests.factories import make_packet, make_person, signed_in_client
from tests.reviews.calibration_org import CalibrationOrg, calibration_org, facts_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def org() -> CalibrationOrg:
    return calibration_org()


def sheet_url(org: CalibrationOrg) -> str:
    return f"/cycles/{org.cycle.pk}/calibration/"


def row_names(html: str) -> list[str]:
    return re.findall(r'<th scope="row">([^<]+)<br>', html)


def group_of(org: CalibrationOrg, *, members: list[str], managers: list[str]) -> CalibrationGroup:
    group = CalibrationGroup.objects.create(cycle=org.cycle, name="Payments and Ledger")
    group.members.set([org.people[name] for name in members])
    group.managers.set([org.people[name] for name in managers])
    return group


def test_rows_are_people_with_released_evidence_in_alphabetical_order_not_by_any_figure(org: CalibrationOrg) -> None:
    html = signed_in_client(org.people["head"]).get(sheet_url(org)).content.decode()

    # Zoe merged 9 AI-assisted PRs, Kim 4, Bea 3, Adam 1: name order is none of the figures' orders.
    assert row_names(html) == ["Adam Young", "Bea Moss", "Kim Park", "Zoe Adler"]
    assert "Lee Chen" not in html, "a draft is the employee's until released"
    assert "4 more have no released evidence yet" in html  # Lee, and Mira, Omar and Harriet without packets


def test_a_newer_draft_does_not_replace_the_released_version_on_the_sheet(org: CalibrationOrg) -> None:
    html = signed_in_client(org.people["mira"]).get(sheet_url(org)).content.decode()
    kim = html[html.index("Kim Park") : html.index("Zoe Adler")]
    assert "packet v1" in kim
    assert f"/packets/{org.packets['kim'].pk}/calibration/" in kim


def test_figures_sit_side_by_side_with_highlights_flags_corrections_and_coverage(org: CalibrationOrg) -> None:
    response = signed_in_client(org.people["mira"]).get(f"/api/cycles/{org.cycle.pk}/calibration-sheet/")
    adam = next(row for row in response.json()["rows"] if row["name"] == "Adam Young")
    facts = org.packets["adam"].facts
    ai, other = facts["outcomes"]["ai_assisted"], facts["outcomes"]["other"]

    figures = {figure["key"]: (figure["ai"], figure["other"]) for figure in adam["figures"]}
    assert figures == {
        key: (ai[key], other[key])
        for key in ("prs_merged", "merge_rate", "survival_share", "reverted", "follow_up_fix_lines")
    }
    assert adam["highlights"] == [facts["highlights"][0]["title"]]
    assert adam["flags"] == [{"flag": "Usage with no linked work", "explained": True}]
    assert adam["corrections"] == 1
    assert "of AI usage linked to work" in adam["coverage"]
    assert adam["confidence"].startswith("work split ")


def test_there_is_no_total_row_and_the_caveats_come_first(org: CalibrationOrg) -> None:
    html = signed_in_client(org.people["mira"]).get(sheet_url(org)).content.decode()

    assert html.index("What these figures cannot tell") < html.index("<table")
    assert escape(CALIBRATION_CAVEAT) in html
    assert escape(OWN_BASELINE) in html
    survival = next(
        item["text"] for item in org.packets["adam"].facts["caveats"] if item["applies_to"] == "survival_share"
    )
    assert escape(survival) in html, "the facts' own research caveats are carried to the sheet"
    assert not re.search(r">\s*(Total|Sum|Average|Mean|Rank)", html)
    assert "<tfoot" not in html


def test_notes_are_for_the_manager_chain_and_hr_and_never_for_a_group_sitter_outside_it(org: CalibrationOrg) -> None:
    CalibrationNote.objects.create(person=org.people["bea"], cycle=org.cycle, text="Carried the ledger migration.")
    CalibrationNote.objects.create(person=org.people["zoe"], cycle=org.cycle, text="Mentored two new hires.")
    group = group_of(org, members=["zoe", "bea"], managers=["mira", "omar"])
    url = f"/api/calibration-groups/{group.pk}/sheet/"

    def notes(viewer: str) -> dict[str, str | None]:
        return {row["name"]: row["note"] for row in signed_in_client(org.people[viewer]).get(url).json()["rows"]}

    assert notes("mira") == {"Bea Moss": None, "Zoe Adler": "Mentored two new hires."}
    assert notes("omar") == {"Bea Moss": "Carried the ledger migration.", "Zoe Adler": None}
    assert notes("hr") == {"Bea Moss": "Carried the ledger migration.", "Zoe Adler": "Mentored two new hires."}
    assert signed_in_client(org.people["head"]).get(url).status_code == 404
    assert signed_in_client(org.people["zoe"]).get(url).status_code == 404
    html = signed_in_client(org.people["mira"]).get(f"/calibration-groups/{group.pk}/").content.decode()
    assert "Carried the ledger migration." not in html
    assert "Mentored two new hires." in html


def test_a_group_sitter_sees_members_outside_their_chain_only_once_released(org: CalibrationOrg) -> None:
    group = group_of(org, members=["bea", "lee"], managers=["omar"])

    rows = signed_in_client(org.people["omar"]).get(f"/api/calibration-groups/{group.pk}/sheet/").json()["rows"]

    assert [row["name"] for row in rows] == ["Bea Moss"]


def test_viewing_and_downloading_a_sheet_are_audited(org: CalibrationOrg) -> None:
    group = group_of(org, members=["zoe"], managers=["mira"])
    client = signed_in_client(org.people["mira"])
    client.get(f"/calibration-groups/{group.pk}/")
    client.get(sheet_url(org))
    client.get(f"/calibration-groups/{group.pk}/pdf/")

    assert list(AuditEvent.objects.order_by("pk").values_list("action", "object_type", "object_id")) == [
        ("calibration.sheet.view", "reviews.calibrationgroup", str(group.pk)),
        ("calibration.sheet.view", "reviews.reviewcycle", str(org.cycle.pk)),
        ("calibration.sheet.download", "reviews.calibrationgroup", str(group.pk)),
    ]


def test_the_pdf_is_landscape_carries_the_sheet_and_verifies(org: CalibrationOrg, tmp_path: Path) -> None:
    CalibrationNote.objects.create(person=org.people["zoe"], cycle=org.cycle, text="Steady mentor.")
    response = signed_in_client(org.people["mira"]).get(f"{sheet_url(org)}pdf/")

    assert response.status_code == 200
    pdf = response.content
    assert pdf.startswith(b"%PDF-")
    reader = PdfReader(io.BytesIO(pdf))
    box = reader.pages[0].mediabox
    assert float(box.width) > float(box.height), "landscape"
    text = "".join(page.extract_text() for page in reader.pages)
    assert text.index("Adam Young") < text.index("Kim Park") < text.index("Zoe Adler")
    assert "Steady mentor." in text
    embedded = json.loads(reader.attachments[FACTS_ATTACHMENT_NAME][0])
    assert [row["name"] for row in embedded["rows"]] == ["Adam Young", "Kim Park", "Zoe Adler"]
    record = CalibrationPrint.objects.get()
    assert record.people == 3

    copy = tmp_path / "sheet.pdf"
    copy.write_bytes(pdf)
    out = io.StringIO()
    call_command("verify_packet", str(copy), stdout=out)
    assert "VERIFIED" in out.getvalue()
    assert "calibration sheet" in out.getvalue()


def test_a_sheet_of_fifty_people_takes_a_fixed_number_of_queries(
    org: CalibrationOrg, django_assert_max_num_queries: DjangoAssertNumQueries
) -> None:
    for index in range(50):
        person = make_person(name=f"Report {index:02}", email=f"r{index}@example.com", manager=org.people["mira"])
        make_packet(
            person=person, cycle=org.cycle, facts=facts_for(person, seed=index, prs_merged=index), released=True
        )
    client = signed_in_client(org.people["mira"])

    with django_assert_max_num_queries(13):  # session, viewer and its levels of reports, audit, releases, sheet
        response = client.get(sheet_url(org))

    assert len(row_names(response.content.decode())) == 53

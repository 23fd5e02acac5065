"""Versions keep the employee's annotations; every version stays downloadable and verifiable; the preview matches."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from pypdf import PdfReader

from evidence.facts.schema import EvidenceFactsDict
from reviews.models import Packet
from reviews.services.self_review import HighlightInput, flag_explanation_set, highlights_set, narrative_set
from reviews.tasks import evidence_run_start
from tests.factories import make_cycle, make_person
from tests.reviews.facts_samples import typical_facts

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def engine_facts(monkeypatch: pytest.MonkeyPatch) -> None:
    """Stand in for the evidence engine: realistic facts in the contract's shape, for whoever is asked."""

    def facts(*, packet: Packet) -> EvidenceFactsDict:
        person = packet.person
        return typical_facts(seed=person.pk, name=person.name, email=person.email, team=person.team)

    monkeypatch.setattr("reviews.services.packets.packet_facts_get", facts)


def pdf_bytes(packet: Packet) -> bytes:
    with packet.pdf.open("rb") as handle:
        data: bytes = handle.read()
    return data


def pdf_text(packet: Packet) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf_bytes(packet))).pages)


def test_regenerating_keeps_annotations_and_old_versions(engine_facts: None) -> None:
    person = make_person(name="Ada Castro", email="ada@example.com")
    cycle = make_cycle(name="2026-H2", start=date(2026, 7, 1), end=date(2026, 12, 31))
    evidence_run_start(cycle=cycle)
    highlight = typical_facts(seed=person.pk)["highlights"][3]
    key = f"{highlight['repository']} {highlight['ref']}"
    user = person.user
    assert user is not None
    narrative_set(person=person, cycle=cycle, text="My half-year in my words.", user=user)
    highlights_set(
        person=person, cycle=cycle, items=[HighlightInput(item=key, context="Saved the Q4 close.")], user=user
    )
    flag_explanation_set(
        person=person, cycle=cycle, kind="unlinked_usage", explanation="Onboarding week: reading code.", user=user
    )

    evidence_run_start(cycle=cycle)
    evidence_run_start(cycle=cycle)

    first, second, third = Packet.objects.filter(person=person).order_by("version")
    assert [first.version, second.version, third.version] == [1, 2, 3]
    assert first.annotations == []
    assert second.annotations == third.annotations
    text = pdf_text(third)
    for expected in (
        "My half-year in my words.",
        "Picked by the employee.",
        "Saved the Q4 close.",
        "Onboarding week: reading code.",
    ):
        assert expected in text
    assert "My half-year" not in pdf_text(first)
    assert person.annotations.count() == 3
    assert len({first.sha256, second.sha256, third.sha256}) == 3


def test_verify_packet_names_person_cycle_and_version_of_every_version(engine_facts: None, tmp_path: Path) -> None:
    person = make_person(name="Ada Castro", email="ada@example.com")
    cycle = make_cycle(name="2026-H2")
    evidence_run_start(cycle=cycle)
    evidence_run_start(cycle=cycle)
    for packet in Packet.objects.filter(person=person):
        path = tmp_path / f"v{packet.version}.pdf"
        path.write_bytes(pdf_bytes(packet))
        out = io.StringIO()
        call_command("verify_packet", str(path), stdout=out)
        assert (
            f"VERIFIED: v{packet.version}.pdf is an unaltered tokenproof packet: Ada Castro <ada@example.com>, cycle 2026-H2, version {packet.version}"
            in out.getvalue()
        )


@pytest.mark.parametrize("change", ["flip a byte", "append a byte", "truncate"])
def test_any_change_to_the_file_fails_verification(engine_facts: None, tmp_path: Path, change: str) -> None:
    make_person(email="ada@example.com")
    run = evidence_run_start(cycle=make_cycle(name="2026-H2"))
    data = bytearray(pdf_bytes(run.packets.get()))
    if change == "flip a byte":
        data[len(data) // 2] ^= 0x01
    elif change == "append a byte":
        data += b"\n"
    else:
        data = data[:-10]
    path = tmp_path / "packet.pdf"
    path.write_bytes(bytes(data))
    with pytest.raises(CommandError, match="NOT VERIFIED"):
        call_command("verify_packet", str(path), stdout=io.StringIO())


def test_an_altered_copy_says_whose_packet_it_claims_to_be(engine_facts: None, tmp_path: Path) -> None:
    make_person(email="ada@example.com")
    run = evidence_run_start(cycle=make_cycle(name="2026-H2"))
    path = tmp_path / "packet.pdf"
    path.write_bytes(pdf_bytes(run.packets.get()) + b"%tampered\n")
    with pytest.raises(CommandError, match=r"claims to be the packet of ada@example\.com for cycle 2026-H2"):
        call_command("verify_packet", str(path), stdout=io.StringIO())


def test_html_preview_prints_the_same_context_escaped(engine_facts: None) -> None:
    person = make_person(name="Ada Castro", email="ada@example.com")
    cycle = make_cycle(name="2026-H2")
    assert person.user is not None
    narrative_set(person=person, cycle=cycle, text="<script>alert(1)</script> my year", user=person.user)
    packet = evidence_run_start(cycle=cycle).packets.get()
    client = Client()
    assert person.user is not None
    client.force_login(person.user)

    page = client.get(f"/packets/{packet.pk}/").content.decode()

    assert "&lt;script&gt;alert(1)&lt;/script&gt; my year" in page
    assert "<script>alert(1)" not in page
    assert "Outcomes: AI-assisted against the person's own other work" in page
    assert "<svg" in page
    assert "No one is ranked by token volume or cost" in page


def test_a_packet_past_its_render_budget_ends_failed_with_the_reason(
    engine_facts: None, monkeypatch: pytest.MonkeyPatch, settings: Any
) -> None:
    # 5 s: far past the runaway table's budget, yet safe for an ordinary packet on a loaded machine
    settings.TOKENPROOF_RENDER_SECONDS = 5
    make_person(name="Runaway")
    fine = make_person(name="Fine")
    rows = "".join(f"<tr><td>{index}</td><td>{'word ' * 40}</td></tr>" for index in range(30_000))
    real = __import__("reviews.services.packets", fromlist=["packet_html"]).packet_html

    def html(*, facts: EvidenceFactsDict, annotations: list[dict[str, Any]], version: int) -> str:
        if facts["person"]["name"] == "Runaway":
            return f"<table>{rows}</table>"
        return real(facts=facts, annotations=annotations, version=version)  # type: ignore[no-any-return]

    monkeypatch.setattr("reviews.services.packets.packet_html", html)
    run = evidence_run_start(cycle=make_cycle())

    run.refresh_from_db()
    assert (run.status, run.done, run.failed) == ("partial", 1, 1)
    failed = run.packets.get(person__name="Runaway")
    assert failed.status == "failed"
    assert "time budget" in failed.error
    assert run.packets.get(person=fine).status == "done"

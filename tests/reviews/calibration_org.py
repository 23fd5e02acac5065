"""A small org for the team page and calibration sheet tests: two managers under a head, their reports with
stored packets in every state, and figures chosen so that name order and any figure's order disagree."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from evidence.facts.schema import EvidenceFactsDict
from reviews.models import Packet, Person, ReviewCycle
from tests.factories import make_cycle, make_packet, make_person
from tests.reviews.facts_samples import typical_facts


@dataclass
class CalibrationOrg:
    cycle: ReviewCycle
    people: dict[str, Person]
    packets: dict[str, Packet]


def facts_for(person: Person, *, seed: int, prs_merged: int) -> EvidenceFactsDict:
    facts = typical_facts(seed=seed, name=person.name, email=person.email, team=person.team)
    facts["outcomes"]["ai_assisted"]["prs_merged"] = prs_merged
    return facts


def highlight_picked(facts: EvidenceFactsDict, index: int) -> dict[str, Any]:
    item = facts["highlights"][index]
    return {"kind": "highlight", "item_key": f"{item['repository']} {item['ref']}", "text": "", "highlighted": True}


def calibration_org() -> CalibrationOrg:
    """head → (mira → zoe, adam, kim, lee), (omar → bea); hr beside. Packets:
    zoe released v1 (merged 9), adam released v1 (merged 1) with a picked highlight, a correction and one flag
    explained, kim released v1 then a newer draft v2, lee a draft only, bea released v1; nobody for omar himself."""
    cycle = make_cycle(name="2026-H2", start=date(2026, 7, 1), end=date(2026, 12, 31))
    head = make_person(name="Hana Head", email="head@example.com", team="Leadership")
    mira = make_person(name="Mira Novak", email="mira@example.com", manager=head, team="Payments")
    omar = make_person(name="Omar Diaz", email="omar@example.com", manager=head, team="Ledger")
    people = {
        "head": head,
        "mira": mira,
        "omar": omar,
        "zoe": make_person(name="Zoe Adler", email="zoe@example.com", manager=mira, team="Payments"),
        "adam": make_person(name="Adam Young", email="adam@example.com", manager=mira, team="Payments"),
        "kim": make_person(name="Kim Park", email="kim@example.com", manager=mira, team="Checkout"),
        "lee": make_person(name="Lee Chen", email="lee@example.com", manager=mira, team="Checkout"),
        "bea": make_person(name="Bea Moss", email="bea@example.com", manager=omar, team="Ledger"),
        "hr": make_person(name="Harriet HR", email="hr@example.com", role=Person.Role.HR, manager=head),
    }
    adam_facts = facts_for(people["adam"], seed=2, prs_merged=1)
    adam_notes = [
        highlight_picked(adam_facts, 0),
        {
            "kind": "dispute",
            "item_key": "acme/ledger #7",
            "text": "Not AI-assisted: I wrote it by hand.",
            "highlighted": False,
        },
        {"kind": "flag_explanation", "item_key": "unlinked_usage", "text": "Design spikes.", "highlighted": False},
    ]
    packets = {
        "zoe": make_packet(
            person=people["zoe"], cycle=cycle, facts=facts_for(people["zoe"], seed=1, prs_merged=9), released=True
        ),
        "adam": make_packet(
            person=people["adam"], cycle=cycle, facts=adam_facts, released=True, annotations=adam_notes
        ),
        "kim": make_packet(
            person=people["kim"], cycle=cycle, facts=facts_for(people["kim"], seed=3, prs_merged=4), released=True
        ),
        "kim_v2": make_packet(
            person=people["kim"], cycle=cycle, facts=facts_for(people["kim"], seed=4, prs_merged=5), version=2
        ),
        "lee": make_packet(person=people["lee"], cycle=cycle, facts=facts_for(people["lee"], seed=5, prs_merged=7)),
        "bea": make_packet(
            person=people["bea"], cycle=cycle, facts=facts_for(people["bea"], seed=6, prs_merged=3), released=True
        ),
    }
    return CalibrationOrg(cycle=cycle, people=people, packets=packets)

"""Facts for a scenario, validated against the published JSON Schema on the way out."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema

from evidence.facts.build import person_facts_build
from evidence.facts.schema import EvidenceFactsDict, stored_facts
from reviews.models import Person, ReviewCycle

SCHEMA_PATH = Path(__file__).resolve().parents[3] / "docs" / "evidence-schema.json"


@cache
def facts_schema() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(SCHEMA_PATH.read_text())
    return loaded


def valid_facts(person: Person, cycle: ReviewCycle) -> EvidenceFactsDict:
    facts = person_facts_build(person=person, cycle=cycle).facts
    # a round trip through JSON proves every value is plain JSON (no dates, Decimals or model objects)
    plain = json.loads(json.dumps(facts))
    jsonschema.validate(plain, facts_schema(), format_checker=jsonschema.FormatChecker())
    return stored_facts(plain)

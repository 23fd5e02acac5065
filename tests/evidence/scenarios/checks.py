"""Facts for a scenario, validated against the published JSON Schema on the way out."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema

from evidence.selectors import evidence_facts_get
from reviews.models import Person, ReviewCycle

SCHEMA_PATH = Path(__file__).resolve().parents[3] / "docs" / "evidence-schema.json"


@cache
def facts_schema() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(SCHEMA_PATH.read_text())
    return loaded


def valid_facts(person: Person, cycle: ReviewCycle) -> dict[str, Any]:
    facts = evidence_facts_get(person=person, cycle=cycle)
    # a round trip through JSON proves every value is plain JSON (no dates, Decimals or model objects)
    facts = dict(json.loads(json.dumps(facts)))
    jsonschema.validate(facts, facts_schema(), format_checker=jsonschema.FormatChecker())
    return facts

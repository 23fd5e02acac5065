"""The packet context reads the facts through their types, and still prints facts stored before keys were added."""

from __future__ import annotations

from datetime import date

from reviews.printing.context import packet_context_build
from reviews.services.packets import packet_html
from tests.reviews.facts_samples import required_keys_only, typical_facts


def test_facts_stored_before_the_keys_added_within_version_1_still_print() -> None:
    facts = required_keys_only(typical_facts())
    assert "confidence" not in facts["work"]
    assert "refactor_lines_moved" not in facts["outcomes"]["ai_assisted"]

    context = packet_context_build(facts=facts, annotations=[], version=1, generated_on=date(2027, 1, 5))

    moved = next(row for row in context.outcome_rows if row.label == "Refactoring: lines moved")
    assert (moved.ai, moved.other, moved.previous_ai) == ("no data", "no data", "no data")
    assert (context.outcome_provenance, context.work_confidence, context.coverage_confidence) == ("", "", "")
    assert [flag.confidence for flag in context.flags] == [""]
    assert {highlight.outcome_confidence for highlight in context.contributions} == {""}
    assert "Confidence" not in dict(context.usage_rows)["Cost per merged AI-assisted pull request"]
    assert "confidence" not in context.usage_provenance
    assert "Ada Castro" in packet_html(facts=facts, annotations=[], version=1)


def test_the_outcome_provenance_prints_what_durability_was_measured_on() -> None:
    facts = typical_facts()
    measured = facts["outcomes"]["ai_assisted"].get("provenance")
    assert measured is not None

    context = packet_context_build(facts=facts, annotations=[], version=1, generated_on=date(2027, 1, 5))

    commits = measured["commits_with_survival_measured"]
    assert context.outcome_provenance.startswith(
        f"survival measured on {commits:,} commits, last on 2026-12-31; moved lines measured on {commits:,} commits; "
        "confidence high ("
    )

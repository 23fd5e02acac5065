"""The packet context reads the facts through their types, still prints facts stored before keys were added, and
says no more than the facts carry: patterns by how much they rest on, the evidence for a highlight's tool, one line
per repository whose durability cannot be measured."""

from __future__ import annotations

from datetime import date

from evidence.facts.schema import EvidenceFactsDict
from reviews.printing.context import PacketContext, packet_context_build
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


def context_of(facts: EvidenceFactsDict) -> PacketContext:
    return packet_context_build(facts=facts, annotations=[], version=1, generated_on=date(2027, 1, 5))


def test_the_summary_names_only_patterns_that_rest_on_more_than_one_item() -> None:
    facts = typical_facts()
    facts["patterns"] = [
        {
            "kind": "delegation",
            "label": "Delegation",
            "summary": "Handed whole changes to an agent.",
            "rests_on": {"sessions_with_many_accepted_edits": 0, "commits_authored_by_an_agent": 1},
            "confidence": "low",
        },
        {
            "kind": "exploration",
            "label": "Exploration and understanding",
            "summary": "Read code without changing it.",
            "rests_on": {"sessions_reading_without_edits": 3},
            "confidence": "medium",
        },
    ]

    context = context_of(facts)

    summary = " ".join(context.summary)
    assert "the usage patterns seen were exploration and understanding." in summary
    assert "delegation" not in summary.lower()
    assert [pattern.label for pattern in context.patterns] == ["Delegation", "Exploration and understanding"]


def test_a_highlight_names_its_tool_with_the_evidence_for_it() -> None:
    facts = typical_facts()
    facts["highlights"] = facts["highlights"][:1]
    facts["highlights"][0]["ai"] = {
        "tools": ["copilot"],
        "reason": "trailer",
        "evidence": "co-author trailer",
        "confidence": 0.9,
    }

    html = packet_html(facts=facts, annotations=[], version=1)

    assert "<b>What AI did.</b> copilot. Attribution: co-author trailer (confidence 0.9)." in html


def test_each_github_only_repository_gets_one_line_beside_the_outcomes() -> None:
    facts = typical_facts()
    facts["coverage"]["repositories_without_blame"] = ["acme/shop", "acme/web"]

    html = packet_html(facts=facts, annotations=[], version=1)

    for name in ("acme/shop", "acme/web"):
        assert html.count(f"{name}: known from GitHub only, with no local clone to run git blame on") == 1

"""The packet's context says no more than the facts carry: patterns by how much they rest on, the evidence for a
highlight's tool, one line per repository whose durability cannot be measured."""

from __future__ import annotations

from datetime import date
from typing import Any

from reviews.printing.context import packet_context_build
from reviews.services.packets import packet_html
from tests.reviews.facts_samples import typical_facts


def context_of(facts: dict[str, Any]) -> Any:
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

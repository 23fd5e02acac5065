"""The packet's summary: every sentence agrees with the figures printed below it, whatever data is present.

A table of every combination of usage (none, coding tools, usage from sources that name no tool) and of work on each
side, AI-assisted and other (none, commits without pull requests, pull requests with survival measured, pull
requests without a local clone so survival is not measured), checked against the facts by one oracle.
"""

from __future__ import annotations

import re
from datetime import date
from itertools import product

import pytest

from evidence.facts.schema import EvidenceFactsDict, OutcomeDict
from reviews.printing.context import packet_context_build, share
from tests.reviews.facts_samples import empty_facts, empty_outcome

USAGE = ("none", "coding tools", "no tool named")
WORK = ("none", "commits without PRs", "PRs, survival measured", "PRs without local git")


def outcome(work: str, *, scale: int) -> OutcomeDict:
    """Figures for one side; `scale` keeps the two sides' numbers apart, so the oracle knows whose each is."""
    result = empty_outcome()
    if work == "commits without PRs":
        result |= {"commits": 3 * scale, "lines_added": 120 * scale, "lines_surviving": 90 * scale}
        result["survival_share"] = 0.75
    elif work == "PRs, survival measured":
        result |= {"commits": 7 * scale, "prs_opened": 4 * scale, "prs_merged": 3 * scale, "merge_rate": 0.75}
        result |= {"lines_added": 200 * scale, "lines_surviving": 160 * scale, "survival_share": 0.8, "reverted": 1}
    elif work == "PRs without local git":
        result |= {"commits": 6 * scale, "prs_opened": 4 * scale, "prs_merged": 2 * scale, "merge_rate": 0.5}
        result |= {"lines_added": 300 * scale, "reverted": 2 * scale}
    return result


def facts_for(usage: str, ai_work: str, other_work: str, *, reviews_given: int = 0) -> EvidenceFactsDict:
    facts = empty_facts(name="Cam Ito", email="cam@example.com", team="Payments")
    ai, other = outcome(ai_work, scale=1), outcome(other_work, scale=10)
    facts["outcomes"]["ai_assisted"], facts["outcomes"]["other"] = ai, other
    facts["work"] |= {
        "commits": ai["commits"] + other["commits"],
        "pull_requests": ai["prs_opened"] + other["prs_opened"],
        "reviews_given": reviews_given,
    }
    if usage == "coding tools":
        facts["usage"]["tools"] = [
            {"tool": "Claude Code", "provider": "anthropic", "active_days": 12, "sessions": 30, "models": ["m"]}
        ]
        facts["usage"] |= {"active_days": 12, "sessions": 30}
    elif usage == "no tool named":
        facts["usage"]["active_days"] = 4
    return facts


def summary_of(facts: EvidenceFactsDict) -> str:
    context = packet_context_build(facts=facts, annotations=[], version=1, generated_on=date(2027, 1, 5))
    return " ".join(context.summary)


def figures_of(facts: EvidenceFactsDict) -> set[str]:
    """Every number the summary may print: the facts' counts and their shares as printed."""
    counts = {facts["usage"]["active_days"], facts["work"]["reviews_given"], len(facts["flags"])}
    shares = set()
    for side in (facts["outcomes"]["ai_assisted"], facts["outcomes"]["other"]):
        counts |= {side["commits"], side["prs_opened"], side["prs_merged"], side["reverted"]}
        shares |= {share(value) for value in (side["merge_rate"], side["survival_share"]) if value is not None}
    return {str(count) for count in counts} | shares


@pytest.mark.parametrize(("usage", "ai_work", "other_work"), list(product(USAGE, WORK, WORK)))
def test_every_summary_sentence_agrees_with_the_figures(usage: str, ai_work: str, other_work: str) -> None:
    facts = facts_for(usage, ai_work, other_work)
    ai, other = facts["outcomes"]["ai_assisted"], facts["outcomes"]["other"]
    text = summary_of(facts)

    no_work = ai_work == other_work == "none"
    assert ("No repository work was found" in text) == no_work
    assert ("No AI coding-tool usage was recorded" in text) == (usage == "none")
    assert ("not using AI is not a finding" in text) == (usage == "none" and ai_work == "none")
    for label, side in (("AI-assisted", ai), ("other", other)):
        if side["prs_opened"]:
            assert f"{side['prs_merged']} of {side['prs_opened']} " in text
            assert f"({share(side['merge_rate'])})" in text
        if side["commits"]:
            assert f"{side['commits']} {label} commit" in text
        if side["commits"] or side["prs_opened"]:
            assert f"{side['reverted']} {label} change" in text
            if side["survival_share"] is None:
                assert f"survival of {label} lines was not measured" in text
            else:
                assert f"{share(side['survival_share'])} of {label} lines were still in place" in text
        else:
            assert f"of {label} lines" not in text
    assert ("AI-assisted pull requests were merged" in text) == bool(ai["prs_opened"])
    assert "no data" not in text
    assert " of 0 " not in text
    assert set(re.findall(r"\d+%?", text)) <= figures_of(facts), text


def test_commits_without_pull_requests_are_not_called_no_work() -> None:
    facts = empty_facts(name="Cam Ito", email="cam@example.com", team="Payments")
    facts["work"]["commits"] = 3
    facts["outcomes"]["ai_assisted"]["commits"] = 3

    text = summary_of(facts)

    assert "No repository work" not in text
    assert "3 AI-assisted commits" in text


def test_reviews_given_without_commits_or_pull_requests_are_not_called_no_work() -> None:
    text = summary_of(facts_for("none", "none", "none", reviews_given=9))

    assert "No repository work" not in text
    assert "they gave 9 reviews on others' pull requests" in text


def test_one_flag_is_a_flag_and_not_a_score() -> None:
    facts = facts_for("coding tools", "none", "none")
    facts["flags"] = [
        {
            "kind": "unlinked_usage",
            "summary": "s",
            "days": [],
            "figures": {"days": 3, "tokens_on_those_days": 1, "share_of_coding_tokens": 0.1},
        }
    ]

    assert "1 context flag is listed in section 5 for the employee to explain; it is not a score." in summary_of(facts)

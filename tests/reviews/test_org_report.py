"""The org report: team and org aggregates from which no suppressed team's figures can be recovered."""

from __future__ import annotations

from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st

from evidence.facts.schema import EvidenceFactsDict
from reviews.models import ReviewCycle
from reviews.services.exports.org_report import org_figures, org_report_html
from tests.reviews.derivable import indicator, small_sets_singled_out, span_of
from tests.reviews.facts_samples import empty_facts, typical_facts


def team_of(team: str, count: int) -> list[EvidenceFactsDict]:
    return [typical_facts(seed=index, team=team, email=f"{team}{index}@example.com") for index in range(count)]


def test_two_one_person_teams_cannot_be_recovered_from_the_org_row() -> None:
    solos = [
        empty_facts(name=f"Solo {index}", email=f"solo{index}@example.com", team=f"Solo {index}") for index in (1, 2)
    ]

    figures = org_figures(facts_list=team_of("Payments", 6) + team_of("Data", 7) + solos)

    hidden = [team for team in figures.teams if team.suppressed]
    assert {"Solo 1", "Solo 2"} <= {team.name for team in hidden}
    # The org row minus the teams shown is the hidden teams together: they must be a group of 5 or more.
    assert figures.org.suppressed or sum(team.people for team in hidden) >= 5


def test_the_report_says_how_many_teams_and_people_were_suppressed_without_their_figures() -> None:
    cycle = ReviewCycle(name="2026-H2", start=date(2026, 7, 1), end=date(2026, 12, 31))
    solos = [
        empty_facts(name=f"Solo {index}", email=f"solo{index}@example.com", team=f"Solo {index}") for index in (1, 2)
    ]

    html = org_report_html(
        cycle=cycle, facts_list=team_of("Payments", 6) + team_of("Data", 7) + solos, generated_on=date(2027, 1, 5)
    )

    text = " ".join(html.split())
    assert "3 teams (8 people) are suppressed." in text
    solo_row = text[text.index("Solo 1") :].split("</tr>")[0]
    assert "suppressed" in solo_row
    assert "%" not in solo_row


@settings(max_examples=300, deadline=None)
@given(st.lists(st.integers(1, 9), min_size=1, max_size=8))
def test_no_suppressed_team_of_a_random_org_can_be_worked_out_from_the_report(team_sizes: list[int]) -> None:
    facts_list: list[EvidenceFactsDict] = []
    teams: dict[str, frozenset[int]] = {}
    for index, size in enumerate(team_sizes):
        name = f"Team {index}"
        teams[name] = frozenset(range(len(facts_list), len(facts_list) + size))
        facts_list += [empty_facts(name=f"P{p}", email=f"p{p}@example.com", team=name) for p in teams[name]]
    everyone = len(facts_list)
    groups = {**teams, "Whole organisation": frozenset(range(everyone))}

    figures = org_figures(facts_list=facts_list)

    shown = [row.name for row in [figures.org, *figures.teams] if not row.suppressed]
    hidden = [row.name for row in figures.teams if row.suppressed]
    span = span_of(groups, shown, everyone)
    assert all(not span.contains(indicator(groups[name], everyone)) for name in hidden)
    assert small_sets_singled_out(groups, shown, everyone) == []
    assert figures.teams_suppressed == len(hidden)
    assert {name for name, people in teams.items() if len(people) < 5} <= set(hidden)

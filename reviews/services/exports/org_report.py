"""The org report: aggregates by team and for the whole org, with every group under 5 people suppressed.

Built from the facts the packets were printed from. Figures are group sums and shares; no person appears, and no
group is ordered by any usage figure (teams are listed by name).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Literal

from django.template.loader import render_to_string

from evidence.facts.schema import EvidenceFactsDict, stored_facts
from reviews.models import Packet, ReviewCycle
from reviews.printing.context import number, share
from reviews.printing.pdf import RenderBudget, html_to_pdf_isolated

MIN_GROUP_SIZE = 5
NO_TEAM = "(no team)"
Side = Literal["ai_assisted", "other"]
SummedFigure = Literal["prs_opened", "prs_merged", "lines_added", "lines_surviving", "reverted"]


@dataclass(frozen=True)
class GroupFigures:
    name: str
    people: int
    suppressed: bool
    adoption: str = ""
    ai_merged: str = ""
    ai_merge_rate: str = ""
    other_merge_rate: str = ""
    ai_survival: str = ""
    other_survival: str = ""
    ai_reverted: str = ""
    other_reverted: str = ""
    usage_linked: str = ""


def _total(facts_list: Sequence[EvidenceFactsDict], side: Side, key: SummedFigure) -> int:
    return sum(facts["outcomes"][side][key] for facts in facts_list)


def _ratio(numerator: int, denominator: int) -> str:
    return share(numerator / denominator) if denominator else "no data"


def group_figures(*, name: str, facts_list: Sequence[EvidenceFactsDict]) -> GroupFigures:
    people = len(facts_list)
    if people < MIN_GROUP_SIZE:
        return GroupFigures(name=name, people=people, suppressed=True)
    users = sum(1 for facts in facts_list if facts["usage"]["active_days"])
    linked = [
        share_value for facts in facts_list if (share_value := facts["coverage"]["usage_linked_share"]) is not None
    ]
    return GroupFigures(
        name=name,
        people=people,
        suppressed=False,
        adoption=f"{share(users / people)} ({users} of {people})",
        ai_merged=number(_total(facts_list, "ai_assisted", "prs_merged")),
        ai_merge_rate=_ratio(
            _total(facts_list, "ai_assisted", "prs_merged"), _total(facts_list, "ai_assisted", "prs_opened")
        ),
        other_merge_rate=_ratio(_total(facts_list, "other", "prs_merged"), _total(facts_list, "other", "prs_opened")),
        ai_survival=_ratio(
            _total(facts_list, "ai_assisted", "lines_surviving"), _total(facts_list, "ai_assisted", "lines_added")
        ),
        other_survival=_ratio(
            _total(facts_list, "other", "lines_surviving"), _total(facts_list, "other", "lines_added")
        ),
        ai_reverted=number(_total(facts_list, "ai_assisted", "reverted")),
        other_reverted=number(_total(facts_list, "other", "reverted")),
        usage_linked=share(sum(linked) / len(linked)) if linked else "no data",
    )


def org_figures(*, facts_list: Sequence[EvidenceFactsDict]) -> tuple[GroupFigures, list[GroupFigures]]:
    """The org row and one row per team (by name). A lone suppressed team would be the org minus the others,
    so the next smallest team is suppressed with it (complementary suppression)."""
    by_team: dict[str, list[EvidenceFactsDict]] = {}
    for facts in facts_list:
        team = facts["person"]["team"].strip() or NO_TEAM
        by_team.setdefault(team, []).append(facts)
    teams = [group_figures(name=team, facts_list=members) for team, members in sorted(by_team.items())]
    suppressed = [team for team in teams if team.suppressed]
    shown = [team for team in teams if not team.suppressed]
    if len(suppressed) == 1 and shown:
        smallest = min(shown, key=lambda team: (team.people, team.name))
        teams = [GroupFigures(name=t.name, people=t.people, suppressed=True) if t is smallest else t for t in teams]
    return group_figures(name="Whole organisation", facts_list=facts_list), teams


def org_report_pdf(*, cycle: ReviewCycle, packets: Sequence[Packet], generated_on: date) -> bytes:
    org, teams = org_figures(facts_list=[stored_facts(packet.facts) for packet in packets if packet.facts])
    html = render_to_string(
        "reviews/print/org_report.html",
        {"cycle": cycle, "org": org, "teams": teams, "min_group": MIN_GROUP_SIZE, "generated_on": generated_on},
    )
    return html_to_pdf_isolated(html, attachment=None, budget=RenderBudget.from_settings())

"""The org report: aggregates by team and for the whole org; groups under 5 people are suppressed, and so are
as many others as it takes that none of them can be worked out by subtraction.

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
from reviews.services.suppression import MIN_GROUP_SIZE, Group, aggregates_suppress

ORG_KEY = ""
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


def group_figures(*, name: str, facts_list: Sequence[EvidenceFactsDict], suppressed: bool) -> GroupFigures:
    """A group's row: sums and shares over its people, or only its name and head count when suppressed."""
    people = len(facts_list)
    if suppressed:
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


@dataclass(frozen=True)
class OrgFigures:
    """The org row, one row per team (by name), and what was suppressed, in counts without figures."""

    org: GroupFigures
    teams: list[GroupFigures]
    teams_suppressed: int
    people_suppressed: int


def org_figures(*, facts_list: Sequence[EvidenceFactsDict]) -> OrgFigures:
    """Team and org rows with complementary suppression (reviews.services.suppression): no hidden team's figures
    can be worked out from the org row and the teams shown, nor from any other cells."""
    by_team: dict[str, list[EvidenceFactsDict]] = {}
    for facts in facts_list:
        by_team.setdefault(facts["person"]["team"].strip() or NO_TEAM, []).append(facts)
    # The org is keyed "", which no team is (a blank team is NO_TEAM).
    suppression = aggregates_suppress(
        groups=[
            Group(name=ORG_KEY, people=len(facts_list)),
            *(Group(name=team, people=len(people), parent=ORG_KEY) for team, people in by_team.items()),
        ]
    )
    teams = [
        group_figures(name=team, facts_list=people, suppressed=not suppression.shown(team))
        for team, people in sorted(by_team.items())
    ]
    return OrgFigures(
        org=group_figures(name="Whole organisation", facts_list=facts_list, suppressed=not suppression.shown(ORG_KEY)),
        teams=teams,
        teams_suppressed=sum(1 for team in teams if team.suppressed),
        people_suppressed=suppression.people_hidden,
    )


def org_report_html(*, cycle: ReviewCycle, facts_list: Sequence[EvidenceFactsDict], generated_on: date) -> str:
    figures = org_figures(facts_list=facts_list)
    return render_to_string(
        "reviews/print/org_report.html",
        {
            "cycle": cycle,
            "org": figures.org,
            "teams": figures.teams,
            "teams_suppressed": figures.teams_suppressed,
            "people_suppressed": figures.people_suppressed,
            "min_group": MIN_GROUP_SIZE,
            "generated_on": generated_on,
        },
    )


def org_report_pdf(*, cycle: ReviewCycle, packets: Sequence[Packet], generated_on: date) -> bytes:
    facts_list = [stored_facts(packet.facts) for packet in packets if packet.facts]
    html = org_report_html(cycle=cycle, facts_list=facts_list, generated_on=generated_on)
    return html_to_pdf_isolated(html, attachment=None, budget=RenderBudget.from_settings())

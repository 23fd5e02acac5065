"""How much of the picture the data covers: sources and their date ranges, linked usage, unresolved identities, and
the repositories whose durability cannot be measured because tokenproof has no clone of them (no git blame)."""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from django.db.models import Exists, OuterRef

from evidence.facts.activity import Activity, Window
from evidence.facts.confidence import coverage_confidence
from evidence.facts.involvement import Involvement, is_coding_tool
from evidence.facts.schema import CoverageDict
from evidence.facts.usage import fact_tokens
from evidence.models import Repository, SourceActor, UsageFact


def unresolved_identities(*, window: Window) -> int:
    """Source actors nobody has mapped yet that have usage in the window: their usage is in nobody's packet."""
    # EXISTS per unresolved actor (few, found through the actor index) rather than a scan of the window's usage
    used = UsageFact.objects.filter(actor=OuterRef("pk"), day__gte=window.start, day__lte=window.end)
    return SourceActor.objects.filter(owner=SourceActor.Owner.UNRESOLVED).filter(Exists(used)).count()


def coverage_section(*, activity: Activity, involvement: Involvement, unresolved: int) -> CoverageDict:
    days: dict[str, list[date]] = defaultdict(list)
    records: dict[str, int] = defaultdict(int)

    def seen(source: str, day: date) -> None:
        days[source].append(day)
        records[source] += 1

    for fact in activity.usage_facts:
        seen(fact.source, fact.day)
    for outcome in activity.outcome_facts:
        seen(outcome.source, outcome.day)
    for session in activity.sessions:
        seen(session.source, session.started_at.date())
    for commit in activity.commits:
        seen(_activity_source(commit.repository), commit.committed_at.date())
    for pull_request in activity.pull_requests:
        seen(_activity_source(pull_request.repository), pull_request.created_at.date())
    for review in activity.reviews_given:
        seen("github", review.submitted_at.date())
    coding = [fact for fact in activity.usage_facts if is_coding_tool(fact.tool)]
    coding_total = sum(fact_tokens(fact) for fact in coding)
    linked = sum(fact_tokens(fact) for fact in coding if fact.day in involvement.linked_days)
    linked_share = round(linked / coding_total, 4) if coding_total else None
    return {
        "sources": [
            {
                "source": source,
                "first_day": min(days[source]).isoformat(),
                "last_day": max(days[source]).isoformat(),
                "records": records[source],
            }
            for source in sorted(days)
        ],
        "usage_linked_share": linked_share,
        "unresolved_identities": unresolved,
        "repositories_without_blame": _repositories_without_blame(activity),
        "confidence": coverage_confidence(linked=linked_share, unresolved=unresolved),
    }


def _repositories_without_blame(activity: Activity) -> list[str]:
    """The person's repositories known only from GitHub, by name: survival and follow-up fixes need `git blame` on a
    local clone (import_git), so their work has no durability figure, and the packet says so for each."""
    repositories = [commit.repository for commit in activity.commits]
    repositories += [pull_request.repository for pull_request in activity.pull_requests]
    return sorted({repository.full_name for repository in repositories if not repository.local_path})


def _activity_source(repository: Repository) -> str:
    return "local-git" if repository.host == Repository.Host.LOCAL else "github"

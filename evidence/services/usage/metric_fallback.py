"""Usage that stands in for a session's per-request usage until (and unless) the requests themselves are imported.

Claude Code's OpenTelemetry sends a session's tokens and cost twice: once per request (`api_request` events) and
once summed per export interval (`claude_code.token.usage` and `claude_code.cost.usage` metrics). Some companies
export only metrics, some both. The rule: a session's usage comes from its api_request events when any are
imported; its metric data points count only for sessions with none. Metric usage is therefore written to facts
of its own (dimension `otel-metrics <session id>`), and at the end of every file this module drops those facts
for each session the file touched that now has requests, whichever of the two arrived first. The file's
summary counts a session's metric tokens only when they are kept.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING

from evidence.importers.base import TOKEN_KINDS, ActorRef, Facts, UsageRow, stand_in_dimension
from evidence.models import SourceActor, UsageFact, UsageSession
from evidence.services.identities import ActorBook

if TYPE_CHECKING:  # usage_chunks imports this module
    from evidence.services.usage.chunk_writer import CallTotals

QUERY_BATCH = 500


@dataclass
class _SessionVolume:
    tokens: dict[str, int] = field(default_factory=lambda: dict.fromkeys(TOKEN_KINDS, 0))
    cost_usd: Decimal = Decimal(0)
    actor_tokens: dict[ActorRef, int] = field(default_factory=lambda: defaultdict(int))


class StandIns:
    """The stand-in usage of one file, per session, and the sessions of the file that have requests."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.volume: dict[str, _SessionVolume] = {}
        self.sessions_with_requests: set[str] = set()

    def note(self, facts: Facts) -> list[UsageRow]:
        """Take the stand-in rows of a record's facts aside; return the rest, which count as usual."""
        for session in facts.sessions:
            if session.requests > 0:
                self.sessions_with_requests.add(session.session_id)
        usual = []
        for row in facts.usage:
            if not row.stands_in_for_session:
                usual.append(row)
                continue
            volume = self.volume.setdefault(row.stands_in_for_session, _SessionVolume())
            for kind in TOKEN_KINDS:
                volume.tokens[kind] += getattr(row, kind)
            volume.cost_usd += row.cost_usd or 0
            volume.actor_tokens[row.actor] += row.tokens()
        return usual

    def settle(self, *, totals: CallTotals, book: ActorBook) -> None:
        """Drop stand-in facts of sessions that have requests; add the kept sessions' volume to the totals."""
        sessions = sorted(set(self.volume) | self.sessions_with_requests)
        with_requests: dict[str, int] = {}
        for start in range(0, len(sessions), QUERY_BATCH):
            found = UsageSession.objects.filter(
                source=self.source, session_id__in=sessions[start : start + QUERY_BATCH], requests__gt=0
            )
            with_requests.update(found.values_list("session_id", "actor_id"))
        replaced = sorted(with_requests.items())
        for start in range(0, len(replaced), QUERY_BATCH):
            replaced_batch = replaced[start : start + QUERY_BATCH]
            # the actor narrows the look-up to the natural key's index (it starts with the actor)
            UsageFact.objects.filter(
                source=self.source,
                actor_id__in={actor_id for _, actor_id in replaced_batch},
                dimension__in=[stand_in_dimension(session) for session, _ in replaced_batch],
            ).delete()
        kept = [volume for session, volume in self.volume.items() if session not in with_requests]
        book.resolve_many(ref for volume in kept for ref in volume.actor_tokens)
        for volume in kept:
            for kind in TOKEN_KINDS:
                totals.tokens[kind] += volume.tokens[kind]
            totals.cost_usd += volume.cost_usd
            for ref, count in volume.actor_tokens.items():
                actor = book.get(ref)
                if actor.owner == SourceActor.Owner.UNRESOLVED:
                    totals.actor_tokens[actor.actor_id] += count

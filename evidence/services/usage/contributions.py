"""What one raw record added to the facts, kept with the record so that a revision subtracts exactly that.

A revised record used to be undone by deriving facts from its old payload with today's importer code; when an
importer's mapping had changed since, the subtraction differed from the addition and the sums drifted with no
error. Each raw record therefore stores its contribution as written: its usage rows (priced, with their cost
basis), outcome rows and session rows, as compact JSON. Commits and aliases replace rather than add, and are
never subtracted, so they are not kept. The text is deterministic, so an unchanged record can be recognised by it
(same payload, same contribution) and a record whose facts the importer now derives differently is a revision.

Format 1: {"v": 1, "a": [actors], "u": [usage rows], "o": [outcome rows], "s": [session rows]}, each actor
[kind, value, provider, display, automation] and each row beginning with its actor's index in "a". Days and
times are ISO 8601, money a decimal string in USD, tokens whole numbers.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import orjson

from evidence.importers.base import TOKEN_KINDS, ActorRef, Facts, SessionRow, ToolOutcomeRow, UsageRow

FORMAT = 1
USAGE_TOKENS, USAGE_COST, USAGE_STANDS_IN = 7, 12, 14  # positions in a usage row, as `contribution_encode` writes it


def contribution_encode(facts: Facts) -> str:
    """The record's additive facts as stored text; usage rows must be priced (`cost_basis` set) first.

    Written for speed (it runs once per record of every import): tuples, each day formatted once, keys in a
    fixed order rather than sorted.
    """
    actors: dict[ActorRef, int] = {}
    days: dict[dt.date, str] = {}
    usage = []
    for row in facts.usage:
        actor = actors.setdefault(row.actor, len(actors))
        day = days.get(row.day) or days.setdefault(row.day, row.day.isoformat())
        cost = row.cost_usd
        usage.append(
            (
                actor,
                day,
                row.provider,
                row.tool,
                row.model,
                row.dimension,
                row.purpose,
                row.input_uncached,
                row.cache_read,
                row.cache_write,
                row.output,
                row.requests,
                None if cost is None else str(cost),
                row.cost_basis,
                row.stands_in_for_session,
            )
        )
    outcomes = []
    for outcome in facts.outcomes:
        actor = actors.setdefault(outcome.actor, len(actors))
        day = days.get(outcome.day) or days.setdefault(outcome.day, outcome.day.isoformat())
        outcomes.append((actor, day, outcome.tool, outcome.metric, outcome.value))
    sessions = [
        (
            actors.setdefault(session.actor, len(actors)),
            session.session_id,
            session.tool,
            session.started_at.isoformat(),
            session.ended_at.isoformat(),
            session.requests,
            session.prompts,
            session.input_uncached,
            session.cache_read,
            session.cache_write,
            session.output,
            None if session.cost_usd is None else str(session.cost_usd),
            session.edits_accepted,
            session.edits_rejected,
            dict(sorted(session.tool_calls.items())),
        )
        for session in facts.sessions
    ]
    document = {
        "v": FORMAT,
        "a": [(ref.kind, ref.value, ref.provider, ref.display, ref.automation) for ref in actors],
        "u": usage,
        "o": outcomes,
        "s": sessions,
    }
    return orjson.dumps(document).decode()


def contribution_decode(text: str) -> Facts:
    """The facts a stored contribution added, to be subtracted; raises ValueError for an unknown format."""
    document = orjson.loads(text)
    if document.get("v") != FORMAT:
        raise ValueError(f"unknown contribution format {document.get('v')!r}")
    actors = [
        ActorRef(kind, value, provider, display, automation)
        for kind, value, provider, display, automation in document["a"]
    ]
    facts = Facts()
    for actor, day, provider, tool, model, dimension, purpose, *counts, cost, basis, stands_in in document["u"]:
        facts.usage.append(
            UsageRow(
                actors[actor],
                dt.date.fromisoformat(day),
                provider,
                tool,
                model=model,
                dimension=dimension,
                purpose=purpose,
                input_uncached=counts[0],
                cache_read=counts[1],
                cache_write=counts[2],
                output=counts[3],
                requests=counts[4],
                cost_usd=None if cost is None else Decimal(cost),
                cost_basis=basis,
                stands_in_for_session=stands_in,
            )
        )
    for actor, day, tool, metric, value in document["o"]:
        facts.outcomes.append(ToolOutcomeRow(actors[actor], dt.date.fromisoformat(day), tool, metric, value))
    for actor, session_id, tool, started, ended, *counts, cost, accepted, rejected, calls in document["s"]:
        facts.sessions.append(
            SessionRow(
                actors[actor],
                session_id,
                tool,
                dt.datetime.fromisoformat(started),
                dt.datetime.fromisoformat(ended),
                requests=counts[0],
                prompts=counts[1],
                input_uncached=counts[2],
                cache_read=counts[3],
                cache_write=counts[4],
                output=counts[5],
                cost_usd=None if cost is None else Decimal(cost),
                edits_accepted=accepted,
                edits_rejected=rejected,
                tool_calls=calls,
            )
        )
    return facts


def contribution_usage_totals(text: str) -> tuple[dict[str, int], Decimal]:
    """Tokens by kind and cost (USD) of a stored contribution's usage rows, stand-in rows left out (they are
    settled per file); read straight from the text, without building rows. Empty text adds nothing."""
    tokens = dict.fromkeys(TOKEN_KINDS, 0)
    cost = Decimal(0)
    if not text:
        return tokens, cost
    for row in orjson.loads(text)["u"]:
        if row[USAGE_STANDS_IN]:
            continue
        for kind, count in zip(TOKEN_KINDS, row[USAGE_TOKENS : USAGE_TOKENS + 4], strict=True):
            tokens[kind] += count
        if row[USAGE_COST] is not None:
            cost += Decimal(row[USAGE_COST])
    return tokens, cost

"""Cursor Admin API daily usage rows, and AI Code Tracking per-commit records (which become commit attributions)."""

from __future__ import annotations

import re
from typing import Any

from evidence.importers.base import (
    ANY_ID,
    COUNT,
    FLAG,
    TEXT,
    ActorRef,
    CommitRow,
    Facts,
    Importer,
    Kept,
    RecordError,
    Required,
    UsageRow,
    day_from_text,
    moment_from_epoch,
    moment_from_text,
    outcome_rows,
    pick,
)
from evidence.importers.cursor_commits_csv import CURSOR_COMMITS

PROVIDER = "cursor"
TOOL = "cursor"
SHA = re.compile(r"^[0-9a-f]{7,40}$")
DAILY_COUNTS = (
    "totalLinesAdded",
    "totalLinesDeleted",
    "acceptedLinesAdded",
    "acceptedLinesDeleted",
    "totalApplies",
    "totalAccepts",
    "totalRejects",
    "totalTabsShown",
    "totalTabsAccepted",
    "composerRequests",
    "chatRequests",
    "agentRequests",
    "cmdkUsages",
    "subscriptionIncludedReqs",
    "apiKeyReqs",
    "usageBasedReqs",
    "bugbotUsages",
)
DAILY_SPEC = {
    "userId": ANY_ID,
    "day": TEXT,
    "date": COUNT,
    "email": TEXT,
    "isActive": FLAG,
    **dict.fromkeys(DAILY_COUNTS, COUNT),
    "mostUsedModel": TEXT,
    "applyMostUsedExtension": TEXT,
    "tabMostUsedExtension": TEXT,
    "clientVersion": TEXT,
}
LINE_COUNTS = ("total", "tab", "composer", "nonAi")
COMMIT_SPEC = {
    "commitHash": Required(TEXT),
    "userId": ANY_ID,
    "userEmail": TEXT,
    "repoName": TEXT,
    "isPrimaryBranch": FLAG,
    "commitSource": TEXT,
    **{f"{kind}Lines{change}": COUNT for kind in LINE_COUNTS for change in ("Added", "Deleted")},
    "commitTs": TEXT,
    "createdAt": TEXT,
}


def cursor_actor(email: str | None, user_id: object) -> ActorRef:
    if email:
        return ActorRef("email", email.lower(), PROVIDER)
    if user_id not in (None, ""):
        return ActorRef("provider_user", str(user_id), PROVIDER)
    raise RecordError("missing field 'email' (or 'userId')")


def daily_day(payload: dict[str, Any]) -> Any:
    if payload.get("day"):
        return day_from_text(payload["day"], where="day")
    if payload.get("date") is not None:
        return moment_from_epoch(payload["date"], where="date", unit=1000).date()
    raise RecordError("missing field 'day' (or 'date')")


class CursorDaily(Importer):
    source = "cursor-daily"
    provider = PROVIDER
    description = "Cursor Admin API /teams/daily-usage-data rows, one per user per day"

    def keep(self, record: dict[str, Any]) -> Kept:
        payload = pick(record, DAILY_SPEC)
        actor = cursor_actor(payload.get("email"), payload.get("userId"))
        return Kept(f"{daily_day(payload).isoformat()}|{actor.kind}:{actor.value}", payload)

    def facts(self, payload: dict[str, Any]) -> Facts:
        actor = cursor_actor(payload.get("email"), payload.get("userId"))
        day = daily_day(payload)
        count = {name: payload.get(name, 0) for name in DAILY_COUNTS}
        requests = count["composerRequests"] + count["chatRequests"] + count["agentRequests"] + count["cmdkUsages"]
        usage = [UsageRow(actor, day, PROVIDER, TOOL, model=payload.get("mostUsedModel", ""), requests=requests)]
        outcomes = outcome_rows(
            actor,
            day,
            TOOL,
            [
                ("lines_added", count["acceptedLinesAdded"]),
                ("lines_removed", count["acceptedLinesDeleted"]),
                ("edits_accepted", count["totalAccepts"]),
                ("edits_rejected", count["totalRejects"]),
                ("suggestions_shown", count["totalTabsShown"]),
                ("suggestions_accepted", count["totalTabsAccepted"]),
                ("chat_requests", count["chatRequests"]),
                ("agent_requests", count["agentRequests"] + count["composerRequests"]),
            ],
        )
        return Facts(usage=usage if requests else [], outcomes=outcomes)


class CursorCommits(Importer):
    source = "cursor-commits"
    provider = PROVIDER
    description = "Cursor AI Code Tracking /analytics/ai-code/commits items: AI and non-AI lines per commit"
    list_keys = ("items", "data")
    csv_shapes = (CURSOR_COMMITS,)

    def keep(self, record: dict[str, Any]) -> Kept:
        payload = pick(record, COMMIT_SPEC)
        sha = payload["commitHash"].lower()
        if not SHA.match(sha):
            raise RecordError(f"field 'commitHash': {sha[:50]!r} is not a git commit hash")
        cursor_actor(payload.get("userEmail"), payload.get("userId"))
        if payload.get("commitTs"):
            moment_from_text(payload["commitTs"], where="commitTs")
        return Kept(f"{payload.get('repoName', '')}|{sha}", payload)

    def facts(self, payload: dict[str, Any]) -> Facts:
        ai_added = payload.get("tabLinesAdded", 0) + payload.get("composerLinesAdded", 0)
        commit = CommitRow(
            actor=cursor_actor(payload.get("userEmail"), payload.get("userId")),
            sha=payload["commitHash"].lower(),
            tool=TOOL,
            repository_name=payload.get("repoName", ""),
            ai_lines_added=ai_added,
            human_lines_added=payload.get("nonAiLinesAdded"),
            committed_at=moment_from_text(payload["commitTs"], where="commitTs") if payload.get("commitTs") else None,
        )
        return Facts(commits=[commit])

"""The demo company's AI usage, written in the providers' real shapes and imported through the real importers.

Files (one per source): Claude Code Analytics API pages, Claude Code OpenTelemetry (OTLP/JSON file-exporter
lines), GitHub Copilot per-user daily rows (NDJSON), Cursor daily usage pages and Cursor AI Code Tracking commit
pages. Everything is deterministic from the seed.

Archetypes (reviews.demo.company.ARCHETYPES, shared with the repository side). Within each team's engineers, in
DemoPerson order and without the manager, the index picks the story:
  0 efficient      few tokens, Claude Code sessions with accepted edits and commits that report their SHA
  1 idle loop      huge tokens every working day, long sessions, nothing accepted, no commits
  2 churner        Cursor: many accepted AI lines and AI-tracked commits (which the repository side reverts)
  3 non-user       no usage at all
  4 reviewer       a little Copilot chat on a few days
  5 no repo work   Claude Code and Copilot usage, but no repository activity on the other side
  6+ ordinary      Copilot completions most days, Claude Code on some (by email checksum), and on every one
                   in a team that adopted it team-wide (CLAUDE_CODE_TEAMS: that team gets a cost band)
Managers use a little Copilot chat; the head of engineering and HR use nothing.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import random
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from evidence.services.usage.imports import ImportSummary, usage_import
from reviews.demo.company import CLAUDE_CODE_TEAMS, DemoPerson, demo_archetypes

USAGE_START, USAGE_END = dt.date(2026, 7, 1), dt.date(2026, 11, 20)
SONNET = "claude-sonnet-4-5"
# list prices per million tokens (input, cache read, cache write, output), to make Claude Code's cost estimate
SONNET_PRICES = (3.0, 0.30, 3.75, 15.0)


@dataclass(frozen=True)
class DemoCommit:
    """An AI-assisted commit of the demo repositories, when the repository side shares them (SHA, repo, author)."""

    sha: str
    repository: str
    email: str
    committed_at: dt.datetime
    ai_lines_added: int


def working_days() -> list[dt.date]:
    days, day = [], USAGE_START
    while day <= USAGE_END:
        if day.weekday() < 5:
            days.append(day)
        day += dt.timedelta(days=1)
    return days


def demo_usage_write(
    *, out_dir: Path, people: list[DemoPerson], seed: int, ai_commits: Sequence[DemoCommit] = ()
) -> list[tuple[str, Path]]:
    """Write the demo's usage files; return (source name, path) pairs in the order they should be imported.

    `ai_commits` are the repository side's AI-assisted commits: Cursor and Claude Code report those SHAs.
    Without them, the churner's and efficient users' tool-reported commits get stable synthetic SHAs.
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    archetypes = demo_archetypes(people)
    managers = {person.manager_email for person in people if person.manager_email}
    days = working_days()
    writer = _Writer(seed=seed, days=days, ai_commits=ai_commits)
    for person in people:
        kind = archetypes.get(person.email)
        rng = random.Random(f"{seed}:{person.email}")
        if kind is None:
            if person.email in managers and person.manager_email:
                writer.copilot(person, rng, share=0.15, chat_only=True)
            continue
        if kind == "efficient":
            writer.claude_code(person, rng, share=0.5, scale=0.3, accepted=(10, 40), commits=(1, 3))
            writer.otel_sessions(person, rng, idle=False)
        elif kind == "idle_loop":
            writer.claude_code(person, rng, share=1.0, scale=40.0, accepted=(0, 0), commits=(0, 0), sessions=(8, 20))
            writer.otel_sessions(person, rng, idle=True)
        elif kind == "churner":
            writer.cursor(person, rng, share=0.7)
        elif kind == "reviewer":
            writer.copilot(person, rng, share=0.1, chat_only=True)
        elif kind == "no_repo_work":
            writer.claude_code(person, rng, share=0.4, scale=1.0, accepted=(5, 25), commits=(0, 0))
            writer.copilot(person, rng, share=0.5)
        elif kind == "ordinary":
            writer.copilot(person, rng, share=0.6)
            if sum(map(ord, person.email)) % 2 or person.team in CLAUDE_CODE_TEAMS:
                writer.claude_code(person, rng, share=0.3, scale=1.0, accepted=(5, 30), commits=(0, 2))
    return writer.save(out_dir)


def demo_usage_import(*, files: Sequence[tuple[str, Path]]) -> list[ImportSummary]:
    """Import the demo's files through the real importers (re-running the demo re-reads them: nothing changes)."""
    return [usage_import(source=source, paths=[path], allow_duplicate=True) for source, path in files]


class _Writer:
    def __init__(self, *, seed: int, days: list[dt.date], ai_commits: Sequence[DemoCommit]) -> None:
        self.seed, self.days = seed, days
        self.commits_by_email: dict[str, list[DemoCommit]] = {}
        for commit in ai_commits:
            self.commits_by_email.setdefault(commit.email, []).append(commit)
        self.analytics: list[dict[str, Any]] = []
        self.otel_lines: list[dict[str, Any]] = []
        self.copilot_rows: list[dict[str, Any]] = []
        self.cursor_rows: list[dict[str, Any]] = []
        self.cursor_commits: list[dict[str, Any]] = []

    def active_days(self, rng: random.Random, share: float) -> Iterator[dt.date]:
        return (day for day in self.days if rng.random() < share)

    def claude_code(
        self,
        person: DemoPerson,
        rng: random.Random,
        *,
        share: float,
        scale: float,
        accepted: tuple[int, int],
        commits: tuple[int, int],
        sessions: tuple[int, int] = (1, 4),
    ) -> None:
        for day in self.active_days(rng, share):
            tokens = {
                "input": int(rng.randint(20_000, 80_000) * scale),
                "output": int(rng.randint(5_000, 20_000) * scale),
                "cache_read": int(rng.randint(200_000, 700_000) * scale),
                "cache_creation": int(rng.randint(10_000, 50_000) * scale),
            }
            edits = rng.randint(*accepted)
            made = rng.randint(*commits)
            self.analytics.append(
                {
                    "date": f"{day.isoformat()}T00:00:00Z",
                    "actor": {"type": "user_actor", "email_address": person.email},
                    "organization_id": "0d5c9e7a-demo-4c1d-9e8f-0a1b2c3d4e5f",
                    "customer_type": "api",
                    "terminal_type": rng.choice(["vscode", "iTerm.app", "jetbrains"]),
                    "core_metrics": {
                        "num_sessions": rng.randint(*sessions),
                        "lines_of_code": {"added": edits * rng.randint(3, 12), "removed": edits * rng.randint(0, 4)},
                        "commits_by_claude_code": made,
                        "pull_requests_by_claude_code": int(made > 0 and rng.random() < 0.4),
                    },
                    "tool_actions": {
                        "edit_tool": {"accepted": edits, "rejected": rng.randint(0, 2)},
                        "multi_edit_tool": {"accepted": edits // 4, "rejected": 0},
                        "write_tool": {"accepted": edits // 6, "rejected": rng.randint(0, 1)},
                        "notebook_edit_tool": {"accepted": 0, "rejected": 0},
                    },
                    "model_breakdown": [
                        {
                            "model": SONNET,
                            "tokens": tokens,
                            "estimated_cost": {"currency": "USD", "amount": _cents(tokens)},
                        }
                    ],
                }
            )

    def otel_sessions(self, person: DemoPerson, rng: random.Random, *, idle: bool) -> None:
        """A few sessions as telemetry: the idle loop's run for hours with nothing accepted."""
        commits = iter(self.commits_by_email.get(person.email, []))
        for week_start in self.days[::10]:
            day = week_start + dt.timedelta(days=rng.randint(0, 4))
            if day > USAGE_END:
                continue
            session = _uuid(f"{self.seed}:{person.email}:{day}")
            start = dt.datetime.combine(day, dt.time(9 + rng.randint(0, 3)), tzinfo=dt.UTC)
            hours = rng.uniform(6, 10) if idle else rng.uniform(0.3, 1.5)
            requests = 12 if idle else rng.randint(3, 8)
            events = [_event("user_prompt", person, session, start, 1, {"prompt_length": rng.randint(20, 400)})]
            for number in range(requests):
                moment = start + dt.timedelta(hours=hours * (number + 1) / requests)
                scale = 150 if idle else 1
                events.append(
                    _event(
                        "api_request",
                        person,
                        session,
                        moment,
                        number + 2,
                        {
                            "model": SONNET,
                            "cost_usd": round(0.02 * scale * rng.uniform(0.5, 1.5), 4),
                            "duration_ms": rng.randint(800, 9000),
                            "input_tokens": rng.randint(500, 3000) * scale,
                            "output_tokens": rng.randint(200, 1500) * scale,
                            "cache_read_tokens": rng.randint(5_000, 40_000) * scale,
                            "cache_creation_tokens": rng.randint(0, 4_000) * scale,
                            "request_id": f"req_{_uuid(f'{session}:{number}')[:20]}",
                        },
                    )
                )
                if not idle and number % 3 == 2:
                    events.append(
                        _event(
                            "tool_decision",
                            person,
                            session,
                            moment,
                            number + 100,
                            {
                                "tool_name": "Edit",
                                "tool_use_id": f"toolu_{number}",
                                "decision": "accept",
                                "source": "user_temporary",
                            },
                        )
                    )
            if not idle:
                commit = next(commits, None)
                sha = commit.sha if commit else hashlib.sha1(session.encode(), usedforsecurity=False).hexdigest()
                parameters = json.dumps({"bash_command": "git", "git_commit_id": sha})
                end = start + dt.timedelta(hours=hours)
                events.append(
                    _event(
                        "tool_result",
                        person,
                        session,
                        end,
                        999,
                        {"tool_name": "Bash", "success": "true", "duration_ms": 300, "tool_parameters": parameters},
                    )
                )
            self.otel_lines.append(
                {
                    "resourceLogs": [
                        {
                            "resource": {"attributes": [_attribute("service.name", "claude-code")]},
                            "scopeLogs": [
                                {"scope": {"name": "com.anthropic.claude_code.events"}, "logRecords": events}
                            ],
                        }
                    ]
                }
            )

    def copilot(self, person: DemoPerson, rng: random.Random, *, share: float, chat_only: bool = False) -> None:
        for day in self.active_days(rng, share):
            interactions = rng.randint(2, 15) if chat_only else rng.randint(10, 60)
            generated = 0 if chat_only else rng.randint(20, 120)
            accepted = 0 if chat_only else int(generated * rng.uniform(0.2, 0.4))
            suggested = generated * rng.randint(3, 6)
            added = 0 if chat_only else int(suggested * rng.uniform(0.2, 0.5))
            self.copilot_rows.append(
                {
                    "day": day.isoformat(),
                    "organization_id": "4242",
                    "enterprise_id": "1313",
                    "user_id": int(hashlib.sha256(person.github_login.encode()).hexdigest()[:7], 16),
                    "user_login": person.github_login,
                    "user_initiated_interaction_count": interactions,
                    "code_generation_activity_count": generated,
                    "code_acceptance_activity_count": accepted,
                    "loc_suggested_to_add_sum": suggested,
                    "loc_suggested_to_delete_sum": 0,
                    "loc_added_sum": added,
                    "loc_deleted_sum": added // 5,
                    "used_agent": False,
                    "used_chat": True,
                    "used_cli": False,
                    "totals_by_feature": [
                        {
                            "feature": "chat_panel_ask_mode" if chat_only else "code_completion",
                            "loc_added_sum": added,
                            "loc_deleted_sum": added // 5,
                            "code_generation_activity_count": generated,
                            "code_acceptance_activity_count": accepted,
                            "user_initiated_interaction_count": interactions,
                        }
                    ],
                    "totals_by_ide": [{"ide": "vscode", "loc_added_sum": added}],
                }
            )

    def cursor(self, person: DemoPerson, rng: random.Random, *, share: float) -> None:
        user_id = int(hashlib.sha256(person.email.encode()).hexdigest()[:6], 16)
        for day in self.active_days(rng, share):
            accepted = rng.randint(80, 400)
            self.cursor_rows.append(
                {
                    "userId": user_id,
                    "day": day.isoformat(),
                    "date": int(dt.datetime.combine(day, dt.time(), tzinfo=dt.UTC).timestamp() * 1000),
                    "email": person.email,
                    "isActive": True,
                    "totalLinesAdded": accepted + rng.randint(0, 100),
                    "totalLinesDeleted": rng.randint(10, 80),
                    "acceptedLinesAdded": accepted,
                    "acceptedLinesDeleted": rng.randint(5, 50),
                    "totalApplies": rng.randint(10, 40),
                    "totalAccepts": rng.randint(10, 35),
                    "totalRejects": rng.randint(0, 5),
                    "totalTabsShown": rng.randint(100, 500),
                    "totalTabsAccepted": rng.randint(30, 150),
                    "composerRequests": rng.randint(5, 20),
                    "chatRequests": rng.randint(2, 10),
                    "agentRequests": rng.randint(5, 25),
                    "cmdkUsages": rng.randint(0, 5),
                    "subscriptionIncludedReqs": 30,
                    "apiKeyReqs": 0,
                    "usageBasedReqs": rng.randint(0, 10),
                    "bugbotUsages": 0,
                    "mostUsedModel": "claude-4.5-sonnet",
                    "applyMostUsedExtension": "py",
                    "tabMostUsedExtension": "py",
                    "clientVersion": "2.1.4",
                }
            )
        shared = self.commits_by_email.get(person.email)
        commits = shared or [
            DemoCommit(
                sha=hashlib.sha1(f"{self.seed}:{person.email}:{day}".encode(), usedforsecurity=False).hexdigest(),
                repository=f"demo/{person.team.lower()}",
                email=person.email,
                committed_at=dt.datetime.combine(day, dt.time(15), tzinfo=dt.UTC),
                ai_lines_added=rng.randint(40, 300),
            )
            for day in self.days[::7]
        ]
        for commit in commits:
            ai = commit.ai_lines_added
            tab = ai // 3
            self.cursor_commits.append(
                {
                    "commitHash": commit.sha,
                    "userId": f"user_{user_id:x}",
                    "userEmail": person.email,
                    "repoName": commit.repository,
                    "branchName": "main",
                    "isPrimaryBranch": True,
                    "commitSource": "ide",
                    "totalLinesAdded": ai + 10,
                    "totalLinesDeleted": 5,
                    "tabLinesAdded": tab,
                    "tabLinesDeleted": 0,
                    "composerLinesAdded": ai - tab,
                    "composerLinesDeleted": 3,
                    "nonAiLinesAdded": 10,
                    "nonAiLinesDeleted": 2,
                    "message": "demo change",
                    "commitTs": commit.committed_at.isoformat().replace("+00:00", "Z"),
                    "createdAt": commit.committed_at.isoformat().replace("+00:00", "Z"),
                }
            )

    def save(self, out_dir: Path) -> list[tuple[str, Path]]:
        files = [
            ("claude-code-analytics", out_dir / "claude_code_analytics.json", self._pages(self.analytics, 1000)),
            ("claude-code-otel", out_dir / "claude_code_otel.jsonl", None),
            ("copilot-metrics", out_dir / "copilot_users_1_day.ndjson", None),
            ("cursor-daily", out_dir / "cursor_daily_usage.json", {"data": self.cursor_rows, "period": {}}),
            ("cursor-commits", out_dir / "cursor_ai_code_commits.json", None),
        ]
        written = []
        for source, path, document in files:
            if source == "claude-code-otel":
                path.write_text("".join(json.dumps(line) + "\n" for line in self.otel_lines), encoding="utf-8")
            elif source == "copilot-metrics":
                path.write_text("".join(json.dumps(row) + "\n" for row in self.copilot_rows), encoding="utf-8")
            elif source == "cursor-commits":
                page = {
                    "items": self.cursor_commits,
                    "totalCount": len(self.cursor_commits),
                    "page": 1,
                    "pageSize": 1000,
                }
                path.write_text(json.dumps(page), encoding="utf-8")
            else:
                path.write_text(json.dumps(document), encoding="utf-8")
            written.append((source, path))
        return written

    @staticmethod
    def _pages(records: list[dict[str, Any]], size: int) -> list[dict[str, Any]]:
        """A list of API pages, as a client that follows next_page saves them."""
        pages = [
            {"data": records[start : start + size], "has_more": True, "next_page": f"page_{start + size}"}
            for start in range(0, len(records), size)
        ] or [{"data": []}]
        pages[-1].update(has_more=False, next_page=None)
        return pages


def _cents(tokens: dict[str, int]) -> float:
    kinds = (tokens["input"], tokens["cache_read"], tokens["cache_creation"], tokens["output"])
    dollars = sum(count * price for count, price in zip(kinds, SONNET_PRICES, strict=True)) / 1_000_000
    return round(dollars * 100, 2)


def _uuid(text: str) -> str:
    digest = hashlib.sha256(text.encode()).hexdigest()
    return f"{digest[:8]}-{digest[8:12]}-{digest[12:16]}-{digest[16:20]}-{digest[20:32]}"


def _attribute(key: str, value: object) -> dict[str, Any]:
    if isinstance(value, bool):
        return {"key": key, "value": {"boolValue": value}}
    if isinstance(value, int):
        return {"key": key, "value": {"intValue": str(value)}}
    if isinstance(value, float):
        return {"key": key, "value": {"doubleValue": value}}
    return {"key": key, "value": {"stringValue": str(value)}}


def _event(
    name: str, person: DemoPerson, session: str, moment: dt.datetime, sequence: int, fields: dict[str, Any]
) -> dict[str, Any]:
    attributes = {
        "event.name": name,
        "event.timestamp": moment.isoformat().replace("+00:00", "Z"),
        "event.sequence": sequence,
        "session.id": session,
        "prompt.id": _uuid(f"{session}:prompt"),
        "user.email": person.email,
        "terminal.type": "vscode",
        **fields,
    }
    nanos = str(int(moment.timestamp()) * 1_000_000_000)
    return {
        "timeUnixNano": nanos,
        "observedTimeUnixNano": nanos,
        "body": {"stringValue": f"claude_code.{name}"},
        "attributes": [_attribute(key, value) for key, value in attributes.items()],
    }

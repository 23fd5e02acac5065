"""The AI attribution ladder: rules are rows an admin can extend; matching is a pure function of a commit's signals.

A commit with no match is *unknown*, never *human*: markers are often stripped.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace

from evidence.attribution.trailers import trailers_read
from evidence.models import AttributionRule, ToolReportedCommit

STRENGTH = [kind for kind, _ in AttributionRule.Kind.choices]
EMAIL_IN_ANGLES = re.compile(r"<([^<>@\s]+@[^<>\s]+)>")
NOREPLY_LOGIN = re.compile(r"^(?:\d+\+)?([^@+]+)@users\.noreply\.github\.com$", re.IGNORECASE)
NOTE_SESSION_KEY = re.compile(r"^\s+(s_[0-9a-f]+(?:::t_[0-9a-f]+)?|[0-9a-f]{16})\s+([\d,\-\s]+)$")


@dataclass(frozen=True)
class Rule:
    pk: int | None
    name: str
    kind: str
    pattern: re.Pattern[str]
    tool: str
    confidence: float


@dataclass(frozen=True)
class ToolReport:
    source: str
    tool: str
    ai_lines: int | None
    person_id: int | None


@dataclass
class CommitSignals:
    """What the ladder reads from one commit (and the pull requests that carry it)."""

    sha: str
    author_name: str
    author_email: str
    committer_name: str
    committer_email: str
    subject: str
    trailers: Sequence[tuple[str, str]]
    ai_note: str = ""
    pr_labels: Sequence[str] = ()
    pr_markers: Sequence[str] = ()
    tool_reports: Sequence[ToolReport] = field(default_factory=list)
    links: Sequence[str] = ()  # lines of the message that are only a URL (a session link, for instance)


@dataclass(frozen=True)
class Match:
    rule: Rule
    evidence: str
    tool: str
    ai_lines: int | None = None
    on_pull_request: bool = False  # found in a pull request's labels or description, stored as a PR marker

    @property
    def kind(self) -> str:
        return AttributionRule.Kind.PR_MARKER if self.on_pull_request else self.rule.kind


def rules_load() -> list[Rule]:
    return [
        Rule(row.pk, row.name, row.kind, re.compile(row.pattern, re.IGNORECASE), row.tool, row.confidence)
        for row in AttributionRule.objects.filter(enabled=True).order_by("pk")
    ]


def tool_reports_load(*, shas: Iterable[str]) -> dict[str, list[ToolReport]]:
    """Tool-reported SHAs (ladder rung 1) written by the usage importers, keyed by full SHA."""
    reports: dict[str, list[ToolReport]] = {}
    wanted = list(set(shas))
    for start in range(0, len(wanted), 500):
        rows = ToolReportedCommit.objects.filter(sha__in=wanted[start : start + 500])
        for row in rows.values("sha", "source", "tool", "ai_lines_added", "person_id"):
            report = ToolReport(row["source"], row["tool"], row["ai_lines_added"], row["person_id"])
            reports.setdefault(row["sha"].lower(), []).append(report)
    return reports


def git_ai_note_read(note: str) -> tuple[str, int] | None:
    """A git-ai authorship note (refs/notes/ai): the agent's tool and the count of AI-attributed lines."""
    attestation, separator, metadata = note.partition("\n---\n")
    if not separator:
        return None
    try:
        data = json.loads(metadata)
    except json.JSONDecodeError:
        return None
    if not isinstance(data, dict) or not str(data.get("schema_version", "")).startswith("authorship/"):
        return None
    tools = [
        str(session.get("agent_id", {}).get("tool", ""))
        for session in (data.get("sessions") or {}).values()
        if isinstance(session, dict)
    ]
    ai_lines = 0
    for line in attestation.splitlines():
        found = NOTE_SESSION_KEY.match(line)
        if found:
            ai_lines += ranges_count(found.group(2))
    return (next((tool for tool in tools if tool), "git-ai"), ai_lines)


def ranges_count(ranges: str) -> int:
    total = 0
    for part in ranges.replace(" ", "").split(","):
        low, _, high = part.partition("-")
        if low.isascii() and low.isdigit():  # isdigit alone also takes '²', which int() refuses
            total += (int(high) if high.isascii() and high.isdigit() else int(low)) - int(low) + 1
    return total


def attribution_match(*, signals: CommitSignals, rules: Sequence[Rule]) -> list[Match]:
    """Every rule that matches, strongest kind first; at most one match per rule."""
    matches: list[Match] = []
    for rule in rules:
        found = rule_apply(rule, signals)
        if found is not None:
            matches.append(found)
    matches.sort(key=lambda match: (STRENGTH.index(match.rule.kind), -match.rule.confidence))
    return matches


def rule_apply(rule: Rule, signals: CommitSignals) -> Match | None:
    kind = AttributionRule.Kind
    if rule.kind == kind.TOOL_SHA:
        for report in signals.tool_reports:
            if rule.pattern.search(f"{report.source} {report.tool}"):
                return Match(rule, f"reported by {report.source}", report.tool or rule.tool, report.ai_lines)
        note = git_ai_note_read(signals.ai_note) if signals.ai_note else None
        if note is not None and rule.pattern.search("git-ai-note"):
            return Match(rule, "git-ai note under refs/notes/ai", note[0] or rule.tool, note[1])
        return None
    candidates: list[str] = []
    if rule.kind == kind.AGENT_IDENTITY:
        # The author wrote the change; a tool as committer only made the commit (see committed_by_tool).
        candidates = [f"{signals.author_name} <{signals.author_email}>"]
    elif rule.kind == kind.COAUTHOR_TRAILER:
        candidates = [f"{key}: {value}" for key, value in signals.trailers]
    elif rule.kind == kind.SESSION_TRAILER:
        candidates = [*(f"{key}: {value}" for key, value in signals.trailers), *signals.links]
    elif rule.kind == kind.SUBJECT_PREFIX:
        candidates = [signals.subject]
    elif rule.kind == kind.PR_MARKER:
        candidates = [*signals.pr_labels, *signals.pr_markers]
    for text in candidates:
        found = rule.pattern.search(text)
        if found:
            return Match(rule, text[:500], tool_named(found) or rule.tool)
    return None


def tool_named(found: re.Match[str]) -> str:
    """A rule may name the tool from the text it matched, with a group `(?P<tool>…)` (e.g. the kernel's
    `Assisted-by: AGENT:MODEL`); otherwise the rule's own tool is used."""
    named = found.groupdict().get("tool")
    return named.lower()[:40] if named else ""


def committed_by_tool(*, signals: CommitSignals, rules: Sequence[Rule]) -> str:
    """The tool whose identity made the commit as its committer ('' when the committer is no tool).

    A weak signal, kept apart from the ladder: aider, for one, marks the committer of every commit it makes but the
    author only when it wrote the change (aider's docs, "Git integration"), so a tool as committer says nothing
    about who wrote the lines.
    """
    committer = f"{signals.committer_name} <{signals.committer_email}>"
    for rule in rules:
        if rule.kind == AttributionRule.Kind.AGENT_IDENTITY:
            found = rule.pattern.search(committer)
            if found:
                return tool_named(found) or rule.tool
    return ""


PULL_REQUEST_KINDS = (
    AttributionRule.Kind.PR_MARKER,
    AttributionRule.Kind.COAUTHOR_TRAILER,
    AttributionRule.Kind.SESSION_TRAILER,
)


def pull_request_markers(*, body: str, rules: Sequence[Rule]) -> list[str]:
    """The lines of a pull request's description that a rule names as AI, each at most 200 characters: marker
    lines ("Generated with Claude Code"), AI co-author or session trailers (`Co-authored-by: Claude
    <noreply@anthropic.com>`) and session links, wherever they stand."""
    kind = AttributionRule.Kind
    found = trailers_read(body)
    candidates: list[tuple[str, tuple[str, ...]]] = [(line.strip(), (kind.PR_MARKER,)) for line in body.splitlines()]
    candidates += [(f"{key}: {value}", (kind.COAUTHOR_TRAILER, kind.SESSION_TRAILER)) for key, value in found.pairs]
    candidates += [(link, (kind.SESSION_TRAILER,)) for link in found.links]
    markers = [
        text[:200]
        for text, kinds in candidates
        if text and any(rule.kind in kinds and rule.pattern.search(text) for rule in rules)
    ]
    return list(dict.fromkeys(markers))


def pull_request_match(*, labels: Sequence[str], markers: Sequence[str], rules: Sequence[Rule]) -> list[Match]:
    """What a pull request's labels and description markers (pull_request_markers) say, as matches stored on its
    commits with the PR-marker kind: the evidence sits on the pull request, not in any commit."""
    found = trailers_read("\n".join(markers))
    signals = CommitSignals(
        "", "", "", "", "", "", found.pairs, pr_labels=labels, pr_markers=markers, links=found.links
    )
    chosen = [rule for rule in rules if rule.kind in PULL_REQUEST_KINDS]
    return [replace(match, on_pull_request=True) for match in attribution_match(signals=signals, rules=chosen)]


def is_agent(*, name: str, email: str, rules: Sequence[Rule]) -> bool:
    text = f"{name} <{email}>"
    return any(rule.kind == AttributionRule.Kind.AGENT_IDENTITY and rule.pattern.search(text) for rule in rules)


def human_coauthors(*, signals: CommitSignals, rules: Sequence[Rule]) -> list[tuple[str, str]]:
    """(name, email) of co-authors that no rule names as an AI tool: the humans who started an agent's work."""
    found: list[tuple[str, str]] = []
    for key, value in signals.trailers:
        if key.lower() != "co-authored-by":
            continue
        if any(rule.pattern.search(f"{key}: {value}") for rule in rules if rule.kind != AttributionRule.Kind.TOOL_SHA):
            continue
        email = EMAIL_IN_ANGLES.search(value)
        if email and not is_agent(name=value, email=email.group(1), rules=rules):
            found.append((value.split("<")[0].strip(), email.group(1).lower()))
    return found


def login_from_noreply(email: str) -> str | None:
    found = NOREPLY_LOGIN.match(email)
    return found.group(1).lower() if found else None

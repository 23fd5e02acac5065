"""The release question: of the lines present at TO whose last change falls in FROM..TO, how many did AI write?"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from fnmatch import fnmatch
from pathlib import Path
from typing import Any, NamedTuple

from evidence.git.blame import blame_files, text_files_at
from evidence.git.log import CommitRecord, commits_read


@dataclass
class LineCounts:
    lines: int = 0
    ai_lines: int = 0

    def add(self, lines: int, *, ai: bool) -> None:
        self.lines += lines
        self.ai_lines += lines if ai else 0


class Verdict(NamedTuple):
    """One commit's classification: the human its lines are credited to, whether AI wrote them, and the tool that
    made the commit as its committer ('' when none: a weak signal that never makes a line AI-written)."""

    author: str
    ai: bool
    committed_by_tool: str = ""


@dataclass
class AiShare:
    from_ref: str
    to_ref: str
    commits: int
    total: LineCounts = field(default_factory=LineCounts)
    by_author: dict[str, LineCounts] = field(default_factory=dict)
    files: dict[str, LineCounts] = field(default_factory=dict)
    skipped_files: list[str] = field(default_factory=list)
    committed_by_tool: dict[str, int] = field(default_factory=dict)  # lines, by the tool that made their commit

    def as_json(self) -> dict[str, Any]:
        return {
            "from": self.from_ref,
            "to": self.to_ref,
            "commits": self.commits,
            "total_lines": self.total.lines,
            "ai_lines": self.total.ai_lines,
            "ai_share": round(self.total.ai_lines / self.total.lines, 4) if self.total.lines else 0.0,
            "by_author": {name: vars(counts) for name, counts in sorted(self.by_author.items())},
            "files": {name: vars(counts) for name, counts in sorted(self.files.items())},
            "skipped_files": self.skipped_files,
            "committed_by_tool_lines": dict(sorted(self.committed_by_tool.items())),
        }


def path_selected(path: str, globs: Sequence[str]) -> bool:
    return not globs or any(fnmatch(path, pattern) for pattern in globs)


def ai_share_measure(
    *,
    repo: Path,
    from_ref: str,
    to_ref: str,
    globs: Sequence[str],
    classify: Callable[[list[CommitRecord]], dict[str, Verdict]],
    workers: int | None = None,
) -> AiShare:
    """CLASSIFY maps each commit of the range to (credited human's name, AI-attributed?).

    Only files the range touched can hold its lines, so only those are blamed, side by side. The range is read
    for its paths only, never its patches: a partial clone, or one missing an old blob, gives the same figure.
    """
    records = list(commits_read(path=repo, revision_range=f"{from_ref}..{to_ref}", line_counts=False))
    verdicts = classify(records)
    touched = {change.path for record in records for change in record.files}
    blameable, skipped = text_files_at(repo, to_ref)
    chosen = [name for name in blameable if name in touched and path_selected(name, globs)]
    share = AiShare(from_ref, to_ref, len(records))
    share.skipped_files = [name for name in skipped if name in touched and path_selected(name, globs)]
    for name, counts in blame_files(repo, to_ref, chosen, since=from_ref, workers=workers).items():
        for sha, lines in counts.items():
            verdict = verdicts.get(sha)
            if verdict is None:
                continue
            share.total.add(lines, ai=verdict.ai)
            share.by_author.setdefault(verdict.author, LineCounts()).add(lines, ai=verdict.ai)
            share.files.setdefault(name, LineCounts()).add(lines, ai=verdict.ai)
            if verdict.committed_by_tool:
                tool = verdict.committed_by_tool
                share.committed_by_tool[tool] = share.committed_by_tool.get(tool, 0) + lines
    return share

"""An independent re-statement of the per-release figure aider publishes ("Aider wrote X% of the code in this
release"), as its public script computes it (github.com/Aider-AI/aider, scripts/blame.py; described in
docs/repository-activity.md, "ai_share against a project's own figure"). A test oracle, not product code.

For the release FROM..TO: every commit `git rev-list FROM..TO` lists is named by its raw author name (`%an`, no
.mailmap), with " (aider)" added when its subject starts with "aider:" (the early convention); every file at TO in
the project's selection is blamed over FROM..TO with `-M100 -C100 -C -C`; lines that blame to the boundary (older
than FROM) are dropped; the figure is 100 * lines of authors whose name contains "(aider)" / all counted lines.
"""

from __future__ import annotations

import subprocess
from collections import Counter
from collections.abc import Callable
from pathlib import Path


def git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(repo), *args], capture_output=True, text=True, check=True).stdout


def authors_of_range(repo: Path, from_ref: str, to_ref: str) -> dict[str, str]:
    names = {}
    for line in git(repo, "log", "--no-mailmap", "--format=%H%x00%an%x00%s", f"{from_ref}..{to_ref}").splitlines():
        sha, name, subject = line.split("\0", 2)
        names[sha] = f"{name} (aider)" if subject.lower().startswith("aider:") else name
    return names


def blamed_shas(repo: Path, from_ref: str, to_ref: str, path: str) -> Counter[str]:
    """Lines of PATH at TO by the commit blame gives them, boundary lines left out (--line-porcelain: one header,
    then `key value` lines, `boundary` among them for a commit older than FROM, then the line itself after a tab)."""
    output = git(repo, "blame", "--line-porcelain", "-M100", "-C100", "-C", "-C", f"{from_ref}..{to_ref}", "--", path)
    counts: Counter[str] = Counter()
    sha, boundary = "", False
    for line in output.splitlines():
        if line.startswith("\t"):
            if not boundary:
                counts[sha] += 1
            sha, boundary = "", False
        elif not sha:
            sha = line.split(" ", 1)[0]
        elif line == "boundary":
            boundary = True
    return counts


def published_percentage(repo: Path, from_ref: str, to_ref: str, *, selected: Callable[[str], bool]) -> float:
    """The project's figure for FROM..TO, in percent (0..100); SELECTED says which paths at TO are counted."""
    authors = authors_of_range(repo, from_ref, to_ref)
    total = tool = 0
    for path in git(repo, "ls-tree", "-r", "--name-only", to_ref).splitlines():
        if not selected(path):
            continue
        for sha, lines in blamed_shas(repo, from_ref, to_ref, path).items():
            total += lines
            tool += lines if "(aider)" in authors.get(sha, "Unknown").lower() else 0
    return 100 * tool / total if total else 0.0


def project_selection(path: str) -> bool:
    """The selection the script applies, shaped for the generated project (tests.evidence.release_histories):
    source suffixes and CI workflows, less the prompts module and the watch fixtures."""
    counted = path.endswith((".py", ".sh", "Dockerfile")) or (
        path.startswith(".github/workflows/") and path.endswith(".yml")
    )
    return counted and not path.endswith("prompts.py") and not path.startswith("tests/fixtures/watch")

"""Read a repository's history with one streamed `git log` (trailers, numstat, git-ai notes), never one process per commit."""

from __future__ import annotations

import re
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from evidence.attribution.trailers import message_trailers, trailers_read
from evidence.git.moves import MovedLines
from reviews.errors import ApplicationError

# Control characters never found in names or subjects separate the fields of one record.
RECORD = "\x1e"
FIELD = "\x1f"
HEADER_END = "\x1d"
RECORD_BYTES = RECORD.encode()
LOG_FORMAT = FIELD.join(["%H", "%P", "%an", "%ae", "%cn", "%ce", "%aI", "%cI", "%s", "%b", "%B", "%N"])
REVERT_BODY = re.compile(r"This reverts commit ([0-9a-f]{7,40})", re.IGNORECASE)
TEST_PATH = re.compile(r"(^|/)(tests?|spec|__tests__)(/|$)|(^|/)test_[^/]*$|_test\.\w+$|\.(spec|test)\.\w+$")
GIT_AI_NOTES_REF = "refs/notes/ai"


@dataclass(frozen=True)
class FileChange:
    path: str
    added: int
    deleted: int
    binary: bool


@dataclass
class CommitRecord:
    sha: str
    parents: list[str]
    author_name: str
    author_email: str
    committer_name: str
    committer_email: str
    authored_at: datetime
    committed_at: datetime
    subject: str
    body: str
    trailers: list[tuple[str, str]]
    ai_note: str
    files: list[FileChange] = field(default_factory=list)
    lines_moved: int | None = None  # None when the history was read without patches (or came from the API)

    @property
    def additions(self) -> int:
        return sum(change.added for change in self.files)

    @property
    def deletions(self) -> int:
        return sum(change.deleted for change in self.files)

    @property
    def touches_tests(self) -> bool:
        return any(TEST_PATH.search(change.path) for change in self.files)

    @property
    def reverted_sha(self) -> str | None:
        match = REVERT_BODY.search(self.body)
        return match.group(1).lower() if match else None

    @property
    def links(self) -> list[str]:
        """The body's lines that are only a URL (a session link, for instance)."""
        return trailers_read(self.body).links


@dataclass(frozen=True)
class RepositoryShape:
    path: Path
    git_dir: Path
    bare: bool
    shallow: bool
    empty: bool


def git(path: Path, *args: str) -> str:
    """Run one short git command and return its output decoded leniently (names may not be UTF-8)."""
    result = subprocess.run(  # noqa: S603 - fixed argument list, git found on PATH as a user's shell would
        ["git", "-C", str(path), *args],  # noqa: S607
        capture_output=True,
        check=False,
    )
    if result.returncode != 0:
        raise ApplicationError(f"{path}: git {args[0]} failed: {result.stderr.decode('utf-8', 'replace').strip()}")
    return result.stdout.decode("utf-8", "replace")


def repository_inspect(*, path: Path) -> RepositoryShape:
    """Check that PATH is a git repository and say whether it is bare, shallow or empty."""
    if not path.is_dir():
        raise ApplicationError(f"{path}: not a folder")
    probe = subprocess.run(  # noqa: S603 - fixed argument list
        ["git", "-C", str(path), "rev-parse", "--absolute-git-dir", "--is-bare-repository", "--is-shallow-repository"],  # noqa: S607
        capture_output=True,
        check=False,
    )
    if probe.returncode != 0:
        raise ApplicationError(f"{path}: not a git repository")
    git_dir, bare, shallow = probe.stdout.decode("utf-8", "replace").split()
    head = subprocess.run(  # noqa: S603 - fixed argument list
        ["git", "-C", str(path), "rev-parse", "--verify", "--quiet", "HEAD"],  # noqa: S607
        capture_output=True,
        check=False,
    )
    return RepositoryShape(
        path=path, git_dir=Path(git_dir), bare=bare == "true", shallow=shallow == "true", empty=head.returncode != 0
    )


def notes_ref_exists(path: Path) -> bool:
    probe = subprocess.run(  # noqa: S603 - fixed argument list
        ["git", "-C", str(path), "rev-parse", "--verify", "--quiet", GIT_AI_NOTES_REF],  # noqa: S607
        capture_output=True,
        check=False,
    )
    return probe.returncode == 0


def commits_read(
    *, path: Path, revision_range: str = "HEAD", all_refs: bool = False, moved_lines: bool = False
) -> Iterator[CommitRecord]:
    """Stream the commits of REVISION_RANGE (or of every branch and tag), oldest first, with numstat.

    With `moved_lines`, the same process also streams each commit's zero-context patch, which is read line by
    line into its moved-line count (evidence.git.moves) and never held whole.
    """
    args = ["git", "-C", str(path), "-c", "core.quotePath=false", "log", "--reverse", "--no-color", "--numstat"]
    args += ["--no-renames", f"--format={RECORD}{LOG_FORMAT}{HEADER_END}"]
    args += ["--patch", "--unified=0", "--full-index", "--no-ext-diff", "--no-textconv"] if moved_lines else []
    args += [f"--notes={GIT_AI_NOTES_REF}"] if notes_ref_exists(path) else ["--no-notes"]
    args += ["--branches", "--tags"] if all_refs else [revision_range]
    process = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE)  # noqa: S603
    assert process.stdout is not None  # noqa: S101 - Popen was asked for a pipe
    pending: list[str] = []
    moves: MovedLines | None = None
    in_patch = header_done = False
    for raw in process.stdout:
        # Each record's header starts a line; numstat, patch and message lines never start with RECORD.
        if raw.startswith(RECORD_BYTES):
            if pending:
                yield record_parse("".join(pending)[1:], lines_moved=moves.total() if moves else None)
            pending = []
            moves = MovedLines() if moved_lines else None
            in_patch = header_done = False
        if moves is not None and header_done and (in_patch or raw.startswith(b"diff --git ")):
            in_patch = True
            moves.feed(raw)
            continue
        line = raw.decode("utf-8", "replace")
        header_done = header_done or HEADER_END in line
        pending.append(line)
    stderr = process.stderr.read().decode("utf-8", "replace") if process.stderr else ""
    if process.wait() != 0:
        raise ApplicationError(f"{path}: git log failed: {stderr.strip()}")
    if pending:
        yield record_parse("".join(pending)[1:], lines_moved=moves.total() if moves else None)


def record_parse(text: str, *, lines_moved: int | None = None) -> CommitRecord:
    header, _, numstat = text.partition(HEADER_END)
    (sha, parents, an, ae, cn, ce, authored, committed, subject, body, trailers, note) = header.split(FIELD)
    files: list[FileChange] = []
    for line in numstat.splitlines():
        parts = line.split("\t", 2)
        if len(parts) != 3:
            continue
        added, deleted, file_path = parts
        binary = added == "-"
        files.append(FileChange(file_path, 0 if binary else int(added), 0 if binary else int(deleted), binary))
    return CommitRecord(
        sha=sha,
        parents=parents.split(),
        author_name=an,
        author_email=ae,
        committer_name=cn,
        committer_email=ce,
        authored_at=datetime.fromisoformat(authored),
        committed_at=datetime.fromisoformat(committed),
        subject=subject,
        body=body,
        trailers=trailers_parse(trailers),
        ai_note=note.strip(),
        files=files,
        lines_moved=lines_moved,
    )


def trailers_parse(message: str) -> list[tuple[str, str]]:
    """Every `Key: value` line of the raw message (`%B`), not only git's trailer block: squash bodies fold many.
    The reader is the one the GitHub path uses (evidence.attribution.trailers)."""
    return message_trailers(message).pairs

"""Read a repository's history with one streamed `git log` (trailers, numstat, git-ai notes), never one process per commit.

Names and e-mails go through the repository's `.mailmap` (`%aN`/`%aE`, as `git log --use-mailmap` shows them), so
one person's old identities are read as the one they map to.
"""

from __future__ import annotations

import os
import re
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from pathlib import Path

from evidence.attribution.trailers import message_trailers, trailers_read
from evidence.git.moves import MovedLines
from reviews.errors import ApplicationError

# Control characters never found in names or subjects separate the fields of one record.
RECORD = "\x1e"
FIELD = "\x1f"
HEADER_END = "\x1d"
RECORD_BYTES = RECORD.encode()
LOG_FORMAT = FIELD.join(["%H", "%P", "%aN", "%aE", "%cN", "%cE", "%aI", "%cI", "%s", "%b", "%B", "%N"])
REVERT_BODY = re.compile(r"This reverts commit ([0-9a-f]{7,40})", re.IGNORECASE)
TEST_PATH = re.compile(r"(^|/)(tests?|spec|__tests__)(/|$)|(^|/)test_[^/]*$|_test\.\w+$|\.(spec|test)\.\w+$")
GIT_AI_NOTES_REF = "refs/notes/ai"
MISSING_OBJECT = re.compile(r"unable to read|missing blob|bad object|could not read|promisor", re.IGNORECASE)


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
    unread_files: list[str] = field(default_factory=list)  # paths whose contents are missing from the clone
    on_default_branch: bool = True  # False: reachable only from other branches or tags, work in progress

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


def git_try(path: Path, *args: str) -> str | None:
    """Run one short git command whose failure is an answer (a ref or setting that does not exist): None."""
    probe = subprocess.run(  # noqa: S603 - fixed argument list
        ["git", "-C", str(path), *args],  # noqa: S607
        capture_output=True,
        check=False,
    )
    return probe.stdout.decode("utf-8", "replace") if probe.returncode == 0 else None


def notes_ref_exists(path: Path) -> bool:
    return git_try(path, "rev-parse", "--verify", "--quiet", GIT_AI_NOTES_REF) is not None


class Detail(StrEnum):
    """How much of each commit's change `commits_read` reads."""

    NAMES = "names"  # the paths it touched: trees only, never a file's contents
    NUMSTAT = "numstat"  # lines added and deleted per file
    MOVES = "moves"  # numstat, and the zero-context patch read into moved lines


DETAIL_ARGS = {
    Detail.NAMES: ["--name-only"],
    Detail.NUMSTAT: ["--numstat"],
    Detail.MOVES: ["--numstat", "--patch", "--unified=0", "--full-index", "--no-ext-diff", "--no-textconv"],
}


class ObjectsMissingError(ApplicationError):
    """git stopped because a file's contents (a blob) are not in the clone: a partial clone or a damaged one."""


def commits_read(
    *,
    path: Path,
    revision_range: str = "HEAD",
    all_refs: bool = False,
    moved_lines: bool = False,
    line_counts: bool = True,
) -> Iterator[CommitRecord]:
    """Stream the commits of REVISION_RANGE (or of every branch and tag), oldest first, with numstat.

    With `moved_lines`, the same process also streams each commit's zero-context patch, which is read line by
    line into its moved-line count (evidence.git.moves) and never held whole. Without `line_counts`, only the
    touched paths are read (FileChange counts are 0): that needs no file contents at all.

    A clone that lacks some file contents (made with `--filter=blob:none`, or missing an object) still reads
    whole: the commits whose patch cannot be read come without those files' line counts (listed in each
    record's `unread_files`) and without moved lines. git is never asked to fetch what is missing.
    """
    revisions = ["--branches", "--tags"] if all_refs else [revision_range]
    if not line_counts:
        yield from log_stream(path, revisions, Detail.NAMES)
        return
    detail = Detail.MOVES if moved_lines else Detail.NUMSTAT
    read: set[str] = set()
    if not partial_clone(path):
        try:
            for record in log_stream(path, revisions, detail):
                read.add(record.sha)
                yield record
            return
        except ObjectsMissingError:
            pass  # the records before the damaged commit stand; the rest are read around the missing objects
    yield from commits_read_around_missing(path, revisions, detail, already=read)


def log_stream(
    path: Path, revisions: list[str], detail: Detail, *, shas: list[str] | None = None
) -> Iterator[CommitRecord]:
    """One `git log` process over REVISIONS (or exactly SHAS, in that order), parsed as it streams."""
    args = ["git", "-C", str(path), "-c", "core.quotePath=false", "log", "--no-color", "--no-renames"]
    args += [f"--format={RECORD}{LOG_FORMAT}{HEADER_END}", *DETAIL_ARGS[detail]]
    args += [f"--notes={GIT_AI_NOTES_REF}"] if notes_ref_exists(path) else ["--no-notes"]
    args += ["--no-walk=unsorted", "--stdin"] if shas is not None else ["--reverse", *revisions]
    # Missing contents are read around (commits_read_around_missing), never fetched one blob at a time; newer gits
    # honour this variable, older ones never reach a missing blob here.
    env = {**os.environ, "GIT_NO_LAZY_FETCH": "1"}
    process = subprocess.Popen(  # noqa: S603 - fixed argument list
        args, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env
    )
    assert process.stdin is not None  # noqa: S101 - Popen was asked for pipes
    assert process.stdout is not None  # noqa: S101
    # git reads every revision from stdin before it writes anything, so writing them all first cannot deadlock.
    process.stdin.write("".join(f"{sha}\n" for sha in shas or []).encode())
    process.stdin.close()
    names_only = detail == Detail.NAMES
    pending: list[str] = []
    moves: MovedLines | None = None
    in_patch = header_done = False
    for raw in process.stdout:
        # Each record's header starts a line; numstat, patch and message lines never start with RECORD.
        if raw.startswith(RECORD_BYTES):
            if pending:
                yield record_parse(
                    "".join(pending)[1:], lines_moved=moves.total() if moves else None, names_only=names_only
                )
            pending = []
            moves = MovedLines() if detail == Detail.MOVES else None
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
        error = ObjectsMissingError if MISSING_OBJECT.search(stderr) else ApplicationError
        raise error(f"{path}: git log failed: {stderr.strip()}")
    if pending:
        yield record_parse("".join(pending)[1:], lines_moved=moves.total() if moves else None, names_only=names_only)


def partial_clone(path: Path) -> bool:
    """Made with `--filter`: most file contents are missing by design, and git would fetch them one at a time."""
    return bool((git_try(path, "config", "--get", "extensions.partialClone") or "").strip())


def commits_read_around_missing(
    path: Path, revisions: list[str], detail: Detail, *, already: set[str]
) -> Iterator[CommitRecord]:
    """The slow path for a clone with missing objects: intact commits in one stream, damaged ones one by one.

    `git rev-list --missing=print` names the missing objects without fetching them; `git log --raw` names each
    commit's blobs from the trees alone. A damaged commit keeps the line counts of its readable files.
    """
    missing = {
        line[1:]
        for line in git(path, "rev-list", "--objects", "--missing=print", *revisions).splitlines()
        if line.startswith("?")
    }
    order: list[str] = []
    unreadable: dict[str, list[str]] = {}
    readable: dict[str, list[str]] = {}
    listing = ["log", "--reverse", "--no-renames", "--raw", "--no-abbrev", f"--format={RECORD}%H", *revisions]
    raw_log = git(path, "-c", "core.quotePath=false", *listing)
    for entry in raw_log.split("\n"):  # not splitlines(): it also splits at RECORD
        if entry.startswith(RECORD):
            order.append(entry[1:])
        elif entry.startswith(":") and order:
            meta, _, name = entry.partition("\t")
            old_blob, new_blob = meta.split()[2:4]
            bucket = unreadable if {old_blob, new_blob} & missing else readable
            bucket.setdefault(order[-1], []).append(name)
    intact = [sha for sha in order if sha not in unreadable and sha not in already]
    if intact:
        yield from log_stream(path, revisions, detail, shas=intact)
    damaged = [sha for sha in order if sha in unreadable and sha not in already]
    if not damaged:
        return
    for record in log_stream(path, revisions, Detail.NAMES, shas=damaged):
        names = readable.get(record.sha, [])
        numstat = ["diff-tree", "-r", "--root", "--no-renames", "--numstat", "--no-commit-id", record.sha, "--"]
        record.files = numstat_parse(git(path, "-c", "core.quotePath=false", *numstat, *names)) if names else []
        record.unread_files = unreadable[record.sha]
        yield record


def record_parse(text: str, *, lines_moved: int | None = None, names_only: bool = False) -> CommitRecord:
    header, _, changes = text.partition(HEADER_END)
    (sha, parents, an, ae, cn, ce, authored, committed, subject, body, trailers, note) = header.split(FIELD)
    if names_only:
        files = [FileChange(name, 0, 0, False) for name in changes.splitlines() if name]
    else:
        files = numstat_parse(changes)
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


def numstat_parse(text: str) -> list[FileChange]:
    files: list[FileChange] = []
    for line in text.splitlines():
        parts = line.split("\t", 2)
        if len(parts) != 3:
            continue
        added, deleted, file_path = parts
        binary = added == "-"
        files.append(FileChange(file_path, 0 if binary else int(added), 0 if binary else int(deleted), binary))
    return files


def trailers_parse(message: str) -> list[tuple[str, str]]:
    """Every `Key: value` line of the raw message (`%B`), not only git's trailer block: squash bodies fold many.
    The reader is the one the GitHub path uses (evidence.attribution.trailers)."""
    return message_trailers(message).pairs

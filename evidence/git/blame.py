"""`git blame` over many files at once: one git process per file, run side by side, never one per commit.

Threads drive the pool because each one only waits on its own `git blame` process (the work happens in git, in
parallel); a process pool would also break inside Celery's prefork workers, whose children may not fork again.
"""

from __future__ import annotations

import os
import subprocess
from collections import Counter
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

MAX_BLAME_BYTES = 5 * 1024 * 1024  # larger files (generated, vendored, data) are skipped, and reported as such


def blame_file(repo: Path, rev: str, file_path: str, since: str | None = None) -> Counter[str]:
    """Lines of FILE_PATH at REV, counted by the commit that last changed each one.

    With SINCE, blame walks only SINCE..REV: older lines go to the boundary commit, and git stops digging.
    `-M` keeps lines moved or copied within the file at the commit that wrote them (git documents it as
    detecting moved lines within a file): code moved is not new code of the person who moved it.
    """
    revision = f"{since}..{rev}" if since else rev
    process = subprocess.run(  # noqa: S603 - fixed argument list
        ["git", "-C", str(repo), "blame", "--incremental", "-M", revision, "--", file_path],  # noqa: S607
        capture_output=True,
        check=False,
    )
    counts: Counter[str] = Counter()
    if process.returncode != 0:
        return counts
    for line in process.stdout.split(b"\n"):
        # A chunk header is "<40-hex sha> <orig line> <final line> <line count>"; other lines describe the commit.
        parts = line.split(b" ")
        if len(parts) == 4 and len(parts[0]) == 40 and parts[3].isdigit():
            counts[parts[0].decode()] += int(parts[3])
    return counts


def blame_files(
    repo: Path, rev: str, files: Iterable[str], *, since: str | None = None, workers: int | None = None
) -> dict[str, Counter[str]]:
    file_list = list(files)
    with ThreadPoolExecutor(max_workers=workers or min(32, (os.cpu_count() or 2) * 2)) as pool:
        counted = pool.map(lambda name: blame_file(repo, rev, name, since), file_list)
        return dict(zip(file_list, counted, strict=True))


def text_files_at(repo: Path, rev: str) -> tuple[list[str], list[str]]:
    """Blameable files at REV, and those skipped because they are binary or enormous."""
    listing = subprocess.run(  # noqa: S603 - fixed argument list
        ["git", "-C", str(repo), "ls-tree", "-r", "-l", "-z", rev],  # noqa: S607
        capture_output=True,
        check=True,
    ).stdout
    sizes: dict[str, int] = {}
    for entry in listing.split(b"\0"):
        if not entry:
            continue
        meta, _, name = entry.partition(b"\t")
        kind, size = meta.split()[1], meta.split()[3]
        if kind == b"blob" and size.isdigit():
            sizes[name.decode("utf-8", "surrogateescape")] = int(size)
    grep = subprocess.run(  # noqa: S603 - fixed argument list; -I leaves binary files out
        ["git", "-C", str(repo), "grep", "-I", "-l", "-z", "--full-name", "-e", "", rev],  # noqa: S607
        capture_output=True,
        check=False,
    ).stdout
    prefix = f"{rev}:"
    text = {name.decode("utf-8", "surrogateescape").removeprefix(prefix) for name in grep.split(b"\0") if name}
    keep = sorted(name for name in text if sizes.get(name, 0) <= MAX_BLAME_BYTES)
    skipped = sorted(set(sizes) - set(keep))
    return keep, skipped

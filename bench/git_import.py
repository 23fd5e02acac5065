"""Local git import speed: commits per second through one streamed `git log`.

.venv/bin/python bench/git_import.py --commits 10000 --files 300

Then the cost of reading moved lines: the same `git log` streamed with numstat only and with numstat plus the
zero-context patch that evidence.git.moves reads, alternated ROUNDS times on the same repository in this run.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run as a script from anywhere
from bench.repos_common import django_in_tmp, synthetic_history


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--commits", type=int, default=10_000)
    parser.add_argument("--files", type=int, default=300)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    django_in_tmp()
    from evidence.git.log import commits_read
    from evidence.models import Commit
    from evidence.services.activity.git import git_import

    repo = Path(tempfile.mkdtemp(prefix="git-import-bench-")) / "repo"
    synthetic_history(repo, commits=args.commits, files=args.files)

    started = time.perf_counter()
    first = git_import(path=repo)
    first_seconds = time.perf_counter() - started
    started = time.perf_counter()
    git_import(path=repo)
    again_seconds = time.perf_counter() - started

    assert Commit.objects.count() == args.commits
    print(
        f"first import: {first.commits} commits ({first.attributed} AI-attributed) in {first_seconds:.2f}s = {first.commits / first_seconds:.0f} commits/s"
    )
    print(f"re-import (no change): {again_seconds:.2f}s = {args.commits / again_seconds:.0f} commits/s")

    seconds: dict[bool, list[float]] = {False: [], True: []}
    for _ in range(args.rounds):
        for with_moves in (False, True):
            started = time.perf_counter()
            read = sum(1 for _ in commits_read(path=repo, all_refs=True, moved_lines=with_moves))
            seconds[with_moves].append(time.perf_counter() - started)
            assert read == args.commits
    plain, patched = min(seconds[False]), min(seconds[True])
    print(
        f"git log read, best of {args.rounds}: numstat only {plain:.2f}s, with moved lines {patched:.2f}s"
        f" = {patched / plain:.2f}x; the moved-line reading is {(patched - plain) / first_seconds:.0%} of the import"
    )


if __name__ == "__main__":
    main()

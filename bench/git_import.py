"""Local git import speed: commits per second through one streamed `git log`.

.venv/bin/python bench/git_import.py --commits 10000 --files 300
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
    args = parser.parse_args()
    django_in_tmp()
    from evidence.models import Commit
    from evidence.services.activity_git import git_import

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


if __name__ == "__main__":
    main()

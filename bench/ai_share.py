"""ai_share wall time on a generated repository, against a straightforward per-file `git blame` loop, in one run.

.venv/bin/python bench/ai_share.py --commits 10000 --files 300

`--rounds N` times ai_share N times on the same repository (each time and the median); `--no-baseline` skips the
per-file loop, e.g. to compare two revisions of ai_share on a busy machine.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run as a script from anywhere
from bench.repos_common import django_in_tmp, synthetic_history


def straightforward(repo: Path, from_ref: str, to_ref: str) -> tuple[int, int]:
    """The obvious way: list the range's commits, then `git blame -M --porcelain` every file at TO, one after another.

    `-M` keeps moved lines at their origin, as ai_share counts them, so both give the same figures.
    """
    in_range = set(
        subprocess.run(
            ["git", "-C", str(repo), "rev-list", f"{from_ref}..{to_ref}"], capture_output=True, text=True, check=True
        ).stdout.split()
    )
    ai = set(
        subprocess.run(
            [
                "git",
                "-C",
                str(repo),
                "log",
                "--format=%H",
                "-i",
                "--grep=noreply@anthropic.com",
                f"{from_ref}..{to_ref}",
            ],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.split()
    )
    files = subprocess.run(
        ["git", "-C", str(repo), "ls-tree", "-r", "--name-only", to_ref], capture_output=True, text=True, check=True
    ).stdout.split()
    total = ai_lines = 0
    for name in files:
        out = subprocess.run(
            ["git", "-C", str(repo), "blame", "-M", "--porcelain", to_ref, "--", name],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        counts: Counter[str] = Counter()
        for line in out.splitlines():
            parts = line.split(" ")
            if len(parts) >= 3 and len(parts[0]) == 40 and parts[1].isdigit():
                counts[parts[0]] += 1
        for sha, lines in counts.items():
            if sha in in_range:
                total += lines
                ai_lines += lines if sha in ai else 0
    return total, ai_lines


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--commits", type=int, default=10_000)
    parser.add_argument("--files", type=int, default=300)
    parser.add_argument("--from-ref", default="mid")
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--no-baseline", action="store_true")
    args = parser.parse_args()
    django_in_tmp()
    from evidence.services.activity.share import ai_share

    repo = Path(tempfile.mkdtemp(prefix="ai-share-bench-")) / "repo"
    started = time.perf_counter()
    synthetic_history(repo, commits=args.commits, files=args.files)
    print(f"generated {args.commits} commits over {args.files} files in {time.perf_counter() - started:.1f}s")

    times = []
    for _ in range(args.rounds):
        started = time.perf_counter()
        share = ai_share(repo=repo, from_ref=args.from_ref, to_ref="end").as_json()
        times.append(time.perf_counter() - started)
    parallel = statistics.median(times)
    print(
        f"range {args.from_ref}..end: {share['commits']} commits, {share['total_lines']} lines, ai_share {share['ai_share']}"
    )
    print(
        f"ai_share (parallel blame of touched files): median {parallel:.2f}s of {', '.join(f'{t:.2f}' for t in times)}"
    )
    if args.no_baseline:
        return
    started = time.perf_counter()
    total, ai_lines = straightforward(repo, args.from_ref, "end")
    serial = time.perf_counter() - started

    assert (share["total_lines"], share["ai_lines"]) == (total, ai_lines), (share["total_lines"], total)
    print(f"straightforward per-file git blame loop:    {serial:.2f}s")
    print(f"ratio straightforward / ai_share: {serial / parallel:.1f}x")


if __name__ == "__main__":
    main()

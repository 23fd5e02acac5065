"""Shared by the repository-activity benchmarks: a throwaway Django database and a fast synthetic git history."""

from __future__ import annotations

import os
import random
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TRAILER = "Co-Authored-By: Claude Sonnet 4.5 <noreply@anthropic.com>"
AUTHORS = [f"Dev {n} <dev{n}@example.com>" for n in range(12)]


def django_in_tmp() -> Path:
    """Point tokenproof at a fresh SQLite database in a temporary folder, migrate it, and return the folder."""
    folder = Path(tempfile.mkdtemp(prefix="tokenproof-bench-"))
    os.environ["TOKENPROOF_DATA_DIR"] = str(folder)
    os.environ.pop("DATABASE_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    sys.path.insert(0, str(ROOT))
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    return folder


def synthetic_history(path: Path, *, commits: int, files: int, seed: int = 7) -> None:
    """COMMITS commits over FILES files, written with one `git fast-import` (seconds, not minutes).

    Each commit rewrites a few lines of one or two files and appends a few; one in three carries a Claude
    co-author trailer. Tags: `start` at commit 0, `mid` half way, `release` at nine tenths, `end` at the last.
    """
    rng = random.Random(seed)  # noqa: S311 - a reproducible synthetic history, not a secret
    subprocess.run(["git", "init", "-q", "-b", "main", str(path)], check=True)
    contents: dict[str, list[str]] = {f"src/pkg{n % 20}/module_{n}.py": [] for n in range(files)}
    names = list(contents)
    stream: list[bytes] = []
    when = 1_750_000_000
    for number in range(commits):
        when += 600
        author = AUTHORS[number % len(AUTHORS)]
        message = f"Change {number}\n" + (f"\n{TRAILER}\n" if number % 3 == 0 else "")
        data = message.encode()
        stream.append(f"commit refs/heads/main\nmark :{number + 1}\n".encode())
        stream.append(f"author {author} {when} +0000\ncommitter {author} {when} +0000\n".encode())
        stream.append(f"data {len(data)}\n".encode() + data + b"\n")
        for name in rng.sample(names, k=1 if number % 2 else 2):
            lines = contents[name]
            for _ in range(min(len(lines), rng.randint(0, 3))):
                lines[rng.randrange(len(lines))] = f"edited_{number}_{rng.randint(0, 9999)} = {number}"
            lines.extend(f"value_{number}_{k} = {rng.randint(0, 10**6)}" for k in range(rng.randint(1, 4)))
            body = ("\n".join(lines) + "\n").encode()
            stream.append(f"M 100644 inline {name}\ndata {len(body)}\n".encode() + body + b"\n")
        tags = {0: "start", commits // 2: "mid", commits * 9 // 10: "release", commits - 1: "end"}
        if number in tags:
            tag = tags[number]
            stream.append(f"reset refs/tags/{tag}\nfrom :{number + 1}\n\n".encode())
    subprocess.run(["git", "-C", str(path), "fast-import", "--quiet"], input=b"".join(stream), check=True)
    subprocess.run(["git", "-C", str(path), "checkout", "-q", "main"], check=True)

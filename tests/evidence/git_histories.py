"""Real-shaped histories built with real `git`, shared by the import, durability and ai_share tests."""

from __future__ import annotations

import subprocess
from datetime import UTC, datetime, timedelta
from pathlib import Path

from reviews.demo.repo_builder import RepoBuilder

ADA = "Ada Abara <ada@example.com>"
BEN = "Ben Bauer <ben@example.com>"
CLAUDE = "Co-Authored-By: Claude <noreply@anthropic.com>"
START = datetime(2026, 7, 1, 9, tzinfo=UTC)


def nora_history(path: Path) -> RepoBuilder:
    """Nora commits under two old identities that the repository's .mailmap maps to her work address."""
    repo = RepoBuilder(path)
    repo.write("README.md", ["# app"])
    repo.commit("Start", author=BEN, when=START)
    repo.git("tag", "v0")
    repo.write("src/a.py", [f"a = {n}" for n in range(4)])
    repo.commit("Laptop work", author="nq <nq@laptop.local>", when=START + timedelta(days=1))
    repo.write("src/b.py", [f"b = {n}" for n in range(3)])
    repo.commit(
        "Old address", author="Nora Q <nora.q@old.example.com>", when=START + timedelta(days=2), trailers=[CLAUDE]
    )
    repo.write(
        ".mailmap",
        [
            "Nora Quinn <nora@example.com> nq <nq@laptop.local>",
            "Nora Quinn <nora@example.com> <nora.q@old.example.com>",
        ],
    )
    repo.commit("Map my identities", author="Nora Quinn <nora@example.com>", when=START + timedelta(days=3))
    repo.git("tag", "v1")
    return repo


def squash_history(path: Path) -> tuple[RepoBuilder, str]:
    """Ada's branch `feature` (two commits of 30 lines), squash-merged onto main; the branch is not deleted."""
    repo = RepoBuilder(path)
    repo.write("README.md", ["# app"])
    repo.commit("Start", author=BEN, when=START)
    repo.git("checkout", "-q", "-b", "feature")
    repo.write("src/first.py", [f"first_{n} = {n}" for n in range(30)])
    repo.commit("First half", author=ADA, when=START + timedelta(days=1))
    repo.write("src/second.py", [f"second_{n} = {n}" for n in range(30)])
    repo.commit("Second half", author=ADA, when=START + timedelta(days=2))
    repo.git("checkout", "-q", "main")
    repo.git("merge", "-q", "--squash", "feature")
    squash = repo.commit("Feature (#1)", author=ADA, when=START + timedelta(days=3))
    return repo, squash


def clone_missing_a_blob(tmp_path: Path) -> tuple[RepoBuilder, Path, str]:
    """A source whose large data file is added, then dropped in v1..v2; a `--no-local` clone lacks its blob.

    In v1..v2 (hand-counted): Ben drops the data and adds 2 lines to src/app.py, Ada with Claude adds src/load.py
    (6 lines), Ben adds 1 more line to src/app.py.
    """
    repo = RepoBuilder(tmp_path / "source")
    repo.write("src/app.py", [f"app_{n} = {n}" for n in range(5)])
    repo.commit("Start", author=BEN, when=START)
    repo.write("data/big.csv", [f"{n},{n * n},{n % 7}" for n in range(5000)])
    repo.commit("Add data", author=BEN, when=START + timedelta(days=1))
    repo.git("tag", "v1")
    (repo.path / "data" / "big.csv").unlink()
    repo.write("src/app.py", [f"app_{n} = {n}" for n in range(7)])
    repo.commit("Drop data", author=BEN, when=START + timedelta(days=2))
    repo.write("src/load.py", [f"load_{n} = {n}" for n in range(6)])
    repo.commit("Load data elsewhere", author=ADA, when=START + timedelta(days=3), trailers=[CLAUDE])
    repo.write("src/app.py", [f"app_{n} = {n}" for n in range(8)])
    repo.commit("More app", author=BEN, when=START + timedelta(days=4))
    repo.git("tag", "v2")
    blob = repo.git("rev-parse", "v1:data/big.csv")
    target = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", "--no-local", str(repo.path), str(target)], check=True)
    objects = target / ".git" / "objects"
    for pack in (objects / "pack").glob("*.pack"):
        kept = tmp_path / pack.name
        pack.rename(kept)
        (objects / "pack" / pack.name).with_suffix(".idx").unlink()
        subprocess.run(["git", "-C", str(target), "unpack-objects", "-q"], stdin=kept.open("rb"), check=True)
    (objects / blob[:2] / blob[2:]).unlink()
    return repo, target, blob


def moved_block_history(path: Path) -> RepoBuilder:
    """Ben's 10 lines before v1; Ada (with Claude) adds a 6-line block above them; Ben moves it below them."""
    block = [f"def compute_total_{n}(values):  # summing the ledger entries, slot {n}" for n in range(6)]
    settled = [f"SETTLED_ACCOUNT_{n} = 'ledger account number {n}'" for n in range(10)]
    repo = RepoBuilder(path)
    repo.write("src/ledger.py", settled)
    repo.commit("Start", author=BEN, when=START)
    repo.git("tag", "v1")
    repo.write("src/ledger.py", [*block, *settled])
    repo.commit("Totals", author=ADA, when=START + timedelta(days=1), trailers=[CLAUDE])
    repo.write("src/ledger.py", [*settled, *block])
    repo.commit("Move totals to the end", author=BEN, when=START + timedelta(days=2))
    repo.git("tag", "v2")
    return repo

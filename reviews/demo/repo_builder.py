"""Build real git repositories with real `git` commands: for the demo, the tests and the benchmarks."""

from __future__ import annotations

import os
import subprocess
from datetime import datetime
from pathlib import Path


class RepoBuilder:
    """A working tree whose commits carry chosen authors, committers, dates and trailers."""

    def __init__(self, path: Path, *, branch: str = "main") -> None:
        self.path = path
        path.mkdir(parents=True, exist_ok=True)
        self.git("init", "-q", "-b", branch)
        self.git("config", "commit.gpgsign", "false")

    def git(self, *args: str, env: dict[str, str] | None = None) -> str:
        result = subprocess.run(  # noqa: S603 - fixed argument list
            ["git", "-C", str(self.path), *args],  # noqa: S607
            capture_output=True,
            check=True,
            env={**os.environ, **(env or {})},
        )
        return result.stdout.decode("utf-8", "replace").strip()

    def write(self, name: str, lines: list[str]) -> None:
        target = self.path / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text("".join(f"{line}\n" for line in lines), encoding="utf-8")

    def commit(
        self,
        message: str,
        *,
        author: str,
        when: datetime,
        committer: str | None = None,
        trailers: list[str] | None = None,
    ) -> str:
        """Commit everything staged or changed; AUTHOR and COMMITTER are 'Name <email>'."""
        env = identity_env(author=author, committer=committer or author, when=when)
        full = message if not trailers else f"{message}\n\n" + "\n".join(trailers)
        self.git("add", "-A")
        self.git("commit", "-q", "--allow-empty", "-m", full, env=env)
        return self.git("rev-parse", "HEAD")

    def revert(self, sha: str, *, author: str, when: datetime) -> str:
        env = identity_env(author=author, committer=author, when=when)
        self.git("revert", "--no-edit", sha, env=env)
        return self.git("rev-parse", "HEAD")


def split_identity(identity: str) -> tuple[str, str]:
    name, _, email = identity.partition("<")
    return name.strip(), email.rstrip(">").strip()


def identity_env(*, author: str, committer: str, when: datetime) -> dict[str, str]:
    """The environment that makes git record AUTHOR and COMMITTER ('Name <email>') at WHEN."""
    author_name, author_email = split_identity(author)
    committer_name, committer_email = split_identity(committer)
    stamp = when.isoformat()
    return {
        "GIT_AUTHOR_NAME": author_name,
        "GIT_AUTHOR_EMAIL": author_email,
        "GIT_AUTHOR_DATE": stamp,
        "GIT_COMMITTER_NAME": committer_name,
        "GIT_COMMITTER_EMAIL": committer_email,
        "GIT_COMMITTER_DATE": stamp,
    }

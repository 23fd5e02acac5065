from __future__ import annotations

import os
import subprocess
from pathlib import Path

from evidence.git.blame import blame_file, blame_files, commit_graph_borrowed
from tests.evidence.release_histories import release_history


def test_blame_reads_a_borrowed_commit_graph_and_never_writes_to_the_clone(tmp_path: Path) -> None:
    repo = tmp_path / "project"
    release_history(repo)
    files = ["app/main.py", "app/repo.py", "docker/Dockerfile"]
    plain = {name: blame_file(repo, "v0.15.0", name, "v0.10.0") for name in files}

    with commit_graph_borrowed(repo) as env:
        assert env is not None
        borrowed = env["GIT_ALTERNATE_OBJECT_DIRECTORIES"].split(os.pathsep)[0]
        verify = ["git", "-C", str(repo), "commit-graph", "verify", f"--object-dir={borrowed}"]
        assert subprocess.run(verify, env=env, capture_output=True, check=False).returncode == 0

    assert blame_files(repo, "v0.15.0", files, since="v0.10.0") == plain
    assert not list((repo / ".git" / "objects" / "info").glob("commit-graph*"))
    assert not Path(borrowed).exists()


def test_a_clone_with_its_own_commit_graph_is_read_as_it_is(tmp_path: Path) -> None:
    repo = tmp_path / "project"
    release_history(repo)
    subprocess.run(["git", "-C", str(repo), "commit-graph", "write", "--reachable"], check=True)

    with commit_graph_borrowed(repo) as env:
        assert env is None

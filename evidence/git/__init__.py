"""Local git repositories: one streamed `git log` per repository, and `git blame` in a process pool."""

from __future__ import annotations

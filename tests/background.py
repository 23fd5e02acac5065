"""Waiting for the work a page started in a thread of this process (the embedded default: reviews.tasks)."""

from __future__ import annotations

import threading

from reviews.tasks import BACKGROUND_THREAD_PREFIX


def background_work_join(*, timeout: float = 300.0) -> None:
    """Join every background thread a page or the API started; fails if one is still running after `timeout` s."""
    for thread in threading.enumerate():
        if thread.name.startswith(BACKGROUND_THREAD_PREFIX):
            thread.join(timeout)
            assert not thread.is_alive(), f"{thread.name} still running after {timeout} s"

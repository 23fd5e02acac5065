"""The one domain-error family. Views map it to HTTP 400, commands print it and exit non-zero.

It sits at the bottom layer beside reviews.models, so evidence/ may raise it too.
"""

from __future__ import annotations


class ApplicationError(Exception):
    """An error whose message is written for the person who caused it."""

    def __init__(self, message: str, *, extra: dict[str, object] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.extra = extra or {}

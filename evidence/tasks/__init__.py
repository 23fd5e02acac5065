"""Celery tasks of the data side, one module per area; imported here so Celery's autodiscovery finds them."""

from __future__ import annotations

from evidence.tasks import facts, github, usage

__all__ = ["facts", "github", "usage"]

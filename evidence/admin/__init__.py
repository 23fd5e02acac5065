"""Admin for the data side, one module per area."""

from __future__ import annotations

from evidence.admin import activity, usage

__all__ = ["activity", "usage"]

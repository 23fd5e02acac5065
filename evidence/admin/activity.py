"""Admin: activity."""

from __future__ import annotations

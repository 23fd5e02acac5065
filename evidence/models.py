"""The data side: imported sources, repository activity and evidence facts (models arrive with their importers)."""

from __future__ import annotations

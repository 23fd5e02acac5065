"""The data side's models, one module per concern. Import them from here: `from evidence.models import Commit`."""

from __future__ import annotations

from evidence.models.usage import ToolReportedCommit

__all__ = ["ToolReportedCommit"]

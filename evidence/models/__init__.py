"""The data side's models, one module per concern. Import them from here: `from evidence.models import Commit`."""

from __future__ import annotations

from evidence.models.activity import (
    AttributionRule,
    Commit,
    CommitAttribution,
    GitHubConnection,
    Issue,
    PullRequest,
    Repository,
    Review,
    ReviewComment,
)
from evidence.models.facts import EvidenceFacts, FactsBuild
from evidence.models.links import WorkLink
from evidence.models.usage import (
    ImportBatch,
    PriceEntry,
    Purpose,
    PurposeLabel,
    RawRecord,
    SourceActor,
    ToolOutcomeFact,
    ToolReportedCommit,
    UsageFact,
    UsageSession,
)

__all__ = [
    "AttributionRule",
    "Commit",
    "CommitAttribution",
    "EvidenceFacts",
    "FactsBuild",
    "GitHubConnection",
    "ImportBatch",
    "Issue",
    "PriceEntry",
    "PullRequest",
    "Purpose",
    "PurposeLabel",
    "RawRecord",
    "Repository",
    "Review",
    "ReviewComment",
    "SourceActor",
    "ToolOutcomeFact",
    "ToolReportedCommit",
    "UsageFact",
    "UsageSession",
    "WorkLink",
]

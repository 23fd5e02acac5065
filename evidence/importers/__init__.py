"""Usage importers, one module per source; `IMPORTERS` maps each `--source` name to its importer."""

from __future__ import annotations

from evidence.importers.anthropic import AnthropicUsage, AnthropicUsers
from evidence.importers.base import Importer
from evidence.importers.claude_code import ClaudeCodeAnalytics
from evidence.importers.claude_code_otel import ClaudeCodeOtel
from evidence.importers.copilot import CopilotMetrics
from evidence.importers.cursor import CursorCommits, CursorDaily
from evidence.importers.cursor_usage_events import CursorUsageEvents
from evidence.importers.generic_csv import GenericCsv
from evidence.importers.litellm import LiteLLMSpend
from evidence.importers.openai import OpenAIProjects, OpenAIUsage, OpenAIUsers

IMPORTERS: dict[str, Importer] = {
    importer.source: importer
    for importer in (
        ClaudeCodeAnalytics(),
        AnthropicUsage(),
        AnthropicUsers(),
        ClaudeCodeOtel(),
        OpenAIUsage(),
        OpenAIUsers(),
        OpenAIProjects(),
        CopilotMetrics(),
        CursorDaily(),
        CursorCommits(),
        CursorUsageEvents(),
        LiteLLMSpend(),
        GenericCsv(),
    )
}

__all__ = ["IMPORTERS", "Importer"]

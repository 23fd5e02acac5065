"""Cursor's AI code tracking CSV (`GET /analytics/ai-code/commits.csv`, or the dashboard's export), read as `items`.

The same per-commit records as the JSON, with snake_case columns (`commit_hash`, `tab_lines_added`, …). Commit
messages and branch names are not read.
"""

from __future__ import annotations

from evidence.importers.dashboard_csv import Cell, CsvShape, count_cell, flag_cell, text_cell

LINE_KINDS = {"total": "total", "tab": "tab", "composer": "composer", "non_ai": "nonAi"}
COLUMNS: dict[str, tuple[str, Cell]] = {
    "commit_hash": ("commitHash", text_cell),
    "user_id": ("userId", text_cell),
    "user_email": ("userEmail", text_cell),
    "repo_name": ("repoName", text_cell),
    "is_primary_branch": ("isPrimaryBranch", flag_cell),
    "commit_source": ("commitSource", text_cell),
    **{
        f"{column}_lines_{change.lower()}": (f"{field}Lines{change}", count_cell)
        for column, field in LINE_KINDS.items()
        for change in ("Added", "Deleted")
    },
    "commit_ts": ("commitTs", text_cell),
    "created_at": ("createdAt", text_cell),
}

CURSOR_COMMITS = CsvShape(
    name="the Cursor AI code tracking CSV",
    columns=COLUMNS,
    identifying=frozenset({"commit_hash", "tab_lines_added", "composer_lines_added"}),
)

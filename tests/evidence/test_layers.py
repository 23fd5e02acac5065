"""The layer rule: evidence/ stands on reviews' foundations only, never on its services, views, API or printing."""

from __future__ import annotations

import ast
from pathlib import Path

EVIDENCE = Path(__file__).resolve().parents[2] / "evidence"
FOUNDATIONS = {"reviews.models", "reviews.errors", "reviews.management.base", "reviews.admin_base"}


def reviews_imports(path: Path) -> set[str]:
    """Every reviews module a file imports, at the top or inside a function."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
        elif isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
    return {name for name in names if name == "reviews" or name.startswith("reviews.")}


def test_evidence_imports_only_the_foundations_of_reviews() -> None:
    above = {
        f"{path.relative_to(EVIDENCE.parent)}: {name}"
        for path in sorted(EVIDENCE.rglob("*.py"))
        for name in reviews_imports(path) - FOUNDATIONS
    }
    assert above == set()
    assert not (EVIDENCE / "api").exists(), "the evidence API lives in reviews/api, behind reviews.permissions"

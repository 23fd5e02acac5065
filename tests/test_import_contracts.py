"""pyproject.toml's import contracts keep up with the code: a new evidence package is closed to reviews at once."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
EVIDENCE_WAYS_IN = {"evidence.selectors", "evidence.services", "evidence.facts"}


def contracts() -> list[dict[str, Any]]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    found: list[dict[str, Any]] = config["tool"]["importlinter"]["contracts"]
    return found


def test_reviews_may_import_every_evidence_module_but_its_ways_in_only_by_a_written_exception() -> None:
    (contract,) = [found for found in contracts() if found.get("source_modules") == ["reviews"]]
    evidence_modules = {
        f"evidence.{path.stem}"
        for path in (ROOT / "evidence").iterdir()
        if path.name != "__init__.py" and (path.suffix == ".py" or (path / "__init__.py").is_file())
    }
    assert set(contract["forbidden_modules"]) == evidence_modules - EVIDENCE_WAYS_IN

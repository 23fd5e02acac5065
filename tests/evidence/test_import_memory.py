"""Memory of an import: the actor cache is bounded, and the cycle collector is held back only while it runs."""

from __future__ import annotations

import gc
from pathlib import Path

import pytest

from evidence.importers.base import ActorRef
from evidence.models import ImportBatch
from evidence.services import identities
from evidence.services.identities import ActorBook
from evidence.services.usage.imports import usage_import
from tests.evidence.usage_files import FIXTURES

pytestmark = pytest.mark.django_db


def test_actor_book_starts_over_past_its_bound_and_keeps_the_chunk(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(identities, "MAX_CACHED_ACTORS", 3)
    book = ActorBook()
    first = [ActorRef("email", f"a{index}@example.com", "p") for index in range(3)]
    book.resolve_many(first)
    chunk = [first[0], ActorRef("email", "b@example.com", "p")]
    book.resolve_many(chunk)
    assert {book.get(ref).actor_id for ref in chunk}
    with pytest.raises(KeyError):
        book.get(first[2])


def test_the_cycle_collector_runs_rarely_during_an_import_and_as_before_after_it(tmp_path: Path) -> None:
    before = gc.get_threshold()
    during: list[tuple[tuple[int, int, int], int]] = []
    path = tmp_path / "analytics.jsonl"
    path.write_text((FIXTURES / "claude_code_analytics.json").read_text())
    summary = usage_import(
        source="claude-code-analytics",
        paths=[path],
        progress=lambda batch: during.append((gc.get_threshold(), gc.get_freeze_count())),
    )
    assert summary.batches[0].status == ImportBatch.Status.DONE, summary.batches[0].error
    assert during
    assert all(threshold[0] == 50_000 and frozen > 0 for threshold, frozen in during)
    assert gc.get_threshold() == before
    assert gc.get_freeze_count() == 0

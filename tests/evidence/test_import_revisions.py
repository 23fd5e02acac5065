"""A revised record subtracts exactly what it added before, whatever the importer's code is now."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from evidence.importers import IMPORTERS
from evidence.importers.base import Facts
from evidence.importers.claude_code import ClaudeCodeAnalytics
from evidence.models import RawRecord, ToolOutcomeFact, UsageFact
from tests.evidence.usage_files import FIXTURES, import_ok

pytestmark = pytest.mark.django_db
SOURCE = "claude-code-analytics"


class EarlierClaudeCodeAnalytics(ClaudeCodeAnalytics):
    """The importer as an earlier release mapped it: cache reads counted as uncached input too, sessions doubled."""

    def facts(self, payload: dict[str, Any]) -> Facts:
        facts = super().facts(payload)
        for row in facts.usage:
            row.input_uncached += row.cache_read
        for outcome in facts.outcomes:
            if outcome.metric == "sessions":
                outcome.value *= 2
        return facts


def import_with_earlier_mapping(monkeypatch: pytest.MonkeyPatch) -> None:
    with monkeypatch.context() as patch:
        patch.setitem(IMPORTERS, SOURCE, EarlierClaudeCodeAnalytics())
        import_ok(SOURCE, "claude_code_analytics.json")
    sonnet = UsageFact.objects.get(model="claude-sonnet-4-5")
    assert sonnet.input_uncached == 890_000  # what the earlier mapping stored


def revised_file(tmp_path: Path) -> Path:
    page = json.loads((FIXTURES / "claude_code_analytics.json").read_text())
    page["data"][0]["model_breakdown"][0]["tokens"]["output"] = 15_000
    page["data"][0]["core_metrics"]["num_sessions"] = 5
    path = tmp_path / "revised.json"
    path.write_text(json.dumps(page))
    return path


def test_a_revision_after_the_importer_mapping_changed_keeps_the_stored_totals_right(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import_with_earlier_mapping(monkeypatch)
    batch = import_ok(SOURCE, revised_file(tmp_path))
    # both records: the first has new values, the second the same payload with facts derived differently now
    assert (batch.created, batch.updated, batch.unchanged) == (0, 2, 0)
    sonnet = UsageFact.objects.get(model="claude-sonnet-4-5")
    # the earlier 890,000 uncached are subtracted as stored, not as today's code would derive them (90,000)
    assert (sonnet.input_uncached, sonnet.cache_read, sonnet.output) == (90_000, 800_000, 15_000)
    assert ToolOutcomeFact.objects.get(actor=sonnet.actor, metric="sessions").value == 5


def test_reimporting_after_the_mapping_changed_replaces_the_earlier_facts(monkeypatch: pytest.MonkeyPatch) -> None:
    import_with_earlier_mapping(monkeypatch)
    batch = import_ok(SOURCE, "claude_code_analytics.json", allow_duplicate=True)
    # the same payloads, whose facts today's code derives differently: revisions, not unchanged records
    assert (batch.created, batch.updated, batch.unchanged) == (0, 2, 0)
    sonnet = UsageFact.objects.get(model="claude-sonnet-4-5")
    assert sonnet.input_uncached == 90_000
    assert ToolOutcomeFact.objects.get(actor=sonnet.actor, metric="sessions").value == 4
    assert sorted(ToolOutcomeFact.objects.filter(metric="sessions").values_list("value", flat=True)) == [1, 4]


def test_a_record_stored_before_contributions_were_kept_is_undone_by_deriving_its_facts(tmp_path: Path) -> None:
    import_ok(SOURCE, "claude_code_analytics.json")
    RawRecord.objects.update(contribution="")  # as the records of earlier releases are stored
    again = import_ok(SOURCE, "claude_code_analytics.json", allow_duplicate=True)
    assert again.unchanged == 2
    assert not RawRecord.objects.filter(contribution="").exists()  # filled in by the re-import
    RawRecord.objects.update(contribution="")
    import_ok(SOURCE, revised_file(tmp_path))
    sonnet = UsageFact.objects.get(model="claude-sonnet-4-5")
    assert (sonnet.input_uncached, sonnet.output) == (90_000, 15_000)

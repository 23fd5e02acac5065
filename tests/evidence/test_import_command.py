"""import_usage: the --json summary on standard output, and a rejected file as a one-line error."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from tests.evidence.usage_files import FIXTURES

pytestmark = pytest.mark.django_db


def test_json_summary_counts_files_tokens_cost_and_unresolved_identities() -> None:
    out = StringIO()
    files = [str(FIXTURES / "litellm_spend_logs.json"), str(FIXTURES / "litellm_spend_logs.csv")]
    call_command("import_usage", "--source", "litellm-spend", *files, "--json", stdout=out)
    summary = json.loads(out.getvalue())
    assert [(item["path"], item["read"], item["created"]) for item in summary["files"]] == [
        (files[0], 2, 2),
        (files[1], 1, 1),
    ]
    assert all(item["unchanged"] == item["rejected"] == item["updated"] == 0 for item in summary["files"])
    assert summary["tokens"] == {"input_uncached": 20200, "cache_read": 0, "cache_write": 0, "output": 1940}
    assert summary["cost_usd"] == "0.094700"
    assert summary["unresolved_identities"] == [
        {"kind": "email", "provider": "litellm", "value": "dev@corp.com", "tokens": 22140}
    ]


def test_reimport_reports_unchanged_and_the_same_tokens() -> None:
    path = str(FIXTURES / "generic.csv")
    call_command("import_usage", "--source", "csv", path, stdout=StringIO())
    out = StringIO()
    call_command("import_usage", "--source", "csv", path, "--json", "--allow-duplicate", stdout=out)
    summary = json.loads(out.getvalue())
    assert (summary["files"][0]["created"], summary["files"][0]["unchanged"]) == (0, 1)
    assert summary["tokens"]["input_uncached"] == 12000


def test_a_rejected_file_is_a_one_line_error(tmp_path: Path) -> None:
    bad = tmp_path / "bad.ndjson"
    bad.write_text('{"day":"2026-05-04","user_login":"alice","loc_added_sum":-1}\n')
    with pytest.raises(CommandError, match=r"bad.ndjson, line 1: field 'loc_added_sum': a count cannot be negative"):
        call_command("import_usage", "--source", "copilot-metrics", str(bad), stdout=StringIO())

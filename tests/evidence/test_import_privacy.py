"""No prompt or response text from any source is stored: not in the database, not in files, not in logs."""

from __future__ import annotations

import logging
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import Client
from pytest_django import Settings as SettingsWrapper

from evidence.models import ImportBatch
from reviews.models import Person
from tests.evidence.usage_files import EXAMPLES, FIXTURES, SENTINEL, import_ok
from tests.factories import make_person

# The files whose sources can carry free text, with the sentinel in every such field.
TEXT_BEARING = {
    "claude-code-otel": "claude_code_otel.jsonl",  # prompt, tool_parameters (commands, paths), error text
    "cursor-commits": "cursor_ai_code_commits.json",  # commit message, branch name
    "litellm-spend": "litellm_spend_logs.json",  # messages, response, metadata
}


def test_the_sentinel_is_in_every_text_field_of_the_examples() -> None:
    otel = (FIXTURES / "claude_code_otel.jsonl").read_text()
    for field in ('"prompt"', '"tool_parameters"', '"error"'):
        assert otel.count(field) >= 1
    assert otel.count(SENTINEL) == 5
    assert (FIXTURES / "cursor_ai_code_commits.json").read_text().count(SENTINEL) == 2
    assert (FIXTURES / "litellm_spend_logs.json").read_text().count(SENTINEL) == 5
    assert (FIXTURES / "litellm_spend_logs.csv").read_text().count(SENTINEL) == 2


@pytest.mark.django_db(transaction=True)
def test_no_sentinel_in_database_files_or_logs(
    tmp_path: Path, settings: SettingsWrapper, caplog: pytest.LogCaptureFixture
) -> None:
    settings.DATA_DIR = tmp_path / "data"
    caplog.set_level(logging.DEBUG)
    admin = make_person(email="admin@example.com", role=Person.Role.ADMIN)
    client = Client()
    assert admin.user is not None
    client.force_login(admin.user)
    for source, name in TEXT_BEARING.items():
        with (FIXTURES / name).open("rb") as upload:
            response = client.post("/api/evidence/usage/imports/", {"source": source, "file": upload})
        assert response.status_code == 202, response.content
    for source, name in EXAMPLES.items():
        import_ok(source, name, allow_duplicate=True)
    import_ok("litellm-spend", "litellm_spend_logs.csv")
    assert ImportBatch.objects.filter(status=ImportBatch.Status.DONE).count() == len(EXAMPLES) + 1 + len(TEXT_BEARING)

    dump = StringIO()
    call_command("dumpdata", stdout=dump)
    assert "dev@corp.com" in dump.getvalue()  # the dump does hold the imported rows
    assert SENTINEL not in dump.getvalue()
    for directory in (settings.DATA_DIR, settings.MEDIA_ROOT):
        for path in Path(directory).rglob("*"):
            assert not path.is_file() or SENTINEL.encode() not in path.read_bytes(), path
    assert SENTINEL not in caplog.text

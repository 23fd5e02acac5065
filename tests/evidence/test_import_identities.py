"""Identity resolution: emails, provider ids through users lists, keys with validity dates, late mapping."""

from __future__ import annotations

import datetime as dt
import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from evidence.models import SourceActor, ToolOutcomeFact, ToolReportedCommit, UsageFact, UsageSession
from evidence.services.identities import identities_resolve, source_actor_map, unresolved_actors
from reviews.models import Identity
from tests.evidence.usage_files import FIXTURES, import_file, import_ok
from tests.factories import make_person

pytestmark = pytest.mark.django_db


def test_email_resolves_case_insensitively_to_the_person() -> None:
    dev = make_person(email="dev@corp.com")
    import_ok("claude-code-analytics", "claude_code_analytics.json")
    fact = UsageFact.objects.get(model="claude-sonnet-4-5")
    assert fact.person == dev
    assert fact.actor.owner == SourceActor.Owner.PERSON
    assert set(ToolOutcomeFact.objects.filter(actor=fact.actor).values_list("person", flat=True)) == {dev.pk}


def test_github_login_identity_resolves_copilot_rows() -> None:
    alice = make_person(email="alice@example.com")
    Identity.objects.create(person=alice, kind=Identity.Kind.GITHUB_LOGIN, value="Alice")
    import_ok("copilot-metrics", "copilot_users_1_day.ndjson")
    assert UsageFact.objects.get(actor__value="alice").person == alice


def test_users_list_resolves_provider_ids_imported_before_it() -> None:
    dev = make_person(email="dev@corp.com")
    import_ok("anthropic-usage", "anthropic_usage.json")
    import_ok("claude-code-otel", "claude_code_otel.jsonl")
    fact = UsageFact.objects.get(actor__value="user_01AbCdEf")
    assert fact.person is None
    import_ok("anthropic-users", "anthropic_users.json")
    fact.refresh_from_db()
    assert fact.person == dev
    assert Identity.objects.get(kind=Identity.Kind.PROVIDER_USER, value="user_01AbCdEf").person == dev


def test_users_list_resolves_provider_ids_imported_after_it() -> None:
    dev = make_person(email="dev@corp.com")
    import_ok("openai-users", "openai_users.json")
    import_ok("openai-usage", "openai_usage.json")
    assert UsageFact.objects.get(source="openai-usage").person == dev


def test_unresolved_identity_is_kept_with_its_volume_and_nothing_dropped() -> None:
    summary = import_file("claude-code-analytics", FIXTURES / "claude_code_analytics.json")
    report = summary.as_json()
    assert report["unresolved_identities"] == [
        {"kind": "email", "provider": "anthropic", "value": "dev@corp.com", "tokens": 951000}
    ]
    assert UsageFact.objects.count() == 2
    actor = unresolved_actors().get()
    assert actor.tokens == 951000  # type: ignore[attr-defined]


def test_late_mapping_relinks_every_fact_of_the_actor() -> None:
    import_ok("claude-code-otel", "claude_code_otel.jsonl")
    import_ok("cursor-commits", "cursor_ai_code_commits.json")
    dev = make_person(email="someone.else@example.com")
    actor = SourceActor.objects.get(kind="email", provider="anthropic", value="dev@corp.com")
    relinked = source_actor_map(actor=actor, person=dev)
    assert relinked > 0
    actor.refresh_from_db()
    assert (actor.owner, actor.person) == (SourceActor.Owner.PERSON, dev)
    assert set(UsageFact.objects.filter(actor=actor).values_list("person", flat=True)) == {dev.pk}
    assert set(ToolOutcomeFact.objects.filter(actor=actor).values_list("person", flat=True)) == {dev.pk}
    assert UsageSession.objects.get().person == dev
    assert ToolReportedCommit.objects.get(source="claude-code-otel").person == dev
    assert ToolReportedCommit.objects.get(source="cursor-commits").person is None  # another actor (cursor)


def test_api_key_mapping_follows_its_validity_dates(tmp_path: Path) -> None:
    first, second = make_person(email="first@example.com"), make_person(email="second@example.com")
    page = json.loads((FIXTURES / "claude_code_analytics.json").read_text())
    key_record = page["data"][1]
    records = [{**key_record, "date": f"2026-05-0{day}T00:00:00Z"} for day in (3, 4, 5)]
    path = tmp_path / "key.jsonl"
    path.write_text("".join(json.dumps(record) + "\n" for record in records))
    import_ok("claude-code-analytics", path)
    actor = SourceActor.objects.get(kind="api_key")
    assert actor.owner == SourceActor.Owner.AUTOMATION
    source_actor_map(actor=actor, person=first, valid_to=dt.date(2026, 5, 3))
    source_actor_map(actor=actor, person=second, valid_from=dt.date(2026, 5, 4))
    by_day = dict(UsageFact.objects.filter(actor=actor).values_list("day__day", "person__email"))
    assert by_day == {3: "first@example.com", 4: "second@example.com", 5: "second@example.com"}
    actor.refresh_from_db()
    assert (actor.owner, actor.person) == (SourceActor.Owner.PERSON, second)


def test_people_imported_later_are_resolved_by_identities_resolve() -> None:
    import_ok("cursor-daily", "cursor_daily_usage.json")
    dev = make_person(email="dev@corp.com")
    assert identities_resolve() == 1
    assert UsageFact.objects.get(source="cursor-daily").person == dev


def test_map_identity_command_lists_and_maps() -> None:
    import_ok("copilot-metrics", "copilot_users_1_day.ndjson")
    alice = make_person(email="alice@example.com")
    listed = StringIO()
    call_command("map_identity", stdout=listed)
    assert "github_login\tgithub\talice\t17500 tokens" in listed.getvalue()
    assert "dependabot" not in listed.getvalue()
    mapped = StringIO()
    call_command("map_identity", kind="github_login", value="alice", person="ALICE@example.com", stdout=mapped)
    assert "facts re-linked" in mapped.getvalue()
    assert UsageFact.objects.get(actor__value="alice").person == alice

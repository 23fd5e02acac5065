"""Facts and raw records have no database foreign keys (evidence.models.usage, BULK_WRITTEN): Django's rules hold."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db.models import ProtectedError

from evidence.models import ImportBatch, RawRecord, SourceActor, ToolOutcomeFact, UsageFact
from tests.factories import make_person

pytestmark = pytest.mark.django_db

DAY = dt.date(2026, 5, 4)


def stored_facts() -> tuple[SourceActor, UsageFact, ToolOutcomeFact]:
    person = make_person()
    actor = SourceActor.objects.create(
        kind="email", provider="anthropic", value=person.email, owner=SourceActor.Owner.PERSON, person=person
    )
    common = {"source": "claude-code-analytics", "actor": actor, "person": person, "day": DAY, "tool": "claude-code"}
    usage = UsageFact.objects.create(**common, provider="anthropic", model="claude-sonnet-4-5", output=10)
    outcome = ToolOutcomeFact.objects.create(**common, metric="sessions", value=2)
    return actor, usage, outcome


def test_deleting_a_person_keeps_their_facts_and_unresolves_their_actors() -> None:
    actor, usage, outcome = stored_facts()
    assert actor.person is not None
    actor.person.delete()
    for row in (actor, usage, outcome):
        row.refresh_from_db()
    assert (usage.person_id, outcome.person_id) == (None, None)
    assert (usage.output, outcome.value) == (10, 2)
    assert (actor.owner, actor.person_id) == (SourceActor.Owner.UNRESOLVED, None)


def test_an_actor_with_facts_cannot_be_deleted() -> None:
    actor, _, _ = stored_facts()
    with pytest.raises(ProtectedError):
        actor.delete()
    assert UsageFact.objects.filter(actor=actor).exists()


def test_a_batch_with_raw_records_cannot_be_deleted() -> None:
    batch = ImportBatch.objects.create(source="claude-code-analytics", file_name="a.json", file_sha256="0" * 64)
    RawRecord.objects.create(
        source="claude-code-analytics", natural_key="k", batch=batch, payload={"a": 1}, payload_sha256="1" * 64
    )
    with pytest.raises(ProtectedError):
        batch.delete()
    assert RawRecord.objects.filter(batch=batch).exists()

"""The admin: import batch history, unresolved identities with their volume, mapping one re-links its facts."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from evidence.models import ImportBatch, SourceActor, UsageFact
from tests.evidence.usage_files import import_ok
from tests.factories import make_person

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client() -> Client:
    user = get_user_model().objects.create_superuser("root", "root@example.com", "pw")
    client = Client()
    client.force_login(user)
    return client


def test_batch_history_and_unresolved_identities_are_listed(admin_client: Client) -> None:
    import_ok("copilot-metrics", "copilot_users_1_day.ndjson")
    batches = admin_client.get("/admin/evidence/importbatch/")
    assert batches.status_code == 200
    assert "copilot_users_1_day.ndjson" in batches.content.decode()
    actors = admin_client.get("/admin/evidence/sourceactor/?owner=unresolved")
    page = actors.content.decode()
    assert "alice" in page
    assert "17500" in page
    assert "dependabot" not in page
    assert ImportBatch.objects.count() == 1


def test_mapping_in_the_admin_relinks_the_facts(admin_client: Client) -> None:
    import_ok("copilot-metrics", "copilot_users_1_day.ndjson")
    alice = make_person(email="alice@example.com")
    actor = SourceActor.objects.get(value="alice")
    response = admin_client.post(
        f"/admin/evidence/sourceactor/{actor.pk}/change/", {"map_to": alice.pk, "valid_from": "", "valid_to": ""}
    )
    assert response.status_code == 302
    actor.refresh_from_db()
    assert (actor.owner, actor.person) == (SourceActor.Owner.PERSON, alice)
    assert UsageFact.objects.get(actor=actor).person == alice

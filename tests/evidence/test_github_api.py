from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from evidence.models import Repository
from evidence.tasks.github import sync_github_repo
from tests.factories import org_chart

pytestmark = pytest.mark.django_db


def logged_in(client: Client, person: Any) -> Client:
    client.force_login(person.user)
    return client


def test_hr_sees_repositories_with_their_sync_status_and_employees_do_not(client: Client) -> None:
    people = org_chart()
    Repository.objects.create(host="github", full_name="acme/gone", sync_state={"gone": True})
    Repository.objects.create(host="github", full_name="acme/shop", sync_state={"error": "token lacks scopes"})

    assert logged_in(client, people["alice"]).get("/api/evidence/repositories/").status_code == 403
    response = logged_in(client, people["hr"]).get("/api/evidence/repositories/")

    assert response.status_code == 200
    assert [(row["full_name"], row["status"]) for row in response.json()] == [
        ("acme/gone", "gone"),
        ("acme/shop", "error: token lacks scopes"),
    ]
    rules = logged_in(client, people["hr"]).get("/api/evidence/attribution-rules/").json()
    assert "coauthor-claude" in {rule["name"] for rule in rules}


def test_hr_can_queue_a_sync(client: Client, monkeypatch: Any, django_capture_on_commit_callbacks: Any) -> None:
    people = org_chart()
    repository = Repository.objects.create(host="github", full_name="acme/shop")
    sent: list[int] = []
    monkeypatch.setattr(sync_github_repo, "delay", sent.append)

    with django_capture_on_commit_callbacks(execute=True):
        response = logged_in(client, people["hr"]).post(f"/api/evidence/repositories/{repository.pk}/sync/")

    assert (response.status_code, sent) == (202, [repository.pk])

"""HR's coverage page: unresolved usage identities and commit e-mails with their volume, each mapped from the page
(audited); each source's imports and days; each repository's sync and whether durability was measured."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from evidence.models import Commit, ImportBatch, Repository, SourceActor, UsageFact
from reviews.models import AuditEvent, Person
from tests.factories import make_person, signed_in_client

pytestmark = pytest.mark.django_db


@pytest.fixture
def hr() -> Client:
    return signed_in_client(make_person(name="Harriet", email="hr@example.com", role=Person.Role.HR))


def unresolved_actor(value: str, *, days: int) -> SourceActor:
    actor = SourceActor.objects.create(kind="email", value=value, provider="anthropic")
    for day in range(1, days + 1):
        UsageFact.objects.create(
            source="claude-code-analytics",
            actor=actor,
            day=date(2026, 3, day),
            provider="anthropic",
            tool="claude-code",
            requests=10,
        )
    return actor


def commit(repository: Repository, sha: str, email: str, *, measured: bool = False) -> Commit:
    when = datetime(2026, 3, 2, tzinfo=UTC)
    return Commit.objects.create(
        repository=repository,
        sha=sha,
        author_name="Someone",
        author_email=email,
        authored_at=when,
        committed_at=when,
        subject="Change",
        survival_measured_at=when if measured else None,
    )


def test_page_lists_unresolved_identities_sources_and_repositories(hr: Client) -> None:
    unresolved_actor("ghost@example.com", days=3)
    ImportBatch.objects.create(
        source="claude-code-analytics", file_name="a.json", finished_at=datetime(2026, 4, 1, tzinfo=UTC)
    )
    measured = Repository.objects.create(host=Repository.Host.LOCAL, full_name="acme/api")
    Repository.objects.create(host=Repository.Host.LOCAL, full_name="acme/web")
    commit(measured, "a" * 40, "stranger@example.com", measured=True)

    page = hr.get("/coverage/").content.decode()

    assert "ghost@example.com" in page
    assert '<td class="number">3</td><td class="number">30</td>' in page  # three days, thirty requests
    assert "stranger@example.com" in page
    assert "1 Mar 2026 \u2013 3 Mar 2026" in page
    api_row = page.split("<td>acme/api</td>")[1].split("</tr>")[0]
    web_row = page.split("<td>acme/web</td>")[1].split("</tr>")[0]
    assert "measured 2 Mar 2026" in api_row
    assert "not measured" in web_row


def test_mapping_a_usage_identity_links_its_facts_and_is_audited(hr: Client) -> None:
    actor = unresolved_actor("ghost@example.com", days=2)
    dev = make_person(name="Dev", email="dev@example.com")

    response = hr.post(f"/coverage/actors/{actor.pk}/map/", {"person_email": "dev@example.com"})

    assert response.status_code == 302
    assert UsageFact.objects.filter(actor=actor, person=dev).count() == 2
    event = AuditEvent.objects.get(action="identity.map")
    assert event.detail == {"identity": "anthropic:email:ghost@example.com", "linked": 2}
    assert "Every usage identity is mapped." in hr.get("/coverage/").content.decode()


def test_mapping_a_commit_email_credits_its_commits(hr: Client) -> None:
    repository = Repository.objects.create(host=Repository.Host.LOCAL, full_name="acme/api")
    commit(repository, "b" * 40, "Old.Laptop@example.com")
    dev = make_person(name="Dev", email="dev@example.com")

    hr.post("/coverage/commit-emails/map/", {"email": "old.laptop@example.com", "person_email": "dev@example.com"})

    assert Commit.objects.get().person == dev
    assert AuditEvent.objects.get(action="identity.map").detail["linked"] == 1


def test_mapping_to_nobody_is_a_400_naming_the_email(hr: Client) -> None:
    actor = unresolved_actor("ghost@example.com", days=1)

    response = hr.post(f"/coverage/actors/{actor.pk}/map/", {"person_email": "nobody@example.com"})

    assert response.status_code == 400
    assert "Nobody has the work e-mail nobody@example.com" in response.content.decode()
    assert not AuditEvent.objects.filter(action="identity.map").exists()


def test_page_costs_the_same_queries_for_more_identities_and_repositories(hr: Client) -> None:
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert hr.get("/coverage/").status_code == 200
        return len(captured)

    unresolved_actor("a@example.com", days=1)
    Repository.objects.create(host=Repository.Host.LOCAL, full_name="acme/a")
    few = queries()
    for index in range(30):
        unresolved_actor(f"more{index}@example.com", days=2)
        Repository.objects.create(host=Repository.Host.LOCAL, full_name=f"acme/more{index}")

    assert queries() == few
    searched = hr.get("/coverage/?q=more").content.decode()
    assert 'href="?q=more&amp;actors_page=2"' in searched
    assert 'href="?q=more&amp;repositories_page=2"' in searched

"""The self-review workspace page and its forms: what each shows, saves and refuses, through the real services."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.test import Client
from django.urls import reverse
from pytest_django import DjangoAssertNumQueries

from evidence.models import Commit
from reviews.models import Correction, Packet, Person, ReviewCycle
from reviews.services.self_review import (
    HighlightInput,
    correction_set,
    highlights_set,
    packet_release,
)
from reviews.tasks import evidence_run_start, packet_version_start
from tests.evidence.scenarios.builders import at, commit, pull_request, repository, usage_day
from tests.factories import make_cycle, make_person, org_chart, signed_in_client

pytestmark = pytest.mark.django_db(transaction=True)

START = date(2026, 1, 5)


def work_of(person: Person, *, commits: int) -> list[Commit]:
    """`commits` commits of `person` across two repositories, every third AI-attributed, and one PR over the first two."""
    repos = [repository("acme/payments"), repository("acme/web")]
    made = [
        commit(
            person,
            day=START + timedelta(days=index % 150),
            additions=10 + index,
            surviving=5 + index,
            repo=repos[index % 2],
            ai="claude-trailer" if index % 3 == 0 else None,
            subject=f"change number {index}",
        )
        for index in range(commits)
    ]
    pull_request(
        person, number=7, opened=at(START), merged=at(START + timedelta(days=2)), commits=made[:2], repo=repos[0]
    )
    return made


@pytest.fixture
def people() -> dict[str, Person]:
    return org_chart()


@pytest.fixture
def cycle(people: dict[str, Person]) -> ReviewCycle:
    work_of(people["alice"], commits=6)
    for offset in range(4):  # AI use in June, months after any work of hers: the unlinked-usage flag
        usage_day(people["alice"], day=date(2026, 6, 10 + offset), input_uncached=50_000, output=5_000)
    made = make_cycle(name="C1", start=date(2026, 1, 1), end=date(2026, 6, 30))
    evidence_run_start(cycle=made)
    return made


def url(cycle: ReviewCycle, name: str = "self-review", **kwargs: str) -> str:
    return reverse(f"reviews:{name}", kwargs={"cycle_id": cycle.pk, **kwargs})


def first_item_key(client: Client, cycle: ReviewCycle) -> str:
    return str(client.get(url(cycle)).context["review"].items[0].key)


def test_workspace_lists_every_item_by_repository_with_the_machine_verdict(
    people: dict[str, Person], cycle: ReviewCycle
) -> None:
    page = signed_in_client(people["alice"]).get(url(cycle))

    assert page.status_code == 200
    review = page.context["review"]
    assert len(review.items) == 7  # six commits and one pull request
    assert [name for name, _items in page.context["repositories"]] == ["acme/payments", "acme/web"]
    html = page.content.decode()
    assert "#7" in html
    assert "AI-attributed" in html
    assert "Not released." in html
    assert "Make a new version" in html


def test_home_page_links_to_the_workspace(people: dict[str, Person], cycle: ReviewCycle) -> None:
    home = signed_in_client(people["alice"]).get("/")

    assert url(cycle).encode() in home.content


def test_a_person_without_evidence_sees_the_empty_state(people: dict[str, Person]) -> None:
    cycle = make_cycle(name="Empty")

    page = signed_in_client(people["bob"]).get(url(cycle))

    assert page.status_code == 200
    assert b"No evidence yet" in page.content
    assert b"Nothing to release yet" in page.content


def test_an_unknown_cycle_or_a_user_without_a_person_is_404(people: dict[str, Person], cycle: ReviewCycle) -> None:
    from django.contrib.auth.models import User

    admin = Client()
    admin.force_login(User.objects.create_superuser("root@example.com", "root@example.com", None))

    assert admin.get(url(cycle)).status_code == 404
    assert signed_in_client(people["alice"]).get(f"/cycles/{cycle.pk + 99}/self-review/").status_code == 404


def test_a_correction_is_saved_and_shown_beside_the_machine_verdict(
    people: dict[str, Person], cycle: ReviewCycle
) -> None:
    client = signed_in_client(people["alice"])
    key = first_item_key(client, cycle)

    answer = client.post(
        url(cycle, "self-review-corrections"), {"item": key, "ai_assisted": "no", "reason": "I wrote this by hand"}
    )

    assert answer.status_code == 302
    (correction,) = Correction.objects.filter(person=people["alice"], cycle=cycle)
    assert (correction.item_key, correction.ai_assisted) == (key, False)
    html = client.get(url(cycle)).content.decode()
    assert "not AI-assisted" in html
    assert "I wrote this by hand" in html


def test_htmx_correction_answers_with_the_item_row_only(people: dict[str, Person], cycle: ReviewCycle) -> None:
    client = signed_in_client(people["alice"])
    key = first_item_key(client, cycle)

    row = client.post(
        url(cycle, "self-review-corrections"),
        {"item": key, "ai_assisted": "yes", "tool": "cursor", "reason": "Cursor wrote the parser"},
        HTTP_HX_REQUEST="true",
    )

    assert row.status_code == 200
    html = row.content.decode().strip()
    assert html.startswith("<tr>")
    assert "AI-assisted · cursor" in html
    assert "<html" not in html


def test_removing_a_correction_restores_the_machine_verdict_in_the_row(
    people: dict[str, Person], cycle: ReviewCycle
) -> None:
    client = signed_in_client(people["alice"])
    key = first_item_key(client, cycle)
    client.post(url(cycle, "self-review-corrections"), {"item": key, "ai_assisted": "no", "reason": "by hand"})

    row = client.post(url(cycle, "self-review-correction-remove"), {"item": key}, HTTP_HX_REQUEST="true")
    again = client.post(url(cycle, "self-review-correction-remove"), {"item": key})

    assert row.status_code == 200
    assert b"Correction removed" in row.content
    assert b"not AI-assisted" not in row.content
    assert not Correction.objects.exists()
    assert again.status_code == 400  # nothing left to remove: the service says so, naming the item
    assert f"There is no correction of {key!r}".encode() in again.content.replace(b"&#x27;", b"'")


def test_a_correction_over_the_limit_is_a_400_naming_the_reason(people: dict[str, Person], cycle: ReviewCycle) -> None:
    client = signed_in_client(people["alice"])
    key = first_item_key(client, cycle)

    answer = client.post(url(cycle, "self-review-corrections"), {"item": key, "ai_assisted": "no", "reason": "x" * 501})

    assert answer.status_code == 400
    assert b"Reason: Ensure this value has at most 500 characters" in answer.content
    assert not Correction.objects.exists()


def test_a_correction_only_ever_lands_on_the_signed_in_persons_own_evidence(
    people: dict[str, Person], cycle: ReviewCycle
) -> None:
    key = first_item_key(signed_in_client(people["alice"]), cycle)

    signed_in_client(people["bob"]).post(
        url(cycle, "self-review-corrections"), {"item": key, "ai_assisted": "no", "reason": "not mine"}
    )

    assert list(Correction.objects.values_list("person__name", flat=True)) == ["Bob"]
    assert all(
        item.correction is None for item in signed_in_client(people["alice"]).get(url(cycle)).context["review"].items
    )


def test_picked_highlights_keep_their_words_and_a_sixth_is_refused(
    people: dict[str, Person], cycle: ReviewCycle
) -> None:
    client = signed_in_client(people["alice"])
    keys = [item.key for item in client.get(url(cycle)).context["review"].items]
    for key in keys[:5]:
        assert client.post(url(cycle, "self-review-highlight-pick"), {"item": key, "pick": "on"}).status_code == 302
    form = {"highlight-TOTAL_FORMS": "5", "highlight-INITIAL_FORMS": "5"}
    for index, key in enumerate(keys[:5]):
        form |= {
            f"highlight-{index}-item": key,
            f"highlight-{index}-context": f"context {index}",
            f"highlight-{index}-what_ai_did": f"AI did {index}",
            f"highlight-{index}-outcome": f"outcome {index}",
        }

    assert client.post(url(cycle, "self-review-highlights"), form).status_code == 302
    sixth = client.post(url(cycle, "self-review-highlight-pick"), {"item": keys[5], "pick": "on"})

    assert sixth.status_code == 400
    review = client.get(url(cycle)).context["review"]
    picked = [item for item in review.items if item.highlighted]
    assert [item.key for item in picked] == sorted(keys[:5], key=keys.index)
    assert {item.highlight.what_ai_did for item in picked if item.highlight} == {f"AI did {i}" for i in range(5)}


def test_a_highlight_text_over_the_limit_is_a_400_naming_the_field(
    people: dict[str, Person], cycle: ReviewCycle
) -> None:
    client = signed_in_client(people["alice"])
    key = first_item_key(client, cycle)
    client.post(url(cycle, "self-review-highlight-pick"), {"item": key, "pick": "on"})

    answer = client.post(
        url(cycle, "self-review-highlights"),
        {
            "highlight-TOTAL_FORMS": "1",
            "highlight-INITIAL_FORMS": "1",
            "highlight-0-item": key,
            "highlight-0-what_ai_did": "y" * 1001,
        },
    )

    assert answer.status_code == 400
    assert b"What AI did: Ensure this value has at most 1000 characters" in answer.content


def test_flag_explanation_and_narrative_are_saved_inline(people: dict[str, Person], cycle: ReviewCycle) -> None:
    client = signed_in_client(people["alice"])

    narrative = client.post(url(cycle, "self-review-narrative"), {"text": "First paragraph."}, HTTP_HX_REQUEST="true")
    flag = client.post(
        url(cycle, "self-review-flag", kind="unlinked_usage"),
        {"explanation": "Exploring a new API."},
        HTTP_HX_REQUEST="true",
    )

    assert (narrative.status_code, narrative.content.strip()) == (200, b"Narrative saved.")
    assert (flag.status_code, flag.content.strip()) == (200, b"Explanation saved.")
    review = client.get(url(cycle)).context["review"]
    assert review.narrative == "First paragraph."
    assert [(note.kind, note.explanation) for note in review.flags] == [("unlinked_usage", "Exploring a new API.")]


def test_a_narrative_over_the_limit_is_a_400_naming_the_field(people: dict[str, Person], cycle: ReviewCycle) -> None:
    client = signed_in_client(people["alice"])

    inline = client.post(url(cycle, "self-review-narrative"), {"text": "n" * 10_001}, HTTP_HX_REQUEST="true")
    plain = client.post(url(cycle, "self-review-narrative"), {"text": "n" * 10_001})

    assert inline.status_code == plain.status_code == 400
    assert b"Your narrative: Ensure this value has at most 10000 characters" in inline.content
    assert b"Your narrative: Ensure this value has at most 10000 characters" in plain.content
    assert client.get(url(cycle)).context["review"].narrative == ""


HOSTILE = (
    '<script>alert(1)</script><img src="http://127.0.0.1:9/img" onerror=alert(2)>'
    '<style>body{background:url("http://127.0.0.1:9/css")}</style>'
    "\u202eevil\u202c"
)


def test_hostile_text_is_escaped_on_the_page(people: dict[str, Person], cycle: ReviewCycle) -> None:
    client = signed_in_client(people["alice"])
    key = first_item_key(client, cycle)
    client.post(url(cycle, "self-review-narrative"), {"text": HOSTILE})
    client.post(url(cycle, "self-review-corrections"), {"item": key, "ai_assisted": "no", "reason": HOSTILE[:500]})

    html = client.get(url(cycle)).content.decode()

    assert "<script>alert(1)" not in html
    assert "<img src=" not in html
    assert '<style>body{background:url("http' not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


MEGABYTE = "\u202e" + "x" * 1_000_000


@pytest.mark.parametrize(
    ("route", "field", "label"),
    [
        ("self-review-narrative", "text", "Your narrative"),
        ("self-review-corrections", "reason", "Reason"),
        ("self-review-corrections", "tool", "Tool (when AI-assisted)"),
        ("self-review-highlights", "highlight-0-outcome", "Outcome"),
    ],
)
def test_a_megabyte_in_any_field_is_a_400_naming_it(
    people: dict[str, Person], cycle: ReviewCycle, route: str, field: str, label: str
) -> None:
    client = signed_in_client(people["alice"])
    key = first_item_key(client, cycle)
    form = {
        "item": key,
        "ai_assisted": "yes",
        "reason": "why",
        "highlight-TOTAL_FORMS": "1",
        "highlight-INITIAL_FORMS": "1",
        "highlight-0-item": key,
    }

    answer = client.post(url(cycle, route), {**form, field: MEGABYTE})

    assert answer.status_code == 400
    assert f"{label}: Ensure this value has at most".encode() in answer.content


def test_the_release_confirmation_names_the_manager_chain_and_releases(
    people: dict[str, Person], cycle: ReviewCycle
) -> None:
    client = signed_in_client(people["alice"])

    confirm = client.get(url(cycle, "self-review-release"))
    released = client.post(url(cycle, "self-review-release"))

    html = confirm.content.decode()
    assert "Manager (your manager)" in html
    assert "Head" in html
    assert released.status_code == 302
    page = client.get(url(cycle))
    assert page.context["review"].released.version == 1
    assert b"Released:" in page.content


def test_a_new_version_after_a_release_is_a_draft_with_the_newer_banner(
    people: dict[str, Person], cycle: ReviewCycle
) -> None:
    client = signed_in_client(people["alice"])
    client.post(url(cycle, "self-review-release"))
    key = first_item_key(client, cycle)
    client.post(url(cycle, "self-review-corrections"), {"item": key, "ai_assisted": "no", "reason": "by hand"})

    started = client.post(url(cycle, "self-review-versions"))

    assert started.status_code == 302
    page = client.get(url(cycle))
    review = page.context["review"]
    assert (review.latest.version, review.released.version, review.newer_draft) == (2, 1, True)
    assert b"A newer version with new data is ready to review" in page.content
    assert key.encode() in page.content  # the diff lists the correction applied


def test_version_status_asks_htmx_to_reload_once_the_version_is_done(
    people: dict[str, Person], cycle: ReviewCycle
) -> None:
    client = signed_in_client(people["alice"])
    Packet.objects.filter(person=people["alice"]).update(status=Packet.Status.RENDERING)

    rendering = client.get(url(cycle, "self-review-version-status"), HTTP_HX_REQUEST="true")
    Packet.objects.filter(person=people["alice"]).update(status=Packet.Status.DONE)
    done = client.get(url(cycle, "self-review-version-status"), HTTP_HX_REQUEST="true")

    assert b'hx-trigger="every 2s"' in rendering.content
    assert "HX-Refresh" not in rendering
    assert done["HX-Refresh"] == "true"


def test_who_opened_my_packet_lists_the_manager_after_release(people: dict[str, Person], cycle: ReviewCycle) -> None:
    alice = signed_in_client(people["alice"])
    alice.post(url(cycle, "self-review-release"))
    packet = Packet.objects.get(person=people["alice"], version=1)

    assert signed_in_client(people["manager"]).get(f"/packets/{packet.pk}/").status_code == 200

    page = alice.get(url(cycle))
    log = page.context["access_log"]
    assert [(entry.actor, entry.role, entry.action, entry.version) for entry in log] == [
        ("Manager", "manager", "view", 1)
    ]
    assert b"<td>Manager</td><td>manager</td><td>view</td><td>1</td>" in page.content


def test_a_closed_cycle_shows_no_forms_and_refuses_writes(people: dict[str, Person], cycle: ReviewCycle) -> None:
    ReviewCycle.objects.filter(pk=cycle.pk).update(state=ReviewCycle.State.CLOSED)
    client = signed_in_client(people["alice"])

    page = client.get(url(cycle))
    answer = client.post(url(cycle, "self-review-narrative"), {"text": "too late"})

    assert b"This cycle is closed" in page.content
    assert b"Save narrative" not in page.content
    assert answer.status_code == 400


def test_the_page_costs_a_bounded_number_of_queries_however_many_items(
    people: dict[str, Person], django_assert_max_num_queries: DjangoAssertNumQueries
) -> None:
    work_of(people["alice"], commits=300)
    cycle = make_cycle(name="Many", start=date(2026, 1, 1), end=date(2026, 6, 30))
    evidence_run_start(cycle=cycle)
    alice = people["alice"].user
    assert alice is not None
    packet_release(person=people["alice"], cycle=cycle, user=alice)
    client = signed_in_client(people["alice"])
    keys = [item.key for item in client.get(url(cycle)).context["review"].items]
    correction_set(person=people["alice"], cycle=cycle, item=keys[0], ai_assisted=False, reason="by hand", user=alice)
    highlights_set(
        person=people["alice"], cycle=cycle, items=[HighlightInput(item=key) for key in keys[:5]], user=alice
    )
    packet_version_start(person=people["alice"], cycle=cycle, user=alice)

    with django_assert_max_num_queries(QUERY_BUDGET):
        page = client.get(url(cycle))

    review = page.context["review"]
    assert (len(review.items), review.newer_draft, len(page.context["diff"].corrections_applied)) == (301, True, 1)


# Measured 17 with every part of the page drawn (items, picks, a release, a newer draft and its diff, the log): the
# session and user, the viewer and their reports, the cycle, the workspace's reads, the diff, the log, the chain.
QUERY_BUDGET = 17


def test_another_persons_workspace_is_never_shown(people: dict[str, Person], cycle: ReviewCycle) -> None:
    page = signed_in_client(people["bob"]).get(url(cycle))

    assert page.context["review"].person == people["bob"]
    assert b"change number" not in page.content


def test_an_employee_without_a_manager_is_told_only_hr_will_see_it(cycle: ReviewCycle) -> None:
    loner = make_person(name="Loner", email="loner@example.com")

    confirm = signed_in_client(loner).get(url(cycle, "self-review-release"))

    assert b"no finished version" in confirm.content or b"only HR will see it" in confirm.content

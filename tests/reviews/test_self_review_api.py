"""The self-review API: the owner's workspace end to end, 404 for others, HR read-only, hostile text kept inert."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import quote

import pytest
from django.test import Client

from reviews.models import Annotation, Correction, Packet
from tests.factories import signed_in_client
from tests.reviews.self_review_data import AI_PR, OTHER_PR, Company, company_with_work, pdf_text

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def company() -> Company:
    return company_with_work()


def base(company: Company) -> str:
    return f"/api/cycles/{company.cycle.pk}/self-review/"


def test_the_owner_does_everything_through_the_api(company: Company) -> None:
    client, url = signed_in_client(company.alice), base(company)

    empty = client.get(url).json()
    assert empty == {
        "packet": None,
        "released": None,
        "newer_draft": False,
        "managers_see_latest": False,
        "read_only": False,
        "items": [],
        "flags": [],
        "narrative": "",
    }
    started = client.post(f"{url}versions/")
    assert started.status_code == 202
    assert started.json()["status"] == "done"  # tasks run in-process here; with a worker, poll the packet

    correction = {"item": AI_PR, "ai_assisted": False, "reason": "pair work"}
    assert client.post(f"{url}corrections/", correction, content_type="application/json").status_code == 201
    picks = {"items": [{"item": OTHER_PR, "context": "c", "what_ai_did": "w", "outcome": "o"}]}
    assert client.put(f"{url}highlights/", picks, content_type="application/json").status_code == 204
    explanation = {"explanation": "spikes"}
    assert client.put(f"{url}flags/unlinked_usage/", explanation, content_type="application/json").status_code == 204
    assert client.put(f"{url}narrative/", {"text": "my year"}, content_type="application/json").status_code == 204

    workspace = client.get(url).json()
    first = workspace["items"][0]
    assert set(first) == {
        "key",
        "kind",
        "repository",
        "ref",
        "title",
        "url",
        "ai",
        "correction",
        "ai_assisted",
        "highlighted",
        "highlight",
        "outcome",
    }
    assert (first["key"], first["ai"]["verdict"], first["correction"]["reason"], first["ai_assisted"]) == (
        AI_PR,
        "attributed",
        "pair work",
        False,
    )
    assert workspace["items"][1]["highlight"] == {"context": "c", "what_ai_did": "w", "outcome": "o"}
    assert workspace["flags"][0]["explanation"] == "spikes"
    assert workspace["narrative"] == "my year"

    released = client.post(f"{url}release/")
    assert (released.status_code, released.json()["version"]) == (200, 1)
    assert client.get(url).json()["released"]["withdrawable"] is True
    assert client.post(f"{url}withdraw/").status_code == 204
    client.post(f"{url}release/")
    packet = Packet.objects.get(person=company.alice)
    signed_in_client(company.people["manager"]).get(f"/api/packets/{packet.pk}/")
    assert client.post(f"{url}withdraw/").json()["detail"].startswith("Your manager has already opened version 1")
    log = client.get(f"{url}access-log/").json()
    assert [(entry["actor"], entry["role"], entry["action"], entry["version"]) for entry in log] == [
        ("Manager", "manager", "view", 1)
    ]

    assert client.delete(f"{url}corrections/{quote(AI_PR, safe='')}/").status_code == 204
    assert not Correction.objects.exists()
    assert client.delete(f"{url}corrections/{quote(AI_PR, safe='')}/").status_code == 400


def test_another_persons_workspace_is_404_and_hr_reads_it_without_writing(company: Company) -> None:
    url = base(company)
    alice_id = company.alice.pk
    client = signed_in_client(company.alice)
    client.put(f"{url}narrative/", {"text": "mine"}, content_type="application/json")

    for name in ("bob", "manager", "head"):
        other = signed_in_client(company.people[name])
        assert other.get(f"{url}?person={alice_id}").status_code == 404
        assert other.get(f"{url}access-log/?person={alice_id}").status_code == 404
    assert Client().get(url).status_code in {401, 403}
    assert client.get(f"/api/cycles/{company.cycle.pk + 99}/self-review/").status_code == 404

    hr = signed_in_client(company.people["hr"])
    read = hr.get(f"{url}?person={alice_id}")
    assert (read.status_code, read.json()["read_only"], read.json()["narrative"]) == (200, True, "mine")
    assert hr.get(f"{url}access-log/?person={alice_id}").status_code == 200
    # a write never takes a person: HR writing writes HR's own workspace, never Alice's
    hr.put(f"{url}narrative/?person={alice_id}", {"text": "HR's words"}, content_type="application/json")
    assert Annotation.objects.get(person=company.alice).text == "mine"
    assert hr.get(f"{url}?person=alice").status_code == 400


LIMITS = {
    "corrections/": ("reason", 500),
    "highlights/": ("context", 1_000),
    "flags/unlinked_usage/": ("explanation", 2_000),
    "narrative/": ("text", 10_000),
}


def payload(path: str, text: str, *, each_part: bool = True) -> dict[str, Any]:
    if path == "corrections/":
        return {"item": AI_PR, "ai_assisted": True, "tool": text[:60], "reason": text}
    if path == "highlights/":
        parts = {"what_ai_did": text, "outcome": text} if each_part else {}
        return {"items": [{"item": OTHER_PR, "context": text, **parts}]}
    field, _limit = LIMITS[path]
    return {field: text}


@pytest.mark.parametrize("path", list(LIMITS))
def test_a_megabyte_in_any_field_is_a_400_naming_the_field(company: Company, path: str) -> None:
    client = signed_in_client(company.alice)
    method = client.post if path == "corrections/" else client.put

    big = payload(path, "x" * 1_000_000, each_part=False)
    response = method(f"{base(company)}{path}", big, content_type="application/json")

    assert response.status_code == 400
    field, limit = LIMITS[path]
    assert field in str(response.json())
    assert f"{limit}" in str(response.json())
    assert not Correction.objects.exists()
    assert not Annotation.objects.exists()


def test_a_body_over_the_upload_limit_is_a_400_with_a_message(company: Company) -> None:
    client = signed_in_client(company.alice)
    three_megabytes = payload("highlights/", "x" * 1_000_000)

    response = client.put(f"{base(company)}highlights/", three_megabytes, content_type="application/json")

    assert response.status_code == 400
    assert response.json()["detail"].startswith("The request body is larger than the limit of")


class Recorder(BaseHTTPRequestHandler):
    """A local server that records every request: the packet must never fetch anything from it."""

    seen: list[str] = []

    def do_GET(self) -> None:
        Recorder.seen.append(self.path)
        self.send_response(200)
        self.end_headers()

    def log_message(self, format: str, *args: Any) -> None:
        return


@pytest.fixture
def listener() -> Iterator[str]:
    Recorder.seen = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), Recorder)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_hostile_text_in_every_field_is_escaped_and_never_fetched(company: Company, listener: str) -> None:
    hostile = (
        f'<img src="{listener}/img.png"><script>alert(1)</script>'
        f"<style>body{{background:url({listener}/style.png)}}</style> url({listener}/bare.png) "
        "\u202eevil\u202c <b>bold</b>"
    )
    client, url = signed_in_client(company.alice), base(company)
    for path in LIMITS:
        method = client.post if path == "corrections/" else client.put
        response = method(f"{url}{path}", payload(path, hostile), content_type="application/json")
        assert response.status_code in {201, 204}, (path, response.content[:300])

    started = client.post(f"{url}versions/").json()
    packet = Packet.objects.get(pk=started["packet"])
    assert packet.status == Packet.Status.DONE
    unwrapped = pdf_text(packet).replace(" ", "")  # lines wrap inside the long URLs
    # printed as text in each field (three highlight parts, the explanation, the narrative, the reason), never loaded
    assert unwrapped.count(f"url({listener}/bare.png)".replace(" ", "")) == 6
    preview = client.get(f"/packets/{packet.pk}/").content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in preview
    assert "<script>alert(1)" not in preview
    assert f'<img src="{listener}' not in preview
    assert "<b>bold</b>" not in preview
    assert Recorder.seen == []

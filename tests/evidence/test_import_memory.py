"""The actor cache of one import is bounded, and still resolves every actor of a chunk after it starts over."""

from __future__ import annotations

import pytest

from evidence.importers.base import ActorRef
from evidence.services import identities
from evidence.services.identities import ActorBook

pytestmark = pytest.mark.django_db


def test_actor_book_starts_over_past_its_bound_and_keeps_the_chunk(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(identities, "MAX_CACHED_ACTORS", 3)
    book = ActorBook()
    first = [ActorRef("email", f"a{index}@example.com", "p") for index in range(3)]
    book.resolve_many(first)
    chunk = [first[0], ActorRef("email", "b@example.com", "p")]
    book.resolve_many(chunk)
    assert {book.get(ref).actor_id for ref in chunk}
    with pytest.raises(KeyError):
        book.get(first[2])

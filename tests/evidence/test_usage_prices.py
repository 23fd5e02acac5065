"""Costs from the price table, for sources that report none: USD per million tokens, by model and date."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from evidence.importers.base import ActorRef, UsageRow
from evidence.models import PriceEntry
from evidence.services.usage.prices import PriceBook

pytestmark = pytest.mark.django_db
ACTOR = ActorRef(kind="email", value="ann@example.com", provider="acme")


def row(model: str, day: dt.date) -> UsageRow:
    return UsageRow(
        actor=ACTOR,
        day=day,
        provider="acme",
        tool="chat",
        model=model,
        input_uncached=1_000_000,
        cache_read=2_000_000,
        cache_write=100_000,
        output=10_000,
    )


def test_a_dated_release_takes_the_price_of_its_model_valid_on_the_day() -> None:
    prices = {"input_per_mtok": 2, "cache_read_per_mtok": "0.5", "cache_write_per_mtok": 3, "output_per_mtok": 10}
    PriceEntry.objects.create(model="acme-one", valid_from=dt.date(2026, 1, 1), **prices)
    PriceEntry.objects.create(model="acme-one-mini", valid_from=dt.date(2026, 1, 1), **{**prices, "input_per_mtok": 1})
    PriceEntry.objects.create(model="acme-one", valid_from=dt.date(2026, 3, 1), **{**prices, "input_per_mtok": 4})
    book = PriceBook()

    # 1M * $2 + 2M * $0.50 + 0.1M * $3 + 0.01M * $10
    assert book.cost(row("acme-one-20260115", dt.date(2026, 2, 1))) == Decimal("3.4")
    assert book.cost(row("acme-one-20260115", dt.date(2026, 3, 1))) == Decimal("5.4")  # the March price
    assert book.cost(row("acme-one-mini-0201", dt.date(2026, 2, 1))) == Decimal("2.4")  # the longer name wins
    assert book.cost(row("acme-one", dt.date(2025, 12, 31))) is None  # before any price of it
    assert book.cost(row("other-model", dt.date(2026, 2, 1))) is None

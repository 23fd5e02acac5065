"""The cost of usage that a source reports without one, from the admins' price table (PriceEntry)."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from evidence.importers.base import UsageRow
from evidence.models import PriceEntry


class PriceBook:
    """The price table, loaded once per file, for sources that report no cost."""

    def __init__(self) -> None:
        self.entries: dict[str, list[PriceEntry]] = defaultdict(list)
        for entry in PriceEntry.objects.order_by("model", "-valid_from"):
            self.entries[entry.model].append(entry)

    def cost(self, row: UsageRow) -> Decimal | None:
        """The row's cost in USD at the prices valid on its day, or None when no entry covers its model then.

        Prices are USD per million tokens of each kind. A model without an entry of its own takes the entry of the
        longest model name it starts with (a dated release such as "claude-sonnet-4-5-20250929" takes
        "claude-sonnet-4-5").
        """
        entries = self.entries.get(row.model)
        if entries is None:
            prefixes = [model for model in self.entries if row.model.startswith(model)]
            entries = self.entries[max(prefixes, key=len)] if prefixes else []
        entry = next((entry for entry in entries if entry.valid_from <= row.day), None)
        if entry is None:
            return None
        per_million = (
            row.input_uncached * entry.input_per_mtok
            + row.cache_read * entry.cache_read_per_mtok
            + row.cache_write * entry.cache_write_per_mtok
            + row.output * entry.output_per_mtok
        )
        return per_million / 1_000_000

from __future__ import annotations

from argparse import ArgumentParser, ArgumentTypeError
from datetime import date
from typing import Any

from reviews.management.base import ApplicationCommand
from reviews.services.cycles import cycle_create


def iso_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ArgumentTypeError(f"{text!r} is not a date (YYYY-MM-DD)") from None


class Command(ApplicationCommand):
    help = "Create a review cycle over a period."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("name")
        parser.add_argument("--start", type=iso_date, required=True)
        parser.add_argument("--end", type=iso_date, required=True)
        parser.add_argument("--release-date", type=iso_date, default=None)

    def handle(self, *args: Any, name: str, start: date, end: date, release_date: date | None, **options: Any) -> None:
        cycle = cycle_create(name=name, start=start, end=end, release_date=release_date)
        self.stdout.write(self.style.SUCCESS(f"Created cycle {cycle.name!r}: {cycle.start} to {cycle.end}."))

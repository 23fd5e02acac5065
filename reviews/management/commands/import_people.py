from __future__ import annotations

from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from reviews.management.base import ApplicationCommand
from reviews.services.people import people_import


class Command(ApplicationCommand):
    help = "Import people from an HRIS-style CSV: email,name,manager_email,team[,github_login,role,employed_from,employed_to]."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("file", type=Path)

    def handle(self, *args: Any, file: Path, **options: Any) -> None:
        result = people_import(path=file)
        for note in result.notes:
            self.stdout.write(f"note: {note}")
        self.stdout.write(
            self.style.SUCCESS(
                f"{file.name}: {result.read} people read, {result.created} created, "
                f"{result.updated} updated, {result.unchanged} unchanged."
            )
        )

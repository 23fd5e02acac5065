"""import_usage: import provider usage files; `--json` writes the summary to standard output."""

from __future__ import annotations

import json
import sys
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from evidence.importers import IMPORTERS
from evidence.models import ImportBatch
from evidence.services.usage.imports import usage_import
from reviews.errors import ApplicationError
from reviews.management.base import ApplicationCommand


class Command(ApplicationCommand):
    help = "Import AI usage files of one source (each file all or nothing); see docs/import-formats.md."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--source", required=True, choices=sorted(IMPORTERS), help="what the files are")
        parser.add_argument("files", nargs="+", type=Path)
        parser.add_argument("--json", action="store_true", help="write the summary as JSON to standard output")
        parser.add_argument(
            "--allow-duplicate", action="store_true", help="re-read a file imported before (it changes nothing)"
        )

    def handle(
        self, *args: Any, source: str, files: list[Path], json: bool, allow_duplicate: bool, **options: Any
    ) -> None:
        def progress(batch: ImportBatch) -> None:
            sys.stderr.write(f"\r  {batch.file_name}: {batch.read:,} records read")
            sys.stderr.flush()

        summary = usage_import(
            source=source,
            paths=files,
            allow_duplicate=allow_duplicate,
            progress=progress if sys.stderr.isatty() else None,
        )
        if sys.stderr.isatty():
            sys.stderr.write("\n")
        if json:
            self.stdout.write(_dumps(summary.as_json()))
        else:
            for batch in summary.batches:
                self.stdout.write(
                    f"{batch.file_name}: {batch.status}, {batch.read} read, {batch.created} created, "
                    f"{batch.updated} updated, {batch.unchanged} unchanged"
                )
        if summary.rejected:
            raise ApplicationError("; ".join(batch.error for batch in summary.rejected))


def _dumps(value: object) -> str:
    return json.dumps(value, indent=2)

from __future__ import annotations

from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import CommandError

from reviews.management.base import ApplicationCommand
from reviews.management.progress import export_start_and_follow
from reviews.models import CycleExport, ReviewCycle


class Command(ApplicationCommand):
    help = (
        "Export a cycle for HR: a new packet version per person, then DIR/<email>.pdf, summary.csv, "
        "org-report.pdf, manifest.json and a ZIP of them all. Shows progress."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("cycle", help="the cycle's name")
        parser.add_argument("--out", required=True, type=Path, help="the folder to write (created if missing)")

    def handle(self, *args: Any, cycle: str, out: Path, **options: Any) -> None:
        found = ReviewCycle.objects.filter(name__iexact=cycle).first()
        if found is None:
            raise CommandError(f"No cycle named {cycle!r}.")
        export = export_start_and_follow(cycle=found, out_dir=out.resolve(), stream=self.stdout)
        run = export.run
        if export.status != CycleExport.Status.DONE:
            detail = f": {export.error}" if export.error else "; the reconciler will finish it, follow it in the admin"
            raise CommandError(f"Export {export.pk} is {export.get_status_display().lower()}{detail}")
        style = self.style.SUCCESS if not run.failed else self.style.WARNING
        self.stdout.write(
            style(
                f"Export {export.pk}: {run.done} packets ({run.failed} failed), {export.files_written} files in {export.out_dir}/"
            )
        )
        self.stdout.write(f"  ZIP SHA-256 {export.zip_sha256}")

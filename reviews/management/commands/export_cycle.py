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
        "Export a cycle for HR: each person's latest existing packet version as DIR/<email>.pdf, summary.csv (with "
        "each version's release state), org-report.pdf, manifest.json and a ZIP of them all. Generates nothing: "
        "run generate_packets first for new versions."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("cycle", help="the cycle's name")
        parser.add_argument("--out", required=True, type=Path, help="the folder to write (created if missing)")

    def handle(self, *args: Any, cycle: str, out: Path, **options: Any) -> None:
        found = ReviewCycle.objects.filter(name__iexact=cycle).first()
        if found is None:
            raise CommandError(f"No cycle named {cycle!r}.")
        export = export_start_and_follow(cycle=found, out_dir=out.resolve(), stream=self.stdout)
        if export.status != CycleExport.Status.DONE:
            detail = f": {export.error}" if export.error else "; the reconciler will finish it, follow it in the admin"
            raise CommandError(f"Export {export.pk} is {export.get_status_display().lower()}{detail}")
        missing = export.people - export.packets
        style = self.style.SUCCESS if not missing else self.style.WARNING
        self.stdout.write(
            style(
                f"Export {export.pk}: {export.packets} packets ({missing} without a finished version), "
                f"{export.files_written} files in {export.out_dir}/"
            )
        )
        self.stdout.write(f"  ZIP SHA-256 {export.zip_sha256}")

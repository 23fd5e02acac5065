from __future__ import annotations

from argparse import ArgumentParser
from datetime import date
from typing import Any

from django.conf import settings
from django.core.management.base import CommandError

from reviews.demo.company import demo_people_csv_write
from reviews.demo.repos import demo_repos_import
from reviews.demo.self_review import demo_self_reviews_write
from reviews.demo.usage import demo_usage_import, demo_usage_write
from reviews.management.base import ApplicationCommand
from reviews.management.progress import export_start_and_follow, run_start_and_follow
from reviews.models import CycleExport, ReviewCycle
from reviews.services.people import people_import

DEMO_CYCLE = "2026-H2"
DEMO_START, DEMO_END, DEMO_RELEASE = date(2026, 7, 1), date(2026, 12, 31), date(2026, 12, 15)


class Command(ApplicationCommand):
    help = "Build the synthetic demo company, import it through the real importers and write a cycle's packets to out/."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--seed", type=int, default=2026, help="the same seed always builds the same company")

    def handle(self, *args: Any, seed: int, **options: Any) -> None:
        demo_dir = settings.DATA_DIR / "demo"
        self.step(f"1/4 People: writing the HRIS export and importing it (seed {seed})")
        people_csv = demo_dir / "people.csv"
        people = demo_people_csv_write(path=people_csv, seed=seed)
        result = people_import(path=people_csv)
        teams = len({person.team for person in people})
        self.stdout.write(f"  {result.read} people in {teams} teams ({result.created} new, {result.updated} updated)")

        self.step("2/4 AI usage: the company's exports in the providers' own shapes, through the real importers")
        # Before the repositories, so that commits the tools reported are attributed when the history is imported.
        imported = demo_usage_import(files=demo_usage_write(out_dir=demo_dir / "usage", people=people, seed=seed))
        batches = [batch for summary in imported for batch in summary.batches]
        self.stdout.write(
            f"  {len(batches)} files: " + ", ".join(f"{batch.source} ({batch.read} records)" for batch in batches)
        )

        self.step("3/4 Repositories: real git history per team, served by the GitHub stand-in, synced through PyGithub")
        repos = demo_repos_import(folder=demo_dir / "repos", seed=seed, people=people)
        self.stdout.write(
            f"  {repos.repositories} repositories, {repos.commits} commits, {repos.pull_requests} pull requests,"
            f" {repos.requests} API requests"
        )

        cycle, _ = ReviewCycle.objects.get_or_create(
            name=DEMO_CYCLE,
            defaults={
                "start": DEMO_START,
                "end": DEMO_END,
                "release_date": DEMO_RELEASE,
                "state": ReviewCycle.State.OPEN,
            },
        )
        # The packet run links usage to work and builds everyone's facts first, so team bands rest on every
        # teammate's figure, then renders.
        self.step(f"4/4 Cycle {DEMO_CYCLE}: everyone's evidence facts, one packet per person, then the HR export")
        out_dir = settings.OUTPUT_DIR / cycle.name
        run = run_start_and_follow(cycle=cycle, stream=self.stdout)
        # Before the export, so that summary.csv shows their new versions and who released.
        reviews = demo_self_reviews_write(cycle=cycle)
        self.stdout.write(
            "  self-reviews: "
            + ", ".join(person.name for person in reviews.writers)
            + " corrected, picked highlights and wrote a narrative; one packet per team released ("
            + ", ".join(person.name for person in reviews.released)
            + ")"
        )
        export = export_start_and_follow(cycle=cycle, out_dir=out_dir, stream=self.stdout)
        if export.status != CycleExport.Status.DONE or run.failed:
            raise CommandError(
                f"Export {export.pk} ended {export.status} with {run.failed} failed packets: {export.error or 'see the admin'}."
            )
        self.stdout.write(
            self.style.SUCCESS(
                f"\n{export.packets} packets, summary.csv, org-report.pdf, manifest.json and a ZIP written to {out_dir}/"
            )
        )
        self.stdout.write(
            "\nBrowse them: run `make serve`, open http://127.0.0.1:8000/ and pick a demo login:\n"
            "  an employee sees their own packet and self-review first, a manager sees released packets of their reports,\n"
            "  HR sees every packet and the cycle's progress."
        )

    def step(self, text: str) -> None:
        self.stdout.write(self.style.MIGRATE_HEADING(text))

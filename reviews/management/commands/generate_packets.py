from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from celery import current_app as celery_app
from django.core.management.base import CommandError

from reviews.management.base import ApplicationCommand
from reviews.management.progress import run_start_and_follow
from reviews.models import EvidenceRun, ReviewCycle
from reviews.tasks import evidence_run_start


class Command(ApplicationCommand):
    help = "Generate every packet of a cycle (a new version for each person) and show progress."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("cycle", help="the cycle's name")
        parser.add_argument("--no-wait", action="store_true", help="queue the work and return at once")

    def handle(self, *args: Any, cycle: str, no_wait: bool, **options: Any) -> None:
        found = ReviewCycle.objects.filter(name__iexact=cycle).first()
        if found is None:
            raise CommandError(f"No cycle named {cycle!r}.")
        if no_wait and not celery_app.conf.task_always_eager:
            run = evidence_run_start(cycle=found)
            self.stdout.write(f"Queued run {run.pk}: {run.total} packets.")
            return
        run = run_start_and_follow(cycle=found, stream=self.stdout)
        style = self.style.SUCCESS if run.status == EvidenceRun.Status.DONE else self.style.WARNING
        self.stdout.write(style(f"Run {run.pk}: {run.get_status_display()}, {run.done} built, {run.failed} failed."))
        if run.status not in EvidenceRun.TERMINAL:
            raise CommandError(f"Run {run.pk} has not finished; follow it on the cycle page.")

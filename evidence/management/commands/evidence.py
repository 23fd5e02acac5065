"""`manage.py evidence --cycle NAME --person EMAIL [--json]`: build and show one person's facts.

Without --person it builds the whole cycle, fanned out in chunks, and follows the build's progress rows.
"""

from __future__ import annotations

import json
import time
from argparse import ArgumentParser
from typing import Any

from celery import current_app as celery_app

from evidence.facts.schema import EvidenceFactsDict, stored_facts
from evidence.models import FactsBuild
from evidence.services.evidence_build import DEFAULT_CHUNK_SIZE, evidence_build
from evidence.tasks.facts import facts_build_start
from reviews.errors import ApplicationError
from reviews.management.base import ApplicationCommand
from reviews.models import Person, ReviewCycle


class Command(ApplicationCommand):
    help = "Build the evidence facts of one person (or everyone) in a review cycle."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--cycle", required=True, help="the review cycle's name")
        parser.add_argument("--person", help="the person's work email; omit to build everyone in the cycle")
        parser.add_argument("--json", action="store_true", help="print the facts JSON (with --person)")
        parser.add_argument("--chunk-size", type=int, default=DEFAULT_CHUNK_SIZE, help="people per task")

    def handle(self, *args: Any, **options: Any) -> None:
        cycle = ReviewCycle.objects.filter(name=options["cycle"]).first()
        if cycle is None:
            raise ApplicationError(f"No review cycle named {options['cycle']!r}.")
        if options["person"] is None:
            self._build_cycle(cycle=cycle, chunk_size=options["chunk_size"])
            return
        person = Person.objects.select_related("manager").filter(email=options["person"].strip().lower()).first()
        if person is None:
            raise ApplicationError(f"No person with the email {options['person']!r}.")
        facts = stored_facts(evidence_build(person=person, cycle=cycle).facts)
        if options["json"]:
            self.stdout.write(json.dumps(facts, indent=2, sort_keys=False))
            return
        self.stdout.write(summary_text(facts))

    def _build_cycle(self, *, cycle: ReviewCycle, chunk_size: int) -> None:
        build = facts_build_start(cycle=cycle, chunk_size=chunk_size)
        while not celery_app.conf.task_always_eager:
            build.refresh_from_db()
            if build.status in FactsBuild.TERMINAL:
                break
            self.stdout.write(f"  {build.done + build.failed}/{build.total} people")
            time.sleep(1)
        build.refresh_from_db()
        self.stdout.write(f"{cycle.name}: facts built for {build.done} of {build.total} people ({build.status}).")


def summary_text(facts: EvidenceFactsDict) -> str:
    """A few plain lines for a terminal: outcomes first, usage as context."""
    outcomes, usage = facts["outcomes"], facts["usage"]
    lines = [f"{facts['person']['name']} <{facts['person']['email']}> — {facts['cycle']['name']}"]
    for group, figures in (("ai_assisted", outcomes["ai_assisted"]), ("other", outcomes["other"])):
        survival = "n/a" if figures["survival_share"] is None else f"{figures['survival_share']:.0%}"
        lines.append(
            f"  {group.replace('_', '-')}: {figures['commits']} commits, {figures['prs_merged']} PRs merged, "
            f"survival {survival}, {figures['reverted']} reverted"
        )
    lines.append(f"  reviews of others' AI-assisted PRs: {outcomes['reviews_of_ai_prs']}")
    lines.append(f"  patterns: {', '.join(pattern['label'] for pattern in facts['patterns']) or 'none found'}")
    lines.append(f"  flags (context only): {', '.join(flag['kind'] for flag in facts['flags']) or 'none'}")
    lines.append(f"  active days: {usage['active_days']}, tools: {', '.join(t['tool'] for t in usage['tools']) or '—'}")
    return "\n".join(lines)

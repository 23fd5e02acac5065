"""transition_cycle: move a review cycle one step along draft → open → calibration → closed."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import CommandError

from reviews.management.base import ApplicationCommand
from reviews.models import ReviewCycle
from reviews.services.cycles import cycle_transition


class Command(ApplicationCommand):
    help = "Move a review cycle to its next state: draft → open → calibration → closed."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("name")
        parser.add_argument("state", choices=[state for state, _ in ReviewCycle.State.choices])

    def handle(self, *args: Any, name: str, state: str, **options: Any) -> None:
        cycle = ReviewCycle.objects.filter(name=name).first()
        if cycle is None:
            raise CommandError(f"No review cycle is named {name!r}.")
        cycle = cycle_transition(cycle=cycle, to=ReviewCycle.State(state))
        self.stdout.write(self.style.SUCCESS(f"Cycle {cycle.name!r} is now {cycle.get_state_display().lower()}."))

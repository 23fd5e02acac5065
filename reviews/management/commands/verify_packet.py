from __future__ import annotations

from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import CommandError

from reviews.management.base import ApplicationCommand
from reviews.selectors import packet_verification_get


class Command(ApplicationCommand):
    help = "Say whether FILE is an unaltered tokenproof packet, and whose packet (person, cycle, version) it is."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("file", type=Path, help="the packet PDF")

    def handle(self, *args: Any, file: Path, **options: Any) -> None:
        try:
            data = file.read_bytes()
        except OSError as error:
            raise CommandError(f"{file}: cannot be read ({error.strerror}).") from None
        result = packet_verification_get(pdf=data)
        packet = result.packet
        if packet is not None:
            self.stdout.write(
                self.style.SUCCESS(
                    f"VERIFIED: {file.name} is an unaltered tokenproof packet: {packet.person.name} "
                    f"<{packet.person.email}>, cycle {packet.cycle.name}, version {packet.version}, "
                    f"generated {packet.generated_at:%Y-%m-%d %H:%M} UTC."
                )
            )
            self.stdout.write(f"  SHA-256 {result.sha256}")
            return
        sheet = result.calibration_print
        if sheet is not None:
            self.stdout.write(
                self.style.SUCCESS(
                    f"VERIFIED: {file.name} is an unaltered tokenproof calibration sheet: {sheet.title}, cycle "
                    f"{sheet.cycle.name}, {sheet.people} people, printed {sheet.generated_at:%Y-%m-%d %H:%M} UTC."
                )
            )
            self.stdout.write(f"  SHA-256 {result.sha256}")
            return
        claim = ""
        facts = result.embedded_facts
        if facts is not None:
            person, cycle = facts.get("person") or {}, facts.get("cycle") or {}
            claim = f" It claims to be the packet of {person.get('email', '?')} for cycle {cycle.get('name', '?')}."
        raise CommandError(
            f"NOT VERIFIED: {file.name} (SHA-256 {result.sha256}) matches no packet tokenproof generated; "
            f"it was altered or is not a tokenproof packet.{claim}"
        )

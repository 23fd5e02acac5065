"""A BaseCommand that turns ApplicationError into a one-line error and a non-zero exit."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from reviews.errors import ApplicationError


class ApplicationCommand(BaseCommand):
    def execute(self, *args: Any, **options: Any) -> str | None:
        try:
            return super().execute(*args, **options)
        except ApplicationError as error:
            raise CommandError(error.message) from None

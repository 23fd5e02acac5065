"""map_identity: list unresolved usage identities with their volume, map one to a person, or re-resolve all."""

from __future__ import annotations

import datetime as dt
from argparse import ArgumentParser
from typing import Any

from evidence.models import Commit, SourceActor
from evidence.services.identities import (
    commit_email_map,
    identities_resolve,
    source_actor_map,
    unresolved_actors,
    unresolved_commit_emails,
)
from reviews.errors import ApplicationError
from reviews.management.base import ApplicationCommand
from reviews.models import Person


class Command(ApplicationCommand):
    help = (
        "Without options, list unresolved identities: usage identities, then commit author e-mails credited to "
        "nobody. With --kind/--value/--person, map one (its facts and commits re-link). "
        "With --resolve, re-resolve every unresolved identity against the identities on file."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--kind", help="email, github_login, provider_user, api_key or otel_account")
        parser.add_argument("--value", help="the identity as the source names it")
        parser.add_argument("--provider", help="anthropic, openai, github, cursor, litellm, … (if ambiguous)")
        parser.add_argument("--person", help="the person's work email")
        parser.add_argument("--valid-from", type=dt.date.fromisoformat, help="first day the mapping holds")
        parser.add_argument("--valid-to", type=dt.date.fromisoformat, help="last day the mapping holds")
        parser.add_argument("--resolve", action="store_true", help="re-resolve all unresolved identities")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["resolve"]:
            self.stdout.write(f"{identities_resolve()} identities resolved")
            return
        if not options["value"]:
            for actor in unresolved_actors():
                self.stdout.write(f"{actor.kind}\t{actor.provider}\t{actor.value}\t{actor.tokens} tokens")  # type: ignore[attr-defined]
            for email, commits in unresolved_commit_emails():
                self.stdout.write(f"email\tgit\t{email}\t{commits} commits")
            return
        if not options["kind"] or not options["person"]:
            raise ApplicationError("map_identity: --value needs --kind and --person")
        actors = SourceActor.objects.filter(kind=options["kind"], value=options["value"])
        if options["provider"]:
            actors = actors.filter(provider=options["provider"])
        found = list(actors)
        is_commit_email = options["kind"] == "email" and (
            Commit.objects.filter(author_email__iexact=options["value"]).exists()
        )
        if not found and not is_commit_email:
            raise ApplicationError(
                f"map_identity: no {options['kind']} identity {options['value']!r} has been imported"
            )
        if len(found) > 1:
            providers = ", ".join(actor.provider for actor in found)
            raise ApplicationError(f"map_identity: {options['value']!r} occurs for {providers}; pass --provider")
        person = Person.objects.filter(email__iexact=options["person"]).first()
        if person is None:
            raise ApplicationError(f"map_identity: no person with the email {options['person']!r}")
        if found:
            relinked = source_actor_map(
                actor=found[0], person=person, valid_from=options["valid_from"], valid_to=options["valid_to"]
            )
            self.stdout.write(f"{found[0]} mapped to {person.email}; {relinked} facts re-linked")
        if is_commit_email:
            credited = commit_email_map(
                email=options["value"], person=person, valid_from=options["valid_from"], valid_to=options["valid_to"]
            )
            self.stdout.write(f"{options['value']} mapped to {person.email}; {credited} commits credited")

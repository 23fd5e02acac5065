"""Identity resolution: which person (or automation) stands behind each actor a usage source names.

Resolution reads reviews.Identity (email, GitHub login, provider user id, API key id or name, OTel account id,
each with optional validity dates) and, for emails, the person's work email. What resolves to nobody stays an
unresolved SourceActor with its facts; mapping it later re-links every fact it has. API-key actors, service
accounts and bots are owned by automation unless an identity maps them to a person.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import Count, F, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce, Lower

from evidence.attribution import is_agent, rules_load
from evidence.importers.base import ActorRef, AliasRow
from evidence.models import Commit, SourceActor, ToolOutcomeFact, ToolReportedCommit, UsageFact, UsageSession
from reviews.errors import ApplicationError
from reviews.models import Identity, Person

CASE_INSENSITIVE = frozenset({Identity.Kind.EMAIL, Identity.Kind.GITHUB_LOGIN})
# Anthropic's user.account_id in telemetry is the same id space as the Admin API's account_id.
ALIASED_KINDS: dict[str, tuple[str, ...]] = {
    Identity.Kind.PROVIDER_USER: (Identity.Kind.PROVIDER_USER, Identity.Kind.OTEL_ACCOUNT),
    Identity.Kind.OTEL_ACCOUNT: (Identity.Kind.OTEL_ACCOUNT, Identity.Kind.PROVIDER_USER),
}

MAX_CACHED_ACTORS = 5_000  # a chunk of 2,000 records names at most a few thousand actors

# When an identity names a person: valid from, valid to (inclusive), person id.
Validity = tuple[dt.date | None, dt.date | None, int]


@dataclass
class ResolvedActor:
    actor_id: int
    owner: str
    windows: list[Validity] = field(default_factory=list)

    def person_on(self, day: dt.date | None) -> int | None:
        for start, end, person_id in self.windows:
            if day is None or ((start is None or start <= day) and (end is None or day <= end)):
                return person_id
        return None


def identity_windows(refs: Iterable[tuple[str, str]]) -> dict[tuple[str, str], list[Validity]]:
    """For each (kind, value): the people it names and when, from Identity rows and work emails."""
    wanted = {(kind, value.lower() if kind in CASE_INSENSITIVE else value) for kind, value in refs}
    found: dict[tuple[str, str], list[Validity]] = {key: [] for key in wanted}
    if not wanted:
        return found
    values = {value for _, value in wanted}
    rows = (
        Identity.objects.annotate(folded=Lower("value"))
        .filter(Q(value__in=values) | Q(folded__in=values))
        .values_list("kind", "value", "folded", "valid_from", "valid_to", "person_id")
    )
    for kind, value, folded, valid_from, valid_to, person_id in rows:
        for ref_kind, ref_value in wanted:
            matches_kind = kind in ALIASED_KINDS.get(ref_kind, (ref_kind,))
            matches_value = (folded if ref_kind in CASE_INSENSITIVE else value) == ref_value
            if matches_kind and matches_value:
                found[(ref_kind, ref_value)].append((valid_from, valid_to, person_id))
    emails = {value for kind, value in wanted if kind == Identity.Kind.EMAIL}
    for email, person_id in (
        Person.objects.annotate(folded=Lower("email")).filter(folded__in=emails).values_list("folded", "pk")
    ):
        windows = found[(Identity.Kind.EMAIL, email)]
        if not any(existing[2] == person_id for existing in windows):
            windows.append((None, None, person_id))
    for windows in found.values():
        # dated windows first, so a key's owner on a day wins over an open-ended default
        windows.sort(key=lambda window: (window[0] is None and window[1] is None, window[0] or dt.date.min))
    return found


def _current_person(windows: list[Validity]) -> int | None:
    if not windows:
        return None
    open_ended = [window for window in windows if window[1] is None]
    chosen = open_ended[-1] if open_ended else max(windows, key=lambda window: window[1] or dt.date.max)
    return chosen[2]


def _owner(*, windows: list[Validity], automation: bool) -> str:
    if windows:
        return SourceActor.Owner.PERSON
    return SourceActor.Owner.AUTOMATION if automation else SourceActor.Owner.UNRESOLVED


class ActorBook:
    """SourceActor rows for the actors of one import, created on first sight and resolved to people by day."""

    def __init__(self) -> None:
        self._resolved: dict[tuple[str, str, str], ResolvedActor] = {}

    @staticmethod
    def key(ref: ActorRef) -> tuple[str, str, str]:
        return (ref.kind, ref.provider, ref.value)

    def get(self, ref: ActorRef) -> ResolvedActor:
        return self._resolved[self.key(ref)]

    def resolve_many(self, refs: Iterable[ActorRef]) -> set[int]:
        """Resolve these actors, creating the ones not stored yet; returns the created ones' ids (no fact names
        them yet, which spares the import a look-up)."""
        wanted = {self.key(ref): ref for ref in refs}
        missing = {key: ref for key, ref in wanted.items() if key not in self._resolved}
        if not missing:
            return set()
        if len(self._resolved) + len(missing) > MAX_CACHED_ACTORS:
            # memory stays flat however many people a file names: start over with this chunk's actors
            self._resolved.clear()
            missing = wanted
        windows = identity_windows((ref.kind, ref.value) for ref in missing.values())
        existing = {
            (actor.kind, actor.provider, actor.value): actor
            for actor in SourceActor.objects.filter(value__in={ref.value for ref in missing.values()})
        }
        to_create, to_update = [], []
        for key, ref in missing.items():
            actor_windows = windows[(ref.kind, ref.value.lower() if ref.kind in CASE_INSENSITIVE else ref.value)]
            actor = existing.get(key)
            sticky_automation = actor is not None and actor.owner == SourceActor.Owner.AUTOMATION
            owner = _owner(windows=actor_windows, automation=ref.automation or sticky_automation)
            person_id = _current_person(actor_windows)
            if actor is None:
                to_create.append(
                    SourceActor(
                        kind=ref.kind,
                        provider=ref.provider,
                        value=ref.value,
                        display=ref.display[:255],
                        owner=owner,
                        person_id=person_id,
                    )
                )
            elif actor.owner != owner or actor.person_id != person_id or (ref.display and actor.display != ref.display):
                actor.owner, actor.person_id, actor.display = owner, person_id, ref.display[:255] or actor.display
                to_update.append(actor)
        SourceActor.objects.bulk_create(to_create, ignore_conflicts=True)
        SourceActor.objects.bulk_update(to_update, ["owner", "person", "display"])
        if to_create:
            created = SourceActor.objects.filter(value__in={actor.value for actor in to_create})
            existing.update({(actor.kind, actor.provider, actor.value): actor for actor in created})
        for key, ref in missing.items():
            actor = existing[key]
            actor_windows = windows[(ref.kind, ref.value.lower() if ref.kind in CASE_INSENSITIVE else ref.value)]
            self._resolved[key] = ResolvedActor(actor.pk, actor.owner, actor_windows)
        return {existing[(actor.kind, actor.provider, actor.value)].pk for actor in to_create}


def aliases_apply(*, aliases: list[AliasRow], book: ActorBook) -> None:
    """A provider's users list: give each provider user id the person whose email it lists, then re-link."""
    if not aliases:
        return
    people = identity_windows((Identity.Kind.EMAIL, alias.email) for alias in aliases)
    for alias in aliases:
        windows = people[(Identity.Kind.EMAIL, alias.email)]
        person_id = _current_person(windows)
        if person_id is not None and not alias.actor.automation:
            Identity.objects.update_or_create(
                kind=Identity.Kind.PROVIDER_USER,
                value=alias.actor.value,
                valid_from=None,
                defaults={"person_id": person_id},
            )
    book.resolve_many(alias.actor for alias in aliases)
    for alias in aliases:
        source_actor_relink(actor=SourceActor.objects.get(pk=book.get(alias.actor).actor_id))


@transaction.atomic
def source_actor_map(
    *, actor: SourceActor, person: Person, valid_from: dt.date | None = None, valid_to: dt.date | None = None
) -> int:
    """Map an actor to a person (optionally only for a period) and re-link its facts. Returns facts re-linked."""
    if valid_from and valid_to and valid_to < valid_from:
        raise ApplicationError(f"{actor}: the mapping ends ({valid_to}) before it starts ({valid_from})")
    Identity.objects.update_or_create(
        kind=actor.kind, value=actor.value, valid_from=valid_from, defaults={"person": person, "valid_to": valid_to}
    )
    return source_actor_relink(actor=actor)


@transaction.atomic
def source_actor_mark_automation(*, actor: SourceActor) -> SourceActor:
    """An admin says this actor is a service account or bot: its usage belongs to no person."""
    if actor.owner == SourceActor.Owner.PERSON:
        raise ApplicationError(f"{actor} is mapped to a person; remove that identity first")
    actor.owner, actor.person = SourceActor.Owner.AUTOMATION, None
    actor.save(update_fields=["owner", "person"])
    return actor


def source_actor_relink(*, actor: SourceActor) -> int:
    """Re-resolve one actor from the identities and set the person on every fact it has, day by day."""
    value = actor.value.lower() if actor.kind in CASE_INSENSITIVE else actor.value
    windows = identity_windows([(actor.kind, value)])[(actor.kind, value)]
    automation = actor.owner == SourceActor.Owner.AUTOMATION or actor.kind == Identity.Kind.API_KEY
    actor.owner = _owner(windows=windows, automation=automation)
    actor.person_id = _current_person(windows)
    actor.save(update_fields=["owner", "person"])
    linked = 0
    dated: list[tuple[QuerySet[Any], str]] = [
        (UsageFact.objects.filter(actor=actor), "day"),
        (ToolOutcomeFact.objects.filter(actor=actor), "day"),
        (UsageSession.objects.filter(actor=actor), "started_at__date"),
        (ToolReportedCommit.objects.filter(actor=actor), "committed_at__date"),
    ]
    for facts, day_field in dated:
        facts.update(person=None)
        for start, end, person_id in reversed(windows):  # the most specific window is written last, so it wins
            window = facts
            if start is not None:
                window = window.filter(**{f"{day_field}__gte": start})
            if end is not None:
                window = window.filter(**{f"{day_field}__lte": end})
            window.update(person_id=person_id)
        if day_field == "committed_at__date":
            facts.filter(committed_at__isnull=True).update(person_id=actor.person_id)
        linked += facts.filter(person__isnull=False).count()
    return linked


def identities_resolve() -> int:
    """Re-resolve every actor not owned by a person (e.g. after a people import). Returns actors now resolved."""
    actors = list(SourceActor.objects.exclude(owner=SourceActor.Owner.PERSON))
    keys = [(actor.kind, actor.value) for actor in actors]
    windows = identity_windows(keys)
    resolved = 0
    for actor in actors:
        value = actor.value.lower() if actor.kind in CASE_INSENSITIVE else actor.value
        if windows[(actor.kind, value)]:
            source_actor_relink(actor=actor)
            resolved += 1
    return resolved


def unresolved_actors() -> QuerySet[SourceActor]:
    """Actors no identity resolves, each with the tokens of its facts, most recently created first."""
    tokens = F("usage_facts__input_uncached") + F("usage_facts__cache_read") + F("usage_facts__cache_write")
    return (
        SourceActor.objects.filter(owner=SourceActor.Owner.UNRESOLVED)
        .annotate(tokens=Coalesce(Sum(tokens + F("usage_facts__output")), Value(0)))
        .order_by("-pk")
    )


def unresolved_commit_emails() -> list[tuple[str, int]]:
    """(author e-mail, commits) of commits credited to nobody, by e-mail: the repository side of unresolved identities.

    E-mails are lower-cased and read after `.mailmap`. Agents (ladder rules) and GitHub bot accounts
    (`…[bot]@users.noreply.github.com`: dependabot, renovate, github-actions) are automation, never listed.
    """
    rules = rules_load()
    rows = (
        Commit.objects.filter(person__isnull=True)
        .exclude(author_email="")
        .exclude(author_email__icontains="[bot]@")
        .annotate(email=Lower("author_email"))
        .values_list("email", "author_name")
        .annotate(commits=Count("pk"))
    )
    counts: dict[str, int] = {}
    for email, name, commits in rows:
        if not is_agent(name=name, email=email, rules=rules):
            counts[email] = counts.get(email, 0) + commits
    return sorted(counts.items())


@transaction.atomic
def commit_email_map(
    *, email: str, person: Person, valid_from: dt.date | None = None, valid_to: dt.date | None = None
) -> int:
    """Map a commit author e-mail to a person (optionally only for a period, by commit date): an email Identity,
    and the commits by it credited to nobody are credited to them. Returns the commits re-credited."""
    if valid_from and valid_to and valid_to < valid_from:
        raise ApplicationError(f"{email}: the mapping ends ({valid_to}) before it starts ({valid_from})")
    Identity.objects.update_or_create(
        kind=Identity.Kind.EMAIL,
        value=email.lower(),
        valid_from=valid_from,
        defaults={"person": person, "valid_to": valid_to},
    )
    commits = Commit.objects.filter(person__isnull=True, author_email__iexact=email)
    if valid_from is not None:
        commits = commits.filter(committed_at__date__gte=valid_from)
    if valid_to is not None:
        commits = commits.filter(committed_at__date__lte=valid_to)
    return commits.update(person=person)

"""Resolve commit authors and PR openers to people through Identity rows (email, GitHub login)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from evidence.attribution import CommitSignals, Rule, human_coauthors, is_agent, login_from_noreply
from reviews.models import Identity, Person


@dataclass
class PeopleDirectory:
    """Every email and GitHub login, loaded once per import; lookups are case-insensitive."""

    by_email: dict[str, int] = field(default_factory=dict)
    by_login: dict[str, int] = field(default_factory=dict)

    @classmethod
    def load(cls) -> PeopleDirectory:
        directory = cls()
        for person_id, email in Person.objects.values_list("pk", "email"):
            directory.by_email[email.lower()] = person_id
        rows = Identity.objects.filter(kind__in=[Identity.Kind.EMAIL, Identity.Kind.GITHUB_LOGIN])
        for kind, value, person_id in rows.values_list("kind", "value", "person_id"):
            target = directory.by_email if kind == Identity.Kind.EMAIL else directory.by_login
            target[value.lower()] = person_id
        return directory

    def by_email_or_login(self, *, email: str = "", login: str = "") -> int | None:
        if email and (found := self.by_email.get(email.lower())):
            return found
        noreply_login = login_from_noreply(email) if email else None
        for candidate in (login, noreply_login):
            if candidate and (found := self.by_login.get(candidate.lower())):
                return found
        return None

    def credited(
        self, *, signals: CommitSignals, rules: Sequence[Rule], author_login: str = "", pr_opener_id: int | None = None
    ) -> int | None:
        """The human credited for a commit: its author, or for an agent's commit the human who started it."""
        if not is_agent(name=signals.author_name, email=signals.author_email, rules=rules):
            return self.by_email_or_login(email=signals.author_email, login=author_login)
        for _, email in human_coauthors(signals=signals, rules=rules):
            if found := self.by_email_or_login(email=email):
                return found
        if pr_opener_id is not None:
            return pr_opener_id
        if not is_agent(name=signals.committer_name, email=signals.committer_email, rules=rules):
            return self.by_email_or_login(email=signals.committer_email)
        return None

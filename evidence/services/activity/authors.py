"""Resolve commit authors and PR openers to people through Identity rows (email, GitHub login)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from evidence.attribution import CommitSignals, Rule, human_coauthors, is_agent, login_from_noreply
from reviews.models import Identity, Person

# "Name (tool)": the identity aider (and tools that copy it) gives its commits, the human's name first.
TOOL_SUFFIX = re.compile(r"\s*\([^()]+\)$")


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
    ) -> Credit:
        """The people a commit credits. Credit follows the author: a human author is the person; for an agent's
        commit, the first human co-author we know, else the person the agent identity's e-mail belongs to (aider
        writes "Name (aider) <the user's e-mail>"), else the PR opener, else a human committer. Every other human
        co-author we know (a squash commit folds several) is credited besides; a tool as committer never is."""
        humans = [
            found
            for _, email in human_coauthors(signals=signals, rules=rules)
            if (found := self.by_email_or_login(email=email))
        ]
        person_id: int | None
        if not is_agent(name=signals.author_name, email=signals.author_email, rules=rules):
            person_id = self.by_email_or_login(email=signals.author_email, login=author_login)
        elif humans:
            person_id = humans[0]
        elif found := self.by_email.get(signals.author_email.lower()):
            person_id = found
        elif pr_opener_id is not None:
            person_id = pr_opener_id
        elif not is_agent(name=signals.committer_name, email=signals.committer_email, rules=rules):
            person_id = self.by_email_or_login(email=signals.committer_email)
        else:
            person_id = None
        co_authors = tuple(dict.fromkeys(found for found in humans if found != person_id))
        return Credit(person_id=person_id, co_author_ids=co_authors)


@dataclass(frozen=True)
class Credit:
    """Who a commit credits: PERSON_ID (None when nobody we know) and the human co-authors credited besides."""

    person_id: int | None
    co_author_ids: tuple[int, ...] = ()


def credited_name(*, signals: CommitSignals, rules: Sequence[Rule]) -> str:
    """The name a commit's lines are credited to when no people are loaded (ai_share), by the rule of
    PeopleDirectory.credited: the author; for an agent's commit its first human co-author, else the human's name in
    a "Name (tool)" identity, else a human committer."""
    if not is_agent(name=signals.author_name, email=signals.author_email, rules=rules):
        return signals.author_name
    humans = human_coauthors(signals=signals, rules=rules)
    if humans:
        return humans[0][0] or humans[0][1]
    if TOOL_SUFFIX.search(signals.author_name):
        return TOOL_SUFFIX.sub("", signals.author_name)
    if not is_agent(name=signals.committer_name, email=signals.committer_email, rules=rules):
        return signals.committer_name
    return signals.author_name

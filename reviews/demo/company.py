"""The demo's people: an org chart with a head of engineering, an HR partner, and teams with managers."""

from __future__ import annotations

import csv
import random
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

FIRST_NAMES = (
    "Ada",
    "Bilal",
    "Chen",
    "Dara",
    "Emeka",
    "Freya",
    "Goran",
    "Hana",
    "Ines",
    "Jonas",
    "Kemal",
    "Lena",
    "Mateo",
    "Nadia",
    "Oskar",
    "Priya",
    "Quentin",
    "Rosa",
    "Sami",
    "Tova",
    "Uma",
    "Viktor",
    "Wen",
    "Ximena",
    "Yusuf",
    "Zora",
    "Aino",
    "Bruno",
    "Carmen",
    "Dmitri",
    "Elif",
    "Farid",
    "Greta",
    "Hugo",
    "Isla",
    "Jun",
    "Kira",
    "Luca",
    "Mira",
    "Noor",
    "Omar",
    "Pia",
    "Rafael",
    "Sofia",
    "Tariq",
    "Ulla",
    "Vera",
    "Wiktor",
)
LAST_NAMES = (
    "Abara",
    "Bauer",
    "Castro",
    "Dubois",
    "Eriksen",
    "Fischer",
    "Garcia",
    "Haddad",
    "Ivanova",
    "Jensen",
    "Kowalski",
    "Larsen",
    "Moreau",
    "Novak",
    "Okafor",
    "Petrov",
    "Quinn",
    "Rossi",
    "Schmidt",
    "Tanaka",
    "Ueda",
    "Varga",
    "Weber",
    "Xu",
    "Yilmaz",
    "Zimmermann",
    "Andersson",
    "Brennan",
    "Costa",
    "Demir",
)
TEAMS = ("Payments", "Platform", "Mobile", "Data", "Growth")
ENGINEERS_PER_TEAM = 8
# Growth is larger and has adopted Claude Code team-wide (reviews/demo/usage.py): enough of its people have a
# merged AI-assisted PR of known cost for a cost band (five or more), so the demo's packets show one.
# It is the last team, so its extra people are drawn last and every other person keeps their name.
ENGINEERS_IN_TEAM = {"Growth": ENGINEERS_PER_TEAM + 3}
CLAUDE_CODE_TEAMS = frozenset({"Growth"})
DOMAIN = "example.com"
# The demo's stories, by position among each team's engineers (team_engineers): the usage side (usage.py) and the
# repository side (repos.py) each tell their half of them. Engineers past the list are ordinary mixed users.
ARCHETYPES = ("efficient", "idle_loop", "churner", "non_user", "reviewer", "no_repo_work")
ORDINARY = "ordinary"


@dataclass(frozen=True)
class DemoPerson:
    email: str
    name: str
    manager_email: str
    team: str
    github_login: str
    role: str


def demo_people(*, seed: int) -> list[DemoPerson]:
    rng = random.Random(seed)
    names = iter(rng.sample([f"{first} {last}" for first in FIRST_NAMES for last in LAST_NAMES], 200))

    def person(team: str, manager_email: str, role: str = "employee") -> DemoPerson:
        name = next(names)
        handle = name.lower().replace(" ", ".")
        return DemoPerson(f"{handle}@{DOMAIN}", name, manager_email, team, handle.replace(".", "-"), role)

    head = person("Engineering leadership", "")
    people = [head, person("People", head.email, role="hr")]
    for team in TEAMS:
        manager = person(team, head.email)
        people.append(manager)
        people.extend(person(team, manager.email) for _ in range(ENGINEERS_IN_TEAM.get(team, ENGINEERS_PER_TEAM)))
    return people


def team_engineers(people: Sequence[DemoPerson]) -> dict[str, tuple[DemoPerson, list[DemoPerson]]]:
    """Each team's manager (the team's first person) and engineers (their reports), in list order."""
    teams: dict[str, tuple[DemoPerson, list[DemoPerson]]] = {}
    for team in TEAMS:
        members = [person for person in people if person.team == team]
        if members:
            manager = members[0]
            teams[team] = (manager, [person for person in members if person.manager_email == manager.email])
    return teams


def demo_archetypes(people: Sequence[DemoPerson]) -> dict[str, str]:
    """email → archetype name, for every engineer (managers, the head and HR are not in the map)."""
    return {
        person.email: ARCHETYPES[index] if index < len(ARCHETYPES) else ORDINARY
        for _, engineers in team_engineers(people).values()
        for index, person in enumerate(engineers)
    }


def demo_people_csv_write(*, path: Path, seed: int) -> list[DemoPerson]:
    people = demo_people(seed=seed)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["email", "name", "manager_email", "team", "github_login", "role"])
        for row in people:
            writer.writerow([row.email, row.name, row.manager_email, row.team, row.github_login, row.role])
    return people

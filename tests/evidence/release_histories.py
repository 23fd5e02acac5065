"""A seeded multi-release history shaped like a project that publishes its own per-release AI share (aider's).

Written with one `git fast-import` (real git, one process: a few hundred commits in well under a second). What it
holds, because each changes a release's figure:
- an AI tool that is the *committer* of every commit it makes ("Ana (aider)") but the *author* only of the commits
  whose change it wrote; the commits of the human's own edits it makes have the human as author;
- the early releases' convention, a subject starting "aider:" on a human-authored commit, for the tool's changes;
- plain human commits, and a contributor's pull requests merged with a merge commit;
- blocks moved within a file (functions, long; constants, short: fewer than 100 letters and digits), moved to
  another file now and then, reformatting commits (quote style), deleted blocks and deleted files;
- files outside the counted selection (README, docs, a JSON resource, the prompts module, a test fixture).
"""

from __future__ import annotations

import random
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

PAUL = ("Paul Gauss", "paul@example.com")
ANA = ("Ana Lima", "ana@example.com")
KIM = ("Kim Osei", "kim@example.com")
GITHUB = ("GitHub", "noreply@github.com")
TOOL = "aider"
RELEASES = 15
LEGACY_RELEASES = 3  # releases whose AI commits are marked by an "aider:" subject instead of the author's name
FIRST_DAY = 1_735_700_000  # seconds since the epoch, 2025-01-01

COUNTED = ["app/main.py", "app/models.py", "app/coders/base.py", "app/coders/editblock.py", "app/repo.py"]
OTHER_COUNTED = ["scripts/release.sh", ".github/workflows/ci.yml", "docker/Dockerfile"]
NOT_COUNTED = ["README.md", "docs/usage.md", "app/resources/models.json", "app/prompts.py", "tests/fixtures/watch/x.py"]
# The selection a project like this counts, in `ai_share --path` globs (evidence.git.share.path_selected).
SELECTION = [
    "*.py",
    "*.sh",
    "*Dockerfile",
    ".github/workflows/*.yml",
    ":(exclude)*prompts.py",
    ":(exclude)tests/fixtures/watch*",
]
WORDS = [
    "parse",
    "render",
    "commit",
    "repo",
    "model",
    "token",
    "chat",
    "diff",
    "patch",
    "lint",
    "summary",
    "cache",
    "history",
    "prompt",
    "edit",
    "file",
]


@dataclass
class Release:
    tag: str
    previous: str


@dataclass
class History:
    """The in-memory tree, written to git as commits accumulate."""

    rng: random.Random
    files: dict[str, list[list[str]]] = field(default_factory=dict)
    stream: list[bytes] = field(default_factory=list)
    marks: int = 0
    clock: int = FIRST_DAY
    counter: int = 0
    double_quotes: dict[str, bool] = field(default_factory=dict)

    def name(self) -> str:
        self.counter += 1
        return f"{self.rng.choice(WORDS)}_{self.rng.choice(WORDS)}_{self.counter}"

    def block(self, path: str) -> list[str]:
        """A block of the file's kind: a function or two short constants for Python, a few lines otherwise."""
        name = self.name()
        quote = '"' if self.double_quotes.get(path) else "'"
        if path.endswith(".py") and self.rng.random() < 0.1:
            return [f"{name.upper()} = {self.rng.randint(1, 99)}", f"{name.upper()}_ON = True"]
        if path.endswith(".py"):
            body = [f"    value = {self.rng.choice(WORDS)}_step(payload, limit={self.rng.randint(1, 9)})"]
            body += [f"    value = value.{self.rng.choice(WORDS)}({n})" for n in range(self.rng.randint(1, 4))]
            return [
                f"def {name}(payload):",
                f"    {quote}{name.replace('_', ' ').capitalize()} for the payload.{quote}",
                *body,
                f"    return {quote}{name}:{quote} + str(value)",
            ]
        if path.endswith(".sh"):
            return [f"echo 'step {name}'", f"run_task --name {name} --retries {self.rng.randint(1, 5)}"]
        if path.endswith(".yml"):
            return [f"      - name: {name}", f"        run: make {name}"]
        if path.endswith(".json"):
            return [f'  "{name}": {{"max_tokens": {self.rng.randint(1, 9) * 1024}}},']
        return [f"{name.replace('_', ' ').capitalize()} is described here, line {n}." for n in range(3)]

    def change(self, path: str, kind: str) -> None:
        """One edit of PATH: add, edit, delete or move a block within the file (Python files: moving a block of a
        configuration or shell file is rare enough to leave out)."""
        blocks = self.files.setdefault(path, [])
        if kind == "add" or len(blocks) < 3:
            blocks.insert(self.rng.randint(0, len(blocks)), self.block(path))
        elif kind == "edit":
            lines = self.rng.choice(blocks)
            at = self.rng.randrange(1, len(lines)) if len(lines) > 1 else 0
            lines[at] = f"{lines[at]}  # {self.name()}"
        elif kind == "delete":
            blocks.pop(self.rng.randrange(len(blocks)))
        elif kind == "move" and path.endswith(".py"):
            moved = blocks.pop(self.rng.randrange(len(blocks)))
            blocks.insert(self.rng.randint(0, len(blocks)), moved)

    def reformat(self, path: str) -> None:
        """A formatter's pass: every string literal of the file changes its quote style."""
        before, after = ("'", '"') if not self.double_quotes.get(path) else ('"', "'")
        self.double_quotes[path] = not self.double_quotes.get(path)
        self.files[path] = [[line.replace(before, after) for line in lines] for lines in self.files[path]]

    def move_across(self, source: str, target: str) -> None:
        """A refactor: one function leaves SOURCE for TARGET in the same commit."""
        functions = [lines for lines in self.files[source] if lines[0].startswith("def ")]
        if functions:
            moved = self.rng.choice(functions)
            self.files[source].remove(moved)
            self.files[target].append(moved)

    def commit(
        self,
        subject: str,
        *,
        author: tuple[str, str],
        committer: tuple[str, str],
        paths: list[str],
        deleted: tuple[str, ...] = (),
        branch: str = "main",
        merge: int | None = None,
    ) -> int:
        self.marks += 1
        self.clock += 3600
        message = subject.encode()
        self.stream.append(f"commit refs/heads/{branch}\nmark :{self.marks}\n".encode())
        self.stream.append(f"author {author[0]} <{author[1]}> {self.clock} +0000\n".encode())
        self.stream.append(f"committer {committer[0]} <{committer[1]}> {self.clock} +0000\n".encode())
        self.stream.append(f"data {len(message)}\n".encode() + message + b"\n")
        if merge is not None:
            self.stream.append(f"merge :{merge}\n".encode())
        for path in deleted:
            self.stream.append(f"D {path}\n".encode())
        for path in dict.fromkeys(paths):
            text = "\n\n".join("\n".join(lines) for lines in self.files[path]) + "\n"
            data = text.encode()
            self.stream.append(f"M 100644 inline {path}\ndata {len(data)}\n".encode() + data + b"\n")
        return self.marks

    def tag(self, name: str) -> None:
        self.stream.append(f"reset refs/tags/{name}\nfrom :{self.marks}\n\n".encode())


def tool_of(person: tuple[str, str]) -> tuple[str, str]:
    return (f"{person[0]} ({TOOL})", person[1])


def release_history(path: Path, *, seed: int = 12) -> list[Release]:
    """Build the repository at PATH and return its release ranges, oldest first (tags v0.0.0 .. v0.15.0)."""
    history = History(random.Random(seed))  # noqa: S311 - a reproducible history, not a secret
    every = COUNTED + OTHER_COUNTED + NOT_COUNTED
    for name in every:
        for _ in range(4):
            history.change(name, "add")
    history.commit("Initial import", author=PAUL, committer=PAUL, paths=every)
    history.tag("v0.0.0")
    releases = []
    for number in range(1, RELEASES + 1):
        legacy = number <= LEGACY_RELEASES
        for _ in range(history.rng.randint(4, 7)):
            session(history, rng_person(history), legacy=legacy)
        human_work(history)
        if number % 4 == 0:
            pull_request(history)
        if number % 5 == 2:
            target = history.rng.choice(COUNTED)
            history.reformat(target)
            history.commit("Reformat with black", author=KIM, committer=KIM, paths=[target])
        tag = f"v0.{number}.0"
        history.tag(tag)
        releases.append(Release(tag, f"v0.{number - 1}.0"))
    subprocess.run(["git", "init", "-q", "-b", "main", str(path)], check=True)
    stream = b"".join(history.stream)
    subprocess.run(["git", "-C", str(path), "fast-import", "--quiet"], input=stream, check=True)
    subprocess.run(["git", "-C", str(path), "checkout", "-q", "main"], check=True)
    return releases


def rng_person(history: History) -> tuple[str, str]:
    return history.rng.choice([PAUL, PAUL, ANA])


def session(history: History, person: tuple[str, str], *, legacy: bool) -> None:
    """One chat with the tool: it first commits the person's own pending edits (the tool as committer only), then
    its own changes (the tool as author too; in the legacy convention the person as author, "aider:" subject)."""
    rng = history.rng
    if rng.random() < 0.7:
        paths = rng.sample(COUNTED, k=rng.randint(1, 2))
        for name in paths:
            for _ in range(rng.randint(2, 5)):
                history.change(name, rng.choice(["add", "add", "edit", "delete"]))
        history.commit("Pending edits", author=person, committer=tool_of(person), paths=paths)
    for _ in range(rng.randint(1, 3)):
        name = rng.choice(COUNTED + OTHER_COUNTED)
        for _ in range(rng.randint(1, 3)):
            history.change(name, rng.choice(["add", "add", "edit", "move"]))
        if legacy:
            history.commit(f"aider: Improve {name}", author=person, committer=person, paths=[name])
        else:
            history.commit(f"feat: Improve {name}", author=tool_of(person), committer=tool_of(person), paths=[name])


def human_work(history: History) -> None:
    """Hand edits, moves, deletions and files outside the selection; now and then a refactor across files."""
    rng = history.rng
    for _ in range(rng.randint(2, 4)):
        person = rng.choice([PAUL, ANA, KIM])
        name = rng.choice(COUNTED + NOT_COUNTED)
        for _ in range(rng.randint(1, 4)):
            history.change(name, rng.choice(["add", "edit", "move", "move", "delete"]))
        history.commit(f"Update {name}", author=person, committer=person, paths=[name])
    if rng.random() < 0.3:
        source, target = rng.sample(COUNTED, k=2)
        history.move_across(source, target)
        history.commit("Move a helper", author=PAUL, committer=PAUL, paths=[source, target])
    if rng.random() < 0.4:
        name = f"app/plugins/plugin_{history.counter}.py"
        history.files[name] = [history.block(name) for _ in range(3)]
        history.commit(f"Add {name}", author=ANA, committer=ANA, paths=[name])
        history.files.pop(name)
        history.commit(f"Drop {name}", author=ANA, committer=ANA, paths=[], deleted=(name,))


def pull_request(history: History) -> None:
    """Kim's branch of two commits on a file of its own, merged by Paul through GitHub's merge commit."""
    name = f"app/contrib/feature_{history.counter}.py"
    fork = history.marks
    history.stream.append(f"reset refs/heads/pr\nfrom :{fork}\n\n".encode())
    history.files[name] = [history.block(name) for _ in range(2)]
    history.commit("Start a feature", author=KIM, committer=KIM, paths=[name], branch="pr")
    history.change(name, "add")
    head = history.commit("Finish the feature", author=KIM, committer=KIM, paths=[name], branch="pr")
    history.commit("Merge pull request from kim/feature", author=PAUL, committer=GITHUB, paths=[name], merge=head)

from __future__ import annotations

from argparse import ArgumentParser
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from evidence.models import Repository
from evidence.services.activity.durability import durability_measure
from evidence.services.activity.git import git_import
from reviews.errors import ApplicationError
from reviews.management.base import ApplicationCommand


class Command(ApplicationCommand):
    help = "Import local git repositories (commits, trailers, numstat, reverts, AI attribution); optionally measure durability."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("paths", nargs="+", type=Path, help="repository folders (working trees or bare clones)")
        parser.add_argument("--durability-since", help="YYYY-MM-DD: measure survival and follow-up fixes since then")
        parser.add_argument("--at", default="HEAD", help="the ref durability is measured at (default HEAD)")
        parser.add_argument("--at-date", help="YYYY-MM-DD: measure at the last commit of --at on or before that day")
        parser.add_argument(
            "--github-repo", help="OWNER/NAME of a synced GitHub repository whose clone PATH is (one PATH only)"
        )

    def handle(
        self,
        *args: Any,
        paths: list[Path],
        durability_since: str | None,
        at: str,
        at_date: str | None,
        github_repo: str | None,
        **options: Any,
    ) -> None:
        repository = None
        if github_repo:
            repository = Repository.objects.filter(host=Repository.Host.GITHUB, full_name=github_repo).first()
            if repository is None or len(paths) != 1:
                raise ApplicationError(f"--github-repo {github_repo}: sync it first, and give exactly one clone PATH")
        since = day_parse("--durability-since", durability_since)
        until = day_parse("--at-date", at_date)
        if until is not None:
            until += timedelta(days=1) - timedelta(seconds=1)
        for path in paths:
            imported = git_import(path=path, repository=repository)
            self.stdout.write(
                f"{path}: {imported.commits} commits ({imported.attributed} AI-attributed, "
                f"{imported.vanished} no longer in the history)"
            )
            if imported.note:
                self.stdout.write(f"  {imported.note}")
            if since is not None and imported.commits:
                measured = durability_measure(repository=imported.repository, since=since, at_ref=at, at_date=until)
                self.stdout.write(
                    f"  durability of {measured.commits} commits: {measured.lines_surviving}/{measured.lines_added} "
                    f"added lines still present at {at}, {measured.follow_up_fix_lines} changed again within 21 days"
                )


def day_parse(option: str, value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        return datetime.fromisoformat(value).replace(tzinfo=UTC)
    except ValueError:
        raise ApplicationError(f"{option} {value!r}: expected YYYY-MM-DD") from None

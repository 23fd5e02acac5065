from __future__ import annotations

import sys
from argparse import ArgumentParser
from typing import Any

from evidence.github.client import DEFAULT_BASE_URL
from evidence.github.tokens import github_connection_store
from evidence.services.activity.github import github_sync_start
from reviews.management.base import ApplicationCommand


class Command(ApplicationCommand):
    help = "Sync an organisation's repositories from GitHub (or GitHub Enterprise via --base-url), incrementally."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--org", required=True)
        parser.add_argument("--repo", dest="repos", action="append", default=[], help="OWNER/NAME; repeatable")
        parser.add_argument("--base-url", default=DEFAULT_BASE_URL, help="e.g. https://github.example.com/api/v3")
        parser.add_argument(
            "--store-token",
            action="store_true",
            help="read a token from standard input and store it encrypted under TOKENPROOF_FIELD_KEY, then sync",
        )

    def handle(self, *args: Any, org: str, repos: list[str], base_url: str, store_token: bool, **options: Any) -> None:
        if store_token:
            github_connection_store(org=org, base_url=base_url, token=sys.stdin.readline())
            self.stdout.write(f"token for {org} stored encrypted")
        repositories = github_sync_start(org=org, repos=repos, base_url=base_url)
        for repository in repositories:
            repository.refresh_from_db()
            status = sync_status(repository.sync_state)
            self.stdout.write(
                f"{repository.full_name}: {repository.commits.count()} commits, "
                f"{repository.pull_requests.count()} pull requests; {status}"
            )


def sync_status(state: dict[str, Any]) -> str:
    if state.get("gone"):
        return "gone (deleted or hidden)"
    if state.get("error"):
        return str(state["error"])
    if state.get("deferred"):
        return f"deferred ({state['deferred']}); syncing again resumes where it stopped"
    return "queued or synced"

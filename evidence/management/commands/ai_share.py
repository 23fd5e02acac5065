from __future__ import annotations

import json
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from evidence.services.activity.share import ai_share
from reviews.management.base import ApplicationCommand


class Command(ApplicationCommand):
    help = (
        "What share of the code present at --to, last changed in --from..--to, did AI write? (git blame, in parallel)"
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--repo", type=Path, required=True)
        parser.add_argument("--from", dest="from_ref", required=True)
        parser.add_argument("--to", dest="to_ref", required=True)
        parser.add_argument(
            "--path",
            dest="globs",
            action="append",
            default=[],
            help="a glob; repeatable; ':(exclude)GLOB' (or ':!GLOB') leaves paths out",
        )
        parser.add_argument("--json", action="store_true")
        parser.add_argument("--workers", type=int, default=None, help="parallel git blame processes")

    def handle(
        self,
        *args: Any,
        repo: Path,
        from_ref: str,
        to_ref: str,
        globs: list[str],
        json: bool,
        workers: int | None,
        **options: Any,
    ) -> None:
        share = ai_share(repo=repo, from_ref=from_ref, to_ref=to_ref, globs=globs, workers=workers)
        data = share.as_json()
        if json:
            self.stdout.write(dumps(data))
            return
        self.stdout.write(
            f"{from_ref}..{to_ref}: {data['ai_lines']} of {data['total_lines']} lines present at {to_ref} "
            f"were written with AI ({float(data['ai_share']):.1%}), from {data['commits']} commits"
        )
        for name, counts in share.by_author.items():
            self.stdout.write(f"  {name}: {counts.lines} lines, {counts.ai_lines} with AI")
        for tool, lines in sorted(share.committed_by_tool.items()):
            self.stdout.write(f"  committed by {tool} (who wrote them is the author's say): {lines} lines")
        if share.skipped_files:
            self.stdout.write(f"  skipped (binary or enormous): {', '.join(share.skipped_files)}")


def dumps(data: dict[str, Any]) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False)

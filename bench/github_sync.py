"""GitHub sync cost in API requests, through PyGithub against the local stand-in: first sync, then incremental.

.venv/bin/python bench/github_sync.py --repos 3 --pulls 120
"""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run as a script from anywhere
from bench.repos_common import django_in_tmp


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repos", type=int, default=3)
    parser.add_argument("--pulls", type=int, default=120)
    args = parser.parse_args()
    django_in_tmp()
    from django.conf import settings

    from evidence.models import Repository, ReviewComment
    from evidence.services.activity.github import github_repo_sync
    from reviews.demo.github_standin import StandinState, standin_start, synthetic_repo

    token = "bench-token"  # noqa: S105 - the stand-in's token
    settings.TOKENPROOF_GITHUB_TOKEN = token
    start = datetime(2026, 7, 1, tzinfo=UTC)
    logins = [f"dev-{n}" for n in range(10)]
    names = [f"repo{n}" for n in range(args.repos)]
    state = StandinState(
        org="bench",
        repos={name: synthetic_repo(name, pulls=args.pulls, start=start, logins=logins) for name in names},
        tokens={token},
    )
    server = standin_start(state)
    repositories = [
        Repository.objects.create(host="github", full_name=f"bench/{name}", base_url=server.base_url) for name in names
    ]

    def sync_all(label: str, pulls_changed: int) -> None:
        before = len(state.requests)
        spent_before = state.remaining
        for repository in repositories:
            github_repo_sync(repository_id=repository.pk)
        requests = state.requests[before:]
        not_modified = sum(1 for _, status in requests if status == 304)
        comment_listing = sum(1 for path, _ in requests if "/pulls/comments?" in path)
        per_pull = (
            f", {len(requests) / (pulls_changed * len(repositories)):.2f} per changed PR" if pulls_changed else ""
        )
        print(
            f"{label}: {len(requests)} requests = {len(requests) / len(repositories):.1f} per repository{per_pull}; "
            f"{not_modified} were 304s; rate limit spent {spent_before - state.remaining}; "
            f"{comment_listing} review-comment listing requests, {ReviewComment.objects.count()} review comments stored"
        )

    sync_all(f"first sync ({args.pulls} PRs, {2 * args.pulls} commits per repository)", args.pulls)
    sync_all("incremental sync, nothing changed", 0)
    for name in names:
        grown = synthetic_repo(name, pulls=args.pulls + 5, start=start, logins=logins)
        state.repos[name] = grown
    sync_all("incremental sync, 5 new PRs per repository", 5)
    server.stop()


if __name__ == "__main__":
    main()

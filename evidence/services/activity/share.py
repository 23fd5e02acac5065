"""ai_share and durability: git blame read through the attribution ladder."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from evidence.attribution import attribution_match, committed_by_tool, rules_load, tool_reports_load
from evidence.git.log import CommitRecord, repository_inspect
from evidence.git.share import AiShare, Verdict, ai_share_measure
from evidence.services.activity.authors import credited_name
from evidence.services.activity.commits import signals_of
from reviews.errors import ApplicationError


def commits_classify(records: list[CommitRecord]) -> dict[str, Verdict]:
    """Each commit's credited human (evidence.services.activity.authors.credited_name), AI verdict and
    committed_by_tool signal; a tool as committer only does not make a commit's lines AI-written. Names are the
    `.mailmap`'d ones (evidence.git.log), so one person's old identities are one author."""
    rules = rules_load()
    reports = tool_reports_load(shas=[record.sha for record in records])
    verdicts: dict[str, Verdict] = {}
    for record in records:
        signals = signals_of(record)
        signals.tool_reports = reports.get(record.sha, [])
        ai = bool(attribution_match(signals=signals, rules=rules))
        verdicts[record.sha] = Verdict(
            credited_name(signals=signals, rules=rules), ai, committed_by_tool(signals=signals, rules=rules)
        )
    return verdicts


def ai_share(
    *, repo: Path, from_ref: str, to_ref: str, globs: Sequence[str] = (), workers: int | None = None
) -> AiShare:
    shape = repository_inspect(path=repo)
    if shape.empty:
        raise ApplicationError(f"{repo}: empty repository, there is no release to measure")
    return ai_share_measure(
        repo=shape.path, from_ref=from_ref, to_ref=to_ref, globs=globs, classify=commits_classify, workers=workers
    )

"""ai_share and durability: git blame read through the attribution ladder."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from evidence.attribution import attribution_match, human_coauthors, is_agent, rules_load, tool_reports_load
from evidence.git.log import CommitRecord, repository_inspect
from evidence.git.share import AiShare, ai_share_measure
from evidence.services.activity.commits import signals_of
from reviews.errors import ApplicationError


def commits_classify(records: list[CommitRecord]) -> dict[str, tuple[str, bool]]:
    """Each commit's credited human (an agent's work goes to the human co-author or committer) and AI verdict.

    Names are the `.mailmap`'d ones (evidence.git.log), so one person's old identities are one author.
    """
    rules = rules_load()
    reports = tool_reports_load(shas=[record.sha for record in records])
    verdicts: dict[str, tuple[str, bool]] = {}
    for record in records:
        signals = signals_of(record)
        signals.tool_reports = reports.get(record.sha, [])
        # A tool as committer only made the commit; the author (or a trailer) says who wrote the lines. The ladder
        # reads the commit without its committer, so a committer-only tool identity never makes lines AI-written.
        signals.committer_name = signals.committer_email = ""
        ai = bool(attribution_match(signals=signals, rules=rules))
        author = record.author_name
        if is_agent(name=record.author_name, email=record.author_email, rules=rules):
            humans = human_coauthors(signals=signals, rules=rules)
            if humans:
                author = humans[0][0] or humans[0][1]
            elif not is_agent(name=record.committer_name, email=record.committer_email, rules=rules):
                author = record.committer_name
        verdicts[record.sha] = (author, ai)
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

"""The ladder on commit messages shaped like real tools' output (usage-sources.md §7)."""

from __future__ import annotations

import pytest

from evidence.attribution import (
    CommitSignals,
    ToolReport,
    attribution_match,
    committed_by_tool,
    git_ai_note_read,
    pull_request_markers,
    pull_request_match,
    ranges_count,
    rules_load,
)
from evidence.attribution.trailers import message_trailers
from evidence.models import AttributionRule

pytestmark = pytest.mark.django_db


def signals(
    *,
    author: str = "Dev Person <dev@corp.com>",
    committer: str = "Dev Person <dev@corp.com>",
    subject: str = "Change things",
    trailers: list[tuple[str, str]] | None = None,
    **extra: object,
) -> CommitSignals:
    an, _, ae = author.partition(" <")
    cn, _, ce = committer.partition(" <")
    return CommitSignals(
        sha="a" * 40,
        author_name=an,
        author_email=ae.rstrip(">"),
        committer_name=cn,
        committer_email=ce.rstrip(">"),
        subject=subject,
        trailers=trailers or [],
        **extra,  # type: ignore[arg-type]
    )


def matched(found: CommitSignals) -> list[tuple[str, str]]:
    return [(match.rule.name, match.tool) for match in attribution_match(signals=found, rules=rules_load())]


@pytest.mark.parametrize(
    ("trailer", "rule", "tool"),
    [
        (("Co-Authored-By", "Claude Opus 4.1 <noreply@anthropic.com>"), "coauthor-claude", "claude-code"),
        (("Co-authored-by", "aider (anthropic/claude-sonnet-4) <aider@aider.chat>"), "coauthor-aider", "aider"),
        (("Co-authored-by", "Cursor <cursoragent@cursor.com>"), "coauthor-cursor", "cursor"),
        (("Made-with", "Cursor"), "coauthor-cursor", "cursor"),
        (("Co-authored-by", "Codex <noreply@openai.com>"), "coauthor-codex", "codex"),
        (("Co-authored-by", "Copilot <223556219+Copilot@users.noreply.github.com>"), "coauthor-copilot", "copilot"),
        (
            ("Co-Authored-By", "Devin <158243242+devin-ai-integration[bot]@users.noreply.github.com>"),
            "coauthor-devin",
            "devin",
        ),
        (
            ("Co-authored-by", "google-labs-jules[bot] <161369871+google-labs-jules[bot]@users.noreply.github.com>"),
            "coauthor-jules",
            "jules",
        ),
        (("Claude-Session", "https://claude.ai/code/session_01abc"), "session-claude", "claude-code"),
        (("Replit-Commit-Session-Id", "3f0c2a"), "session-replit", "replit"),
    ],
)
def test_trailers_of_real_tools_match_their_rule(trailer: tuple[str, str], rule: str, tool: str) -> None:
    assert matched(signals(trailers=[trailer])) == [(rule, tool)]


@pytest.mark.parametrize(
    ("author", "rule"),
    [
        ("Copilot <198982749+Copilot@users.noreply.github.com>", "agent-copilot-swe"),
        ("copilot-swe-agent[bot] <198982749+copilot-swe-agent[bot]@users.noreply.github.com>", "agent-copilot-swe"),
        ("Devin AI <158243242+devin-ai-integration[bot]@users.noreply.github.com>", "agent-devin"),
        ("Cursor Agent <cursoragent@cursor.com>", "agent-cursor"),
        ("Dev Person (aider) <dev@corp.com>", "agent-aider-name"),
    ],
)
def test_agent_authors_match(author: str, rule: str) -> None:
    assert [name for name, _ in matched(signals(author=author))] == [rule]


def test_a_tool_as_committer_only_is_no_attribution_but_the_committed_by_tool_signal() -> None:
    found = signals(committer="Dev Person (aider) <dev@corp.com>")
    assert matched(found) == []
    assert committed_by_tool(signals=found, rules=rules_load()) == "aider"
    assert committed_by_tool(signals=signals(), rules=rules_load()) == ""


def test_subject_prefix_and_pr_markers() -> None:
    assert matched(signals(subject="aider: fix the parser")) == [("subject-aider", "aider")]
    assert matched(signals(pr_markers=["🤖 Generated with [Claude Code](https://claude.com/claude-code)"])) == [
        ("pr-body-claude-code", "claude-code")
    ]
    assert matched(signals(pr_labels=["ai-assisted"])) == [("pr-label-ai", "unspecified")]


def test_no_marker_means_no_match_which_is_unknown_not_human() -> None:
    assert (
        matched(signals(trailers=[("Co-authored-by", "Ben Bauer <ben@example.com>"), ("Signed-off-by", "x <x@y>")]))
        == []
    )


def test_matches_are_ordered_strongest_first_with_tool_reports_on_top() -> None:
    found = signals(
        subject="aider: tidy",
        trailers=[("Co-Authored-By", "Claude <noreply@anthropic.com>")],
        tool_reports=[ToolReport(source="cursor-commits", tool="cursor", ai_lines=12, person_id=None)],
    )
    result = attribution_match(signals=found, rules=rules_load())
    assert [match.rule.kind for match in result] == ["tool_sha", "coauthor_trailer", "subject_prefix"]
    assert (result[0].tool, result[0].ai_lines) == ("cursor", 12)


GIT_AI_NOTE = """src/main.rs
  s_c9883b05a2487d::t_9f8e7d6c5b4a32 1-10,15-20
  h_31dce776f88375 42-50
---
{"schema_version":"authorship/3.0.0","git_ai_version":"1.4.5","base_commit_sha":"7734793b","prompts":{},
 "humans":{"h_31dce776f88375":{"author":"Dev <dev@corp.com>"}},
 "sessions":{"s_c9883b05a2487d":{"agent_id":{"tool":"claude","id":"conv_abc","model":"claude-sonnet-4-5"},"human_author":"dev@corp.com"}}}"""


def test_git_ai_note_gives_tool_and_ai_lines() -> None:
    assert git_ai_note_read(GIT_AI_NOTE) == ("claude", 16)
    result = attribution_match(signals=signals(ai_note=GIT_AI_NOTE), rules=rules_load())
    assert [(m.rule.name, m.tool, m.ai_lines) for m in result] == [("git-ai-note", "claude", 16)]


def test_an_admin_rule_extends_the_ladder_and_disabled_rules_stop_matching() -> None:
    AttributionRule.objects.create(
        name="windsurf",
        kind=AttributionRule.Kind.COAUTHOR_TRAILER,
        pattern=r"windsurf",
        tool="windsurf",
        confidence=0.9,
    )
    AttributionRule.objects.filter(name="coauthor-claude").update(enabled=False)
    found = signals(
        trailers=[
            ("Co-authored-by", "Windsurf <bot@windsurf.com>"),
            ("Co-Authored-By", "Claude <noreply@anthropic.com>"),
        ]
    )
    assert matched(found) == [("windsurf", "windsurf")]


def test_line_ranges_of_an_ai_note_count_ascii_numbers_only() -> None:
    # str.isdigit() also holds for '²', which int() refuses: such a range is skipped, not a crash
    assert ranges_count("1-3,5,²,7-²") == 3 + 1 + 1


def test_trailer_lines_count_anywhere_in_the_message_and_unfold() -> None:
    message = (
        "fix: keep the parser's state\n"
        "\n"
        "* first change\n"
        "\n"
        "Co-Authored-By : Claude <NOREPLY@ANTHROPIC.COM>\n"
        "\n"
        "See https://example.com/docs for the format.\n"
        "https://claude.ai/code/session_011CUkA2\n"
        "Reviewed-by: Kim Park\n"
        "\t<kim@example.com>\n"
        "  Copilot-Session\t: 0b2a6c1e"
    )
    found = message_trailers(message)
    assert found.pairs == [
        ("Co-Authored-By", "Claude <NOREPLY@ANTHROPIC.COM>"),
        ("Reviewed-by", "Kim Park <kim@example.com>"),
        ("Copilot-Session", "0b2a6c1e"),
    ], "the subject `fix: …` is no trailer; a URL line is a link, not a trailer keyed https"
    assert found.links == ["https://claude.ai/code/session_011CUkA2"]


def test_an_assisted_by_trailer_names_its_agent() -> None:
    found = signals(trailers=[("Assisted-by", "Claude:claude-3-opus coccinelle sparse")])
    assert matched(found) == [("assisted-by", "claude")]


@pytest.mark.parametrize(
    "committer",
    [
        "GitHub <noreply@github.com>",
        "dependabot[bot] <49699333+dependabot[bot]@users.noreply.github.com>",
        "Sam Lee <sam.lee@anthropic.com>",
    ],
)
def test_committers_that_are_no_ai_tool_give_no_signal(committer: str) -> None:
    assert committed_by_tool(signals=signals(committer=committer), rules=rules_load()) == ""


def test_pull_request_description_markers_and_co_authors_are_read_wherever_they_stand() -> None:
    body = (
        "Adds the export.\n\n"
        "🤖 Generated with [Claude Code](https://claude.com/claude-code)\n"
        "co-authored-by : Amp <amp@ampcode.com>\n\n"
        "Co-authored-by: Kim Park <kim@example.com>\n"
        "https://claude.ai/code/session_011CUkA2"
    )
    markers = pull_request_markers(body=body, rules=rules_load())
    assert markers == [
        "🤖 Generated with [Claude Code](https://claude.com/claude-code)",
        "co-authored-by: Amp <amp@ampcode.com>",
        "https://claude.ai/code/session_011CUkA2",
    ]
    found = pull_request_match(labels=[], markers=markers, rules=rules_load())
    assert {(match.kind, match.tool) for match in found} == {("pr_marker", "claude-code"), ("pr_marker", "amp")}

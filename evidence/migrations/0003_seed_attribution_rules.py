"""Seed the default attribution ladder (usage-sources.md §7). Admins extend or disable rows; reruns change nothing."""

from django.db import migrations

# (name, kind, case-insensitive pattern, tool, confidence), strongest kinds first.
DEFAULT_RULES = [
    ("tool-reported-sha", "tool_sha", r"^(?!git-ai-note$).", "reported", 1.0),
    ("git-ai-note", "tool_sha", r"^git-ai-note$", "git-ai", 0.95),
    ("agent-copilot-swe", "agent_identity", r"copilot-swe-agent\[bot\]|^copilot <\d*\+?copilot@users\.noreply", "copilot", 0.95),
    ("agent-devin", "agent_identity", r"devin-ai-integration\[bot\]", "devin", 0.95),
    ("agent-jules", "agent_identity", r"google-labs-jules\[bot\]", "jules", 0.95),
    ("agent-cursor", "agent_identity", r"<cursoragent@cursor\.com>", "cursor", 0.95),
    ("agent-claude", "agent_identity", r"claude\[bot\]", "claude-code", 0.95),
    ("agent-codex", "agent_identity", r"chatgpt-codex-connector\[bot\]", "codex", 0.95),
    ("agent-aider-name", "agent_identity", r"\(aider\) <", "aider", 0.9),
    ("coauthor-claude", "coauthor_trailer", r"^co-authored-by:.*noreply@anthropic\.com", "claude-code", 0.9),
    ("coauthor-aider", "coauthor_trailer", r"^co-authored-by:.*aider\.chat", "aider", 0.9),
    ("coauthor-cursor", "coauthor_trailer", r"^co-authored-by:.*cursoragent@cursor\.com|^made-with:\s*cursor", "cursor", 0.9),
    ("coauthor-codex", "coauthor_trailer", r"^co-authored-by:\s*codex\b.*openai\.com", "codex", 0.9),
    ("coauthor-copilot", "coauthor_trailer", r"^co-authored-by:.*copilot@users\.noreply\.github\.com", "copilot", 0.9),
    ("coauthor-devin", "coauthor_trailer", r"^co-authored-by:.*devin-ai-integration\[bot\]", "devin", 0.9),
    ("coauthor-jules", "coauthor_trailer", r"^co-authored-by:.*google-labs-jules\[bot\]", "jules", 0.9),
    ("session-claude", "session_trailer", r"^claude-session:", "claude-code", 0.8),
    ("session-replit", "session_trailer", r"^replit-commit-(session-id|author):", "replit", 0.8),
    ("subject-aider", "subject_prefix", r"^aider:\s", "aider", 0.7),
    ("pr-body-claude-code", "pr_marker", r"generated with \[?claude code", "claude-code", 0.6),
    ("pr-body-codex", "pr_marker", r"created with codex|codex task", "codex", 0.5),
    ("pr-label-ai", "pr_marker", r"^(ai[- ]assisted|ai[- ]generated|copilot|claude|cursor|codex)$", "unspecified", 0.5),
]


def seed(apps, schema_editor):
    rule_model = apps.get_model("evidence", "AttributionRule")
    for name, kind, pattern, tool, confidence in DEFAULT_RULES:
        rule_model.objects.get_or_create(
            name=name, defaults={"kind": kind, "pattern": pattern, "tool": tool, "confidence": confidence}
        )


def unseed(apps, schema_editor):
    apps.get_model("evidence", "AttributionRule").objects.filter(name__in=[rule[0] for rule in DEFAULT_RULES]).delete()


class Migration(migrations.Migration):
    dependencies = [("evidence", "0002_github_connection")]

    operations = [migrations.RunPython(seed, unseed)]

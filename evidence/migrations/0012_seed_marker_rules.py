"""Seed the attribution rules for the marker shapes tools write today (docs/repository-activity.md lists each), and
narrow two seeded co-author rules to the tools' own addresses.

Idempotent: a rule whose name exists already (seeded before, or made by an admin) is left as it is, and a pattern
is narrowed only while it still holds the seeded text. Reversible: only rows still holding the seeded pattern are
removed or widened back, so an admin's edited rule survives a rollback.
"""

from django.db import migrations

# (name, kind, case-insensitive pattern, tool, confidence). A group (?P<tool>…) names the tool from the text.
MARKER_RULES = [
    ("agent-openhands", "agent_identity", r"<openhands@all-hands\.dev>$", "openhands", 0.95),
    ("agent-codex-author", "agent_identity", r"<codex@openai\.com>$", "codex", 0.95),
    ("agent-gemini-code-assist", "agent_identity", r"gemini-code-assist\[bot\]", "gemini", 0.95),
    ("coauthor-claude-bot", "coauthor_trailer", r"^co-authored-by:.*\bclaude\[bot\]@users\.noreply\.github\.com", "claude-code", 0.9),
    ("coauthor-openai-codex", "coauthor_trailer", r"^co-authored-by:\s*openai codex\b.*\bnoreply@openai\.com", "codex", 0.9),
    ("coauthor-openhands", "coauthor_trailer", r"^co-authored-by:.*\bopenhands@all-hands\.dev", "openhands", 0.9),
    ("coauthor-amp", "coauthor_trailer", r"^co-authored-by:.*\bamp@ampcode\.com", "amp", 0.9),
    ("coauthor-opencode", "coauthor_trailer", r"^co-authored-by:.*\bnoreply@opencode\.ai", "opencode", 0.9),
    ("coauthor-gemini-code-assist", "coauthor_trailer", r"^co-authored-by:.*gemini-code-assist\[bot\]", "gemini", 0.9),
    ("generated-by-claude", "coauthor_trailer", r"^claude-(generated-by|steers|permission-prompts):", "claude-code", 0.9),
    ("assisted-by", "coauthor_trailer", r"^assisted-by:\s*(?P<tool>[a-z0-9][\w.-]*)", "unspecified", 0.85),
    ("session-claude-url", "session_trailer", r"^https?://claude\.ai/code/session_", "claude-code", 0.8),
    ("session-copilot", "session_trailer", r"^(copilot-session|agent-logs-url):", "copilot", 0.8),
    ("session-amp", "session_trailer", r"^amp-thread:", "amp", 0.8),
]

# (name, pattern seeded by evidence.0003, narrowed pattern): a person whose address is merely at the tool's domain
# (paul@aider.chat) or whose GitHub login ends in "copilot" is no tool.
NARROWED = [
    ("coauthor-aider", r"^co-authored-by:.*aider\.chat", r"^co-authored-by:.*[<\s](aider|noreply)@aider\.chat"),
    (
        "coauthor-copilot",
        r"^co-authored-by:.*copilot@users\.noreply\.github\.com",
        r"^co-authored-by:.*[<+]copilot@users\.noreply\.github\.com",
    ),
]


def seed(apps, schema_editor):
    rule_model = apps.get_model("evidence", "AttributionRule")
    for name, kind, pattern, tool, confidence in MARKER_RULES:
        rule_model.objects.get_or_create(
            name=name, defaults={"kind": kind, "pattern": pattern, "tool": tool, "confidence": confidence}
        )
    for name, seeded, narrowed in NARROWED:
        rule_model.objects.filter(name=name, pattern=seeded).update(pattern=narrowed)


def unseed(apps, schema_editor):
    rule_model = apps.get_model("evidence", "AttributionRule")
    for name, seeded, narrowed in NARROWED:
        rule_model.objects.filter(name=name, pattern=narrowed).update(pattern=seeded)
    for name, _kind, pattern, _tool, _confidence in MARKER_RULES:
        rule_model.objects.filter(name=name, pattern=pattern).delete()


class Migration(migrations.Migration):
    dependencies = [("evidence", "0011_commit_tool_signals")]

    operations = [migrations.RunPython(seed, unseed)]

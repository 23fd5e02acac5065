"""Attributions stored before credit followed the author: an agent identity that matched only the committer becomes
the committed_by_tool signal. The stored evidence is the identity text that matched, so no rule is re-run.

Commits whose messages carried trailers outside git's trailer block are re-read by importing the clone again.
"""

from django.db import migrations


def committer_only_to_signal(apps, schema_editor):
    attribution_model = apps.get_model("evidence", "CommitAttribution")
    commit_model = apps.get_model("evidence", "Commit")
    rows = attribution_model.objects.filter(kind="agent_identity").select_related("commit")
    for row in rows.iterator():
        commit = row.commit
        author = f"{commit.author_name} <{commit.author_email}>"[:500]
        committer = f"{commit.committer_name} <{commit.committer_email}>"[:500]
        if row.evidence == committer and row.evidence != author:
            commit_model.objects.filter(pk=commit.pk).update(committed_by_tool=row.tool[:40])
            row.delete()


class Migration(migrations.Migration):
    dependencies = [("evidence", "0012_seed_marker_rules")]

    operations = [migrations.RunPython(committer_only_to_signal, migrations.RunPython.noop)]

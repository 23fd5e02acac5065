"""Usage imports write in bulk: facts and raw records without database foreign keys, the raw key leading."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('evidence', '0007_merge_moves_review_comments_fact_indexes'),
        ('reviews', '0003_run_facts_build'),
    ]

    operations = [
        migrations.AlterField(
            model_name='rawrecord',
            name='batch',
            field=models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.PROTECT, related_name='raw_records', to='evidence.importbatch'),
        ),
        migrations.AlterField(
            model_name='tooloutcomefact',
            name='actor',
            field=models.ForeignKey(db_constraint=False, db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name='outcome_facts', to='evidence.sourceactor'),
        ),
        migrations.AlterField(
            model_name='tooloutcomefact',
            name='person',
            field=models.ForeignKey(blank=True, db_constraint=False, db_index=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='outcome_facts', to='reviews.person'),
        ),
        migrations.AlterField(
            model_name='usagefact',
            name='actor',
            field=models.ForeignKey(db_constraint=False, db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name='usage_facts', to='evidence.sourceactor'),
        ),
        migrations.AlterField(
            model_name='usagefact',
            name='person',
            field=models.ForeignKey(blank=True, db_constraint=False, db_index=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='usage_facts', to='reviews.person'),
        ),
        migrations.RemoveConstraint(
            model_name='rawrecord',
            name='raw_record_natural_key',
        ),
        migrations.AddConstraint(
            model_name='rawrecord',
            constraint=models.UniqueConstraint(fields=('natural_key', 'source'), name='raw_record_natural_key'),
        ),
    ]

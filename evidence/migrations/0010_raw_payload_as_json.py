"""Raw record payloads as json text on PostgreSQL (evidence.models.usage.PayloadField)."""

import evidence.models.usage
from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('evidence', '0009_deleted_person_unresolves_actors'),
    ]

    operations = [
        migrations.AlterField(
            model_name='rawrecord',
            name='payload',
            field=evidence.models.usage.PayloadField(),
        ),
    ]

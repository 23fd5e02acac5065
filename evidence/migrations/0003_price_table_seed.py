from decimal import Decimal

from django.db import migrations

# List prices per million tokens as the providers published them; admins edit or extend them in the admin.
PRICES = [
    # model, valid from, input, cache read, cache write, output
    ("claude-sonnet-4-5", "2025-09-29", "3", "0.30", "3.75", "15"),
    ("claude-opus-4-1", "2025-08-05", "15", "1.50", "18.75", "75"),
    ("claude-haiku-4-5", "2025-10-15", "1", "0.10", "1.25", "5"),
    ("gpt-5", "2025-08-07", "1.25", "0.125", "1.25", "10"),
    ("gpt-4.1", "2025-04-14", "2", "0.50", "2", "8"),
]


def seed(apps, schema_editor):
    PriceEntry = apps.get_model("evidence", "PriceEntry")
    for model, valid_from, input_, cache_read, cache_write, output in PRICES:
        PriceEntry.objects.get_or_create(
            model=model,
            valid_from=valid_from,
            defaults={
                "input_per_mtok": Decimal(input_),
                "cache_read_per_mtok": Decimal(cache_read),
                "cache_write_per_mtok": Decimal(cache_write),
                "output_per_mtok": Decimal(output),
            },
        )


class Migration(migrations.Migration):
    dependencies = [("evidence", "0002_import_batch_summary")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]

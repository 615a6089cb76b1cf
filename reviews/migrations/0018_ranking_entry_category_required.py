"""The entry's category required, and indexed with its table: the overview's count of
a table's entries per category reads one range of this index per (table, category),
where it probed the entries' (case, table) index once per case of the campaign (that
index goes: nothing else reads it)."""

import importlib

import django.db.models.deletion
from django.db import migrations, models

# SQLite rebuilds the entries' table to make the column required, and refuses the
# rename at its end while the tables' trigger reads the entries: off, then on again.
_triggers = importlib.import_module("reviews.migrations.0003_ranking_gapless_trigger")


def triggers_off(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        _triggers.backwards(apps, schema_editor)


def triggers_on(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        _triggers.forwards(apps, schema_editor)


class Migration(migrations.Migration):
    dependencies = [
        ("applications", "0017_case_draft_missing_and_list_indexes"),
        ("reviews", "0017_ranking_entry_category"),
    ]

    operations = [
        migrations.RunPython(triggers_off, triggers_on),
        migrations.AlterField(
            model_name="rankingentry",
            name="category",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="applications.category",
                verbose_name="征集类别",
            ),
        ),
        migrations.RemoveIndex(model_name="rankingentry", name="ranking_entry_case_table"),
        migrations.AddIndex(
            model_name="rankingentry",
            index=models.Index(fields=["table", "category"], name="ranking_entry_table_category"),
        ),
        migrations.RunPython(triggers_on, triggers_off),
    ]

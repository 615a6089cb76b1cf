"""Each ranking entry holds its case's category (filled here from the cases), so that
the province's overview counts a table's entries per category from one index range.
Required in the next migration: on PostgreSQL a column cannot be altered in the
transaction that filled it while its foreign-key checks are still pending."""

import importlib

import django.db.models.deletion
from django.db import migrations, models
from django.db.models import OuterRef, Subquery

# Undone, SQLite rebuilds the entries' table without the column, and refuses the rename
# at its end while the tables' trigger reads the entries: off around it (adding the
# column needs no rebuild).
_triggers = importlib.import_module("reviews.migrations.0003_ranking_gapless_trigger")


def triggers_on(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        _triggers.forwards(apps, schema_editor)


def triggers_off(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        _triggers.backwards(apps, schema_editor)


def fill_categories(apps, schema_editor):
    Case = apps.get_model("applications", "Case")
    RankingEntry = apps.get_model("reviews", "RankingEntry")
    RankingEntry.objects.update(category_id=Subquery(Case.objects.filter(pk=OuterRef("case_id")).values("category_id")))


class Migration(migrations.Migration):
    dependencies = [
        ("applications", "0017_case_draft_missing_and_list_indexes"),
        ("reviews", "0016_result_row_round_list"),
    ]

    operations = [
        migrations.RunPython(migrations.RunPython.noop, triggers_on),
        migrations.AddField(
            model_name="rankingentry",
            name="category",
            field=models.ForeignKey(
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="applications.category",
                verbose_name="征集类别",
            ),
        ),
        migrations.RunPython(fill_categories, triggers_off),
    ]

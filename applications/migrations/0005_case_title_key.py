from django.db import migrations, models

from core.text import comparison_key


def fill_title_keys(apps, schema_editor):
    """Give every existing case its comparison key. Cases entered before the rule may
    already collide (the same name twice in one unit and campaign): the first keeps the
    key, each later one gets "（id）" appended to its key only, so this migration never
    fails on real data and no title anybody sees is changed. A later rename in the
    editor recomputes the key and then meets the rule like any other."""
    Case = apps.get_model("applications", "Case")
    seen = set()
    for case in Case.objects.order_by("id").only("id", "campaign_id", "unit_id", "title").iterator():
        try:
            key = comparison_key(case.title)
        except Exception:  # a title that cannot be normalised (NUL) is compared as is
            key = case.title.replace("\x00", "").casefold()
        if key and (case.campaign_id, case.unit_id, key) in seen:
            key = f"{key}（{case.id}）"
        seen.add((case.campaign_id, case.unit_id, key))
        Case.objects.filter(pk=case.pk).update(title_key=key)


class Migration(migrations.Migration):
    dependencies = [
        ("applications", "0004_sync_case_permissions_38d4891805be"),
    ]

    operations = [
        migrations.AddField(
            model_name="case",
            name="title_key",
            field=models.CharField(default="", editable=False, max_length=2000, verbose_name="案例名称比对键"),
        ),
        migrations.RunPython(fill_title_keys, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="case",
            constraint=models.UniqueConstraint(
                condition=models.Q(("title_key", ""), _negated=True),
                fields=("campaign", "unit", "title_key"),
                name="case_title_unique_in_unit_and_campaign",
            ),
        ),
    ]

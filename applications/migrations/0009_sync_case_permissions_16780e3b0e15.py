"""Rebuild every case's object permissions: the province may now decide a case that is
not selected (reconsider_selection, until the 公示), so NOT_SELECTED grants it
decide_case. See 0006 for why these migrations exist."""

from django.db import migrations

from applications.lifecycle.grants import rebuild_case_permissions

GRANT_TABLE = "16780e3b0e15"


class Migration(migrations.Migration):
    dependencies = [
        ("applications", "0008_campaign_setting_change"),
        ("reviews", "0006_selection_rules_and_aggregation_threshold"),
    ]

    operations = [migrations.RunPython(rebuild_case_permissions, migrations.RunPython.noop)]

"""Rebuild every case's object permissions from the grant table
(applications/lifecycle/grants.py) as it stands at this migration.

The rows are derived data: when the table changes, a new migration like this one,
named after the table's fingerprint, brings existing cases in line (cases in final
states never move again, so nothing else would). tests/workflow/test_permissions.py
fails while the newest such migration names another fingerprint.
"""

from django.db import migrations

from applications.lifecycle.grants import rebuild_case_permissions

GRANT_TABLE = "38d4891805be"


class Migration(migrations.Migration):
    dependencies = [
        ("applications", "0003_selection_quota"),
        # The assigned experts are among the holders.
        ("reviews", "0005_assignment_stage_required"),
    ]

    operations = [migrations.RunPython(rebuild_case_permissions, migrations.RunPython.noop)]

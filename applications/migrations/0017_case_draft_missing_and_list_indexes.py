"""The draft's stored summary of what it lacks (applications.missing) and the indexes
the applicant's and the authority's dashboards count and list from.

The two new columns land after the narratives on SQLite; lists read them, so the
narratives are named last again (see 0012_case_narratives_stored_last)."""

import importlib

from django.conf import settings
from django.db import migrations, models

StoreColumnsLast = importlib.import_module("applications.migrations.0012_case_narratives_stored_last").StoreColumnsLast


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0006_notifications_and_mail_templates'),
        ('applications', '0016_case_state_category_title_index'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name='case',
            name='application_unit_id_a220bc_idx',
        ),
        migrations.AddField(
            model_name='case',
            name='missing',
            field=models.JSONField(blank=True, default=list, editable=False, verbose_name='待补内容'),
        ),
        migrations.AddField(
            model_name='case',
            name='missing_key',
            field=models.CharField(blank=True, default='', editable=False, max_length=200, verbose_name='待补内容依据'),
        ),
        StoreColumnsLast(model_name="case", fields=["figures", "header", "sections"]),
        migrations.AddIndex(
            model_name='case',
            index=models.Index(fields=['unit', 'state', 'campaign', 'id'], name='case_unit_state_campaign'),
        ),
        migrations.AddIndex(
            model_name='case',
            index=models.Index(fields=['unit', 'updated_at', 'id'], name='case_unit_recent_first'),
        ),
        migrations.AddIndex(
            model_name='case',
            index=models.Index(fields=['authority', 'state', 'id'], name='case_authority_any_state'),
        ),
    ]

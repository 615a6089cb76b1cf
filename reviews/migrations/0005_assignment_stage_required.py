"""Assignments made before review stages existed belong to a first round 初评."""

import django.db.models.deletion
from django.db import migrations, models


def attach_to_first_round(apps, schema_editor):
    ExpertAssignment = apps.get_model("reviews", "ExpertAssignment")
    ReviewStage = apps.get_model("reviews", "ReviewStage")
    for assignment in ExpertAssignment.objects.filter(stage__isnull=True).select_related("case"):
        stage, _created = ReviewStage.objects.get_or_create(
            campaign_id=assignment.case.campaign_id, order=1, defaults={"name": "初评", "status": "open"}
        )
        assignment.stage = stage
        assignment.save(update_fields=["stage"])


class Migration(migrations.Migration):
    dependencies = [("reviews", "0004_expert_review")]
    operations = [
        migrations.RunPython(attach_to_first_round, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="expertassignment",
            name="stage",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="assignments",
                to="reviews.reviewstage",
                verbose_name="评审轮次",
            ),
        ),
    ]

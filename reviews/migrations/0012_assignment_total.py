from decimal import Decimal

from django.db import migrations, models

from reviews.experts.aggregation import CriterionSpec, assignment_figures


def fill_totals(apps, schema_editor):
    """Every submitted review gets the total and gate the results computed from its
    scores until now (the same pure function)."""
    ExpertAssignment = apps.get_model("reviews", "ExpertAssignment")
    Criterion = apps.get_model("reviews", "Criterion")
    Score = apps.get_model("reviews", "Score")
    specs_by_rubric: dict[int, list[CriterionSpec]] = {}
    for c in Criterion.objects.order_by("position", "id"):
        specs_by_rubric.setdefault(c.rubric_id, []).append(
            CriterionSpec(id=c.pk, weight=c.weight, max_score=c.max_score, is_gate=c.kind == "gate")
        )
    submitted = ExpertAssignment.objects.filter(submitted_at__isnull=False).select_related("stage__campaign__rubric")
    changed = []
    for assignment in submitted.iterator(chunk_size=2000):
        values, gates = {}, {}
        for criterion_id, value, passed in Score.objects.filter(assignment=assignment).values_list(
            "criterion_id", "value", "passed"
        ):
            if value is not None:
                values[criterion_id] = Decimal(value)
            if passed is not None:
                gates[criterion_id] = passed
        specs = specs_by_rubric.get(assignment.stage.campaign.rubric.pk, [])
        assignment.total, assignment.failed_gate = assignment_figures(criteria=specs, values=values, gates=gates)
        changed.append(assignment)
    ExpertAssignment.objects.bulk_update(changed, ["total", "failed_gate"], batch_size=1000)


class Migration(migrations.Migration):
    dependencies = [
        ("reviews", "0011_assignment_progress_indexes"),
    ]

    operations = [
        migrations.AddField(
            model_name="expertassignment",
            name="failed_gate",
            field=models.BooleanField(default=False, verbose_name="否决项不通过"),
        ),
        migrations.AddField(
            model_name="expertassignment",
            name="total",
            field=models.DecimalField(blank=True, decimal_places=2, max_digits=5, null=True, verbose_name="加权得分"),
        ),
        migrations.AddIndex(
            model_name="expertassignment",
            index=models.Index(
                fields=["stage", "case", "submitted_at", "total", "failed_gate"], name="assignment_stage_case_total"
            ),
        ),
        migrations.RunPython(fill_totals, migrations.RunPython.noop),
    ]

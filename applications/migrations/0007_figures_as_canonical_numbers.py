"""Figures already stored are rewritten canonically (applications.figures): "1,286.5" as
"1286.50", "-0" as "0", full-width digits as ASCII. A value that does not parse under its
form version's rule is kept as typed: it is a draft's problem, reported at submission."""

from django.core.exceptions import ValidationError
from django.db import migrations


def canonicalise(apps, schema_editor):
    from applications.figures import FigureRule, figure_parts, parse_figure, stored_parts

    Case = apps.get_model("applications", "Case")
    for case in Case.objects.select_related("schema").only("figures", "schema__definition").iterator():
        figures = dict(case.figures or {})
        changed = False
        for spec in case.schema.definition.get("figures", []):
            if spec["key"] not in figures:
                continue
            rule = FigureRule.of(spec)
            parts = stored_parts(spec, figures[spec["key"]])
            values = {}
            for (part, _suffix), raw in zip(figure_parts(spec), parts.values(), strict=True):
                try:
                    values[part] = parse_figure(raw, rule, name=spec["key"])
                except ValidationError:
                    values[part] = raw if raw is not None else ""
            new = values[""] if "" in values else values
            if new != figures[spec["key"]]:
                figures[spec["key"]] = new
                changed = True
        if changed:
            Case.objects.filter(pk=case.pk).update(figures=figures)


class Migration(migrations.Migration):
    dependencies = [("applications", "0006_sync_case_permissions_38d4891805be")]

    operations = [migrations.RunPython(canonicalise, migrations.RunPython.noop)]

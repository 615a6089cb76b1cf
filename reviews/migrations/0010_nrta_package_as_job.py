"""The NRTA package becomes a long job of core (core/jobs.py: progress, state, file):
the packages already built are carried over as jobs, their files left where they are."""

from django.db import migrations

STATUS_LABELS = {"queued": "排队中", "running": "生成中", "done": "已完成", "failed": "失败"}


def packages_to_jobs(apps, schema_editor):
    NrtaPackage = apps.get_model("reviews", "NrtaPackage")
    Job = apps.get_model("core", "Job")
    for package in NrtaPackage.objects.select_related("campaign").order_by("id"):
        job = Job.objects.create(
            kind="nrta_package",
            scope=f"campaign:{package.campaign_id}",
            params={"campaign": package.campaign_id},
            title=f"{package.campaign.year} 年度推荐材料包",
            status=package.status,
            done=package.case_count,
            total=package.case_count,
            error=package.error,
            file=package.file.name if package.file else "",
            filename=f"{package.campaign.year}年广播电视媒体融合典型案例推荐材料.zip",
            size=package.size,
            requested_by_id=package.requested_by_id,
            finished_at=package.finished_at,
        )
        # requested_at is auto_now_add: keep the original time.
        Job.objects.filter(pk=job.pk).update(requested_at=package.requested_at)


class Migration(migrations.Migration):
    dependencies = [
        ("reviews", "0009_reminders_and_league_weights"),
        ("core", "0001_jobs"),
    ]

    operations = [
        migrations.RunPython(packages_to_jobs, migrations.RunPython.noop),
        migrations.DeleteModel(name="NrtaPackage"),
    ]

"""Changes made in the Django admin (organisations, accounts, and the campaign's
settings: rubric, rounds, panels, quotas) are recorded from the admin's own change log,
so no ModelAdmin can forget to."""

from django.contrib.admin.models import ADDITION, CHANGE, DELETION, LogEntry
from django.db.models.signals import post_save
from django.dispatch import receiver

import audit

ADMIN_ACTIONS = {ADDITION: "admin.added", CHANGE: "admin.changed", DELETION: "admin.deleted"}


@receiver(post_save, sender=LogEntry, dispatch_uid="audit_admin_log_entry")
def admin_change_recorded(sender, instance: LogEntry, created: bool, **kwargs) -> None:
    if not created:
        return
    content_type = instance.content_type
    label = f"{content_type.app_label}.{content_type.model}" if content_type else ""
    audit.record(
        actor=instance.user,
        action=ADMIN_ACTIONS.get(instance.action_flag, "admin.changed"),
        obj=(label, instance.object_id or "", instance.object_repr),
        change=instance.get_change_message(),
    )

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from workflow.graph import action_label, state_label
from workflow.machines import all_machines


class AppendOnlyError(Exception):
    """Raised on any attempt to change or remove a transition record."""


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError("transition records cannot be updated")

    def delete(self):
        raise AppendOnlyError("transition records cannot be deleted")

    def bulk_update(self, objs, fields, batch_size=None):
        raise AppendOnlyError("transition records cannot be updated")


class TransitionRecord(models.Model):
    """One step in a subject's life: who moved it, when, from where to where, and why.

    Each machine's subjects are pointed at by a foreign key of their own (`case`,
    `campaign`; exactly one is set), not a generic relation: the audit trail keeps real
    foreign keys that protect what it records from deletion.

    Append-only. The ORM refuses updates and deletes, the admin shows it read-only,
    and a database trigger (migration 0002) refuses UPDATE from any client.
    """

    case = models.ForeignKey(
        "applications.Case",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="transitions",
        verbose_name=_("申报案例"),
    )
    campaign = models.ForeignKey(
        "applications.Campaign",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="transitions",
        verbose_name=_("征集活动"),
    )
    action = models.CharField(_("操作"), max_length=40)
    # The subject's own state names; their labels come from its machine.
    from_state = models.CharField(_("原状态"), max_length=30)
    to_state = models.CharField(_("新状态"), max_length=30)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("操作人")
    )
    # The actor's organisation at the time: people move, the record must not.
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, null=True, related_name="+", verbose_name=_("操作机构")
    )
    comment = models.TextField(_("意见"), blank=True)
    # What the applicant submitted with this step (title, header, sections, figures), for
    # the transitions that say so: a resubmission is compared with the submission before.
    snapshot = models.JSONField(_("提交内容"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("时间"), default=timezone.now, editable=False, db_index=True)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        verbose_name = _("流转记录")
        verbose_name_plural = _("流转记录")
        ordering = ["created_at", "id"]
        default_permissions = ("view",)
        constraints = [
            models.CheckConstraint(
                name="transition_record_has_one_subject",
                condition=models.Q(case__isnull=False, campaign__isnull=True)
                | models.Q(case__isnull=True, campaign__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        subject = self.case_id or f"campaign {self.campaign_id}"
        return f"{subject}: {self.from_state} → {self.to_state} ({self.action})"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise AppendOnlyError("transition records cannot be updated")
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("transition records cannot be deleted")

    @property
    def subject_model(self):
        return next(m.model for m in all_machines() if getattr(self, f"{m.record_field}_id", None) is not None)

    @property
    def action_label(self) -> str:
        return action_label(self.subject_model, self.action)

    @property
    def from_state_label(self) -> str:
        return state_label(self.subject_model, self.from_state)

    @property
    def to_state_label(self) -> str:
        return state_label(self.subject_model, self.to_state)


class SectionComment(models.Model):
    """A reviewer's comment on one section of the form, given with a transition (a
    return for revision), shown to the applicant next to that section. Append-only
    like the record it belongs to."""

    record = models.ForeignKey(
        TransitionRecord, on_delete=models.PROTECT, related_name="section_comments", verbose_name=_("流转记录")
    )
    section_key = models.CharField(_("部分"), max_length=40)
    text = models.TextField(_("意见"))

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        verbose_name = _("分项意见")
        verbose_name_plural = _("分项意见")
        ordering = ["record", "id"]
        default_permissions = ("view",)
        constraints = [
            models.UniqueConstraint(fields=["record", "section_key"], name="one_comment_per_section_and_record"),
        ]

    def __str__(self) -> str:
        return f"{self.record_id}/{self.section_key}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise AppendOnlyError("section comments cannot be updated")
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("section comments cannot be deleted")

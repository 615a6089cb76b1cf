"""The security audit log: one append-only table, each record chained to the one before
by a keyed hash (see audit/chain.py), refused UPDATE and young DELETE by a database
trigger (migration 0002), and on PostgreSQL not writable but by INSERT for the runtime
role (README, "The audit log")."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Result(models.TextChoices):
    OK = "ok", _("成功")
    FAILED = "failed", _("失败")
    REFUSED = "refused", _("拒绝")


class AuditRecord(models.Model):
    # The position in the chain: 1, 2, 3 … with no gap (a gap is a deleted record).
    seq = models.PositiveBigIntegerField(_("序号"), unique=True)
    at = models.DateTimeField(_("时间"), default=timezone.now, db_index=True)
    # The subject: an id and the name it had, not a foreign key (a deleted account must
    # not change, nor be prevented by, its records).
    actor_id = models.BigIntegerField(_("用户ID"), null=True, blank=True, db_index=True)
    actor_name = models.CharField(_("用户"), max_length=150, blank=True)
    action = models.CharField(_("事件"), max_length=60, db_index=True)
    result = models.CharField(_("结果"), max_length=10, choices=Result.choices, default=Result.OK)
    object_type = models.CharField(_("对象类型"), max_length=60, blank=True)
    object_id = models.CharField(_("对象ID"), max_length=64, blank=True)
    object_repr = models.CharField(_("对象"), max_length=200, blank=True)
    address = models.GenericIPAddressField(_("地址"), null=True, blank=True)
    details = models.JSONField(_("详情"), default=dict, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    class Meta:
        verbose_name = _("审计记录")
        verbose_name_plural = _("审计记录")
        ordering = ["-seq"]
        default_permissions = ()

    def __str__(self) -> str:
        return f"#{self.seq} {self.action}"

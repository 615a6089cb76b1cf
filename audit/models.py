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


# What each action means, for the audit page and its export (an unknown one shows its code).
ACTION_LABELS = {
    "auth.login": _("登录"),
    "auth.logout": _("退出"),
    "auth.locked_out": _("账号或地址被锁定"),
    "auth.unlocked": _("解除锁定"),
    "auth.session_ended": _("会话结束"),
    "password.changed": _("修改密码"),
    "password.reset_requested": _("申请重置密码"),
    "password.reset": _("重置密码"),
    "otp.device_added": _("绑定动态口令"),
    "otp.verified": _("动态口令验证"),
    "otp.recovery_codes_renewed": _("重新生成恢复码"),
    "otp.reset": _("清除动态口令设备"),
    "account.created": _("创建账号"),
    "role.changed": _("变更角色"),
    "membership.changed": _("变更机构成员关系"),
    "admin.added": _("后台新增"),
    "admin.changed": _("后台修改"),
    "admin.deleted": _("后台删除"),
    "file.downloaded": _("下载或导出文件"),
    "registration.submitted": _("单位注册"),
    "registration.approved": _("注册审核通过"),
    "registration.rejected": _("注册审核不通过"),
    "score.reopened": _("重开专家评分"),
    "ranking.changed": _("调整推荐排序"),
    "ranking.submitted": _("报送推荐排序表"),
    "ranking.returned": _("退回推荐排序表"),
    "audit.exported": _("导出审计日志"),
    "audit.purged": _("清理过期审计记录"),
}


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

    @property
    def action_label(self) -> str:
        return str(ACTION_LABELS.get(self.action, self.action))

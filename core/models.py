"""The one model of core: a job of the background worker that reports its progress and
ends with a file (core/jobs.py): the NRTA package, a large list exported to Excel."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class JobStatus(models.TextChoices):
    QUEUED = "queued", _("排队中")
    RUNNING = "running", _("生成中")
    DONE = "done", _("已完成")
    FAILED = "failed", _("失败")


PENDING = (JobStatus.QUEUED, JobStatus.RUNNING)


class Job(models.Model):
    # Which runner builds it (core.jobs.register_kind), and what it is about ("campaign:3"):
    # a page lists the jobs of its kind and scope; the same request while one is pending
    # gets that one back.
    kind = models.CharField(_("类型"), max_length=40)
    scope = models.CharField(_("范围"), max_length=100, blank=True)
    params = models.JSONField(_("参数"), default=dict, blank=True)
    title = models.CharField(_("名称"), max_length=200)
    status = models.CharField(_("状态"), max_length=10, choices=JobStatus.choices, default=JobStatus.QUEUED)
    done = models.PositiveIntegerField(_("已完成"), default=0)
    total = models.PositiveIntegerField(_("总数"), default=0)
    error = models.TextField(_("失败原因"), blank=True)
    file = models.FileField(_("文件"), upload_to="jobs/", blank=True, max_length=200)
    filename = models.CharField(_("下载文件名"), max_length=200, blank=True)
    size = models.PositiveBigIntegerField(_("大小（字节）"), null=True, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("申请人")
    )
    requested_at = models.DateTimeField(_("申请时间"), auto_now_add=True)
    started_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("后台任务")
        verbose_name_plural = _("后台任务")
        ordering = ["-requested_at", "-id"]
        indexes = [models.Index(fields=["kind", "scope", "-requested_at"], name="core_job_kind_scope")]

    def __str__(self) -> str:
        return f"{self.title} · {self.get_status_display()}"

    @property
    def pending(self) -> bool:
        return self.status in PENDING

    @property
    def percent(self) -> int:
        if self.status == JobStatus.DONE:
            return 100
        return min(100, self.done * 100 // self.total) if self.total else 0

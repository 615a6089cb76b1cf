from django.conf import settings
from django.db import models
from django.db.models import F
from django.db.models.lookups import Exact
from django.utils.translation import gettext_lazy as _

from accounts.enums import NotificationEvent


class ReminderRecord(models.Model):
    """One reminder sent: to whom (a unit, an authority, or an expert in a stage, named
    by `key`) of what, in which campaign. The unique constraint is what makes a
    reminder go once however often the scheduler runs."""

    kind = models.CharField(_("提醒类型"), max_length=40, choices=NotificationEvent.choices)
    campaign = models.ForeignKey(
        "applications.Campaign", on_delete=models.CASCADE, related_name="reminders", verbose_name=_("征集活动")
    )
    # "unit:12", "authority:3", "expert:5:stage:2": whom, in the kind's own terms.
    key = models.CharField(_("对象"), max_length=100)
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    expert = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    sent_at = models.DateTimeField(_("发送时间"), auto_now_add=True)
    mails = models.PositiveIntegerField(_("邮件数"), default=0)

    class Meta:
        verbose_name = _("催报提醒记录")
        verbose_name_plural = _("催报提醒记录")
        constraints = [models.UniqueConstraint(fields=["kind", "campaign", "key"], name="reminder_sent_once")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.key}"


class LeagueWeights(models.Model):
    """The weights of the authorities' league table (seed 000: 15/15/50/20, here
    报送数量/按时报送/入选质量/专家评分), set by the province for each campaign; the
    four sum to 100."""

    campaign = models.OneToOneField(
        "applications.Campaign", on_delete=models.CASCADE, related_name="league_weights", verbose_name=_("征集活动")
    )
    submissions = models.PositiveSmallIntegerField(_("报送数量（%）"), default=15)
    timeliness = models.PositiveSmallIntegerField(_("按时报送（%）"), default=15)
    selections = models.PositiveSmallIntegerField(_("入选质量（%）"), default=50)
    scores = models.PositiveSmallIntegerField(_("专家评分（%）"), default=20)

    class Meta:
        verbose_name = _("推荐单位排行权重")
        verbose_name_plural = _("推荐单位排行权重")
        constraints = [
            models.CheckConstraint(
                name="league_weights_sum_100",
                condition=Exact(F("submissions") + F("timeliness") + F("selections") + F("scores"), 100),
            )
        ]

    def __str__(self) -> str:
        return str(self.campaign_id)

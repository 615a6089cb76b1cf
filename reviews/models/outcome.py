from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from reviews.enums import PublicationKind, QuotaMode


class Publication(models.Model):
    """The 公示 (public notice, with a period for objections) or the final 通报 of a
    campaign's selected cases. Applicants learn their outcome from the 公示 on."""

    campaign = models.ForeignKey(
        "applications.Campaign", on_delete=models.CASCADE, related_name="publications", verbose_name=_("征集活动")
    )
    kind = models.CharField(_("类型"), max_length=20, choices=PublicationKind.choices)
    title = models.CharField(_("标题"), max_length=200)
    document_number = models.CharField(_("文号"), max_length=100, blank=True)
    # The 公文 around the list (GB/T 9704): who issues it, to whom, what it says, when.
    issuer = models.CharField(_("发文机关"), max_length=50, blank=True)
    addressee = models.CharField(_("主送机关"), max_length=300, blank=True)
    body = models.TextField(_("正文"), blank=True)
    issued_on = models.DateField(_("成文日期"), null=True, blank=True)
    starts_on = models.DateField(_("公示开始"), null=True, blank=True)
    ends_on = models.DateField(_("公示结束"), null=True, blank=True)
    published_at = models.DateTimeField(_("发布时间"))
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("发布人")
    )

    class Meta:
        verbose_name = _("公示与通报")
        verbose_name_plural = _("公示与通报")
        constraints = [
            models.UniqueConstraint(fields=["campaign", "kind"], name="one_publication_of_a_kind_per_campaign"),
            models.CheckConstraint(
                name="notice_has_a_period",
                condition=~Q(kind=PublicationKind.NOTICE) | Q(starts_on__isnull=False, ends_on__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return self.title


class Objection(models.Model):
    """An objection 异议 received during the 公示, and the province's answer."""

    publication = models.ForeignKey(
        Publication, on_delete=models.PROTECT, related_name="objections", verbose_name=_("公示")
    )
    case = models.ForeignKey(
        "applications.Case", on_delete=models.PROTECT, related_name="objections", verbose_name=_("申报案例")
    )
    objector = models.CharField(_("异议人（单位）"), max_length=100)
    contact = models.CharField(_("联系方式"), max_length=100, blank=True)
    content = models.TextField(_("异议内容"))
    received_at = models.DateTimeField(_("收到时间"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("登记人")
    )
    answer = models.TextField(_("处理意见"), blank=True)
    answered_at = models.DateTimeField(_("处理时间"), null=True, blank=True)
    # An upheld objection (异议成立) withdraws the case's selection, with a transition record.
    upheld = models.BooleanField(_("异议成立"), default=False)

    class Meta:
        verbose_name = _("异议")
        verbose_name_plural = _("异议")
        ordering = ["received_at", "id"]

    def __str__(self) -> str:
        return f"{self.case} · {self.objector}"


def _quota(label):
    return models.PositiveSmallIntegerField(label, null=True, blank=True)


class SelectionRules(models.Model):
    """The campaign's rules of the selection that the services enforce: how quotas bind,
    the optional caps per recommending authority and per applicant unit by its level,
    and the shortest 公示. The per-category quotas are Category.selection_quota.
    A campaign without a row has the defaults (selection_rules_for)."""

    campaign = models.OneToOneField(
        "applications.Campaign", on_delete=models.CASCADE, related_name="selection_rules", verbose_name=_("征集活动")
    )
    category_quota_mode = models.CharField(
        _("类别名额"), max_length=10, choices=QuotaMode.choices, default=QuotaMode.HARD
    )
    authority_quota = _quota(_("每个推荐单位最多入选（个）"))
    authority_quota_mode = models.CharField(
        _("推荐单位名额"), max_length=10, choices=QuotaMode.choices, default=QuotaMode.HARD
    )
    provincial_unit_quota = _quota(_("每个省级单位最多入选（个）"))
    city_unit_quota = _quota(_("每个市级单位最多入选（个）"))
    county_unit_quota = _quota(_("每个县级单位最多入选（个）"))
    unit_quota_mode = models.CharField(
        _("申报单位名额"), max_length=10, choices=QuotaMode.choices, default=QuotaMode.HARD
    )
    notice_min_days = models.PositiveSmallIntegerField(_("公示期最短天数"), default=7)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("入选规则")
        verbose_name_plural = _("入选规则")
        constraints = [
            models.CheckConstraint(name="notice_lasts_a_day_at_least", condition=Q(notice_min_days__gte=1)),
        ]

    def __str__(self) -> str:
        return f"{self.campaign}"


class NrtaEntry(models.Model):
    """A case recommended to the national selection, in the province's order."""

    campaign = models.ForeignKey(
        "applications.Campaign", on_delete=models.CASCADE, related_name="nrta_entries", verbose_name=_("征集活动")
    )
    case = models.OneToOneField(
        "applications.Case", on_delete=models.PROTECT, related_name="nrta_entry", verbose_name=_("申报案例")
    )
    rank = models.PositiveIntegerField(_("推荐顺序"))

    class Meta:
        verbose_name = _("推荐总局案例")
        verbose_name_plural = _("推荐总局案例")
        ordering = ["campaign", "rank"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "rank"], name="one_case_per_nrta_rank"),
            models.CheckConstraint(name="nrta_rank_starts_at_one", condition=Q(rank__gte=1)),
        ]

    def __str__(self) -> str:
        return f"{self.rank}. {self.case_id}"

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from reviews.enums import RankingTableStatus


class RankingTable(models.Model):
    """An authority's recommendation ranking table 推荐排序表 for one campaign.

    Once submitted it is locked: the authority's recommendations move on to the
    province, and only the province can return it. A case that reaches the authority
    after its table went (an extension, a case the province returned) goes into a
    supplementary table 补充推荐表: the next `sequence` (1 is the main table). An
    authority has at most one table open at a time (reviews/ranking/services.py).
    """

    campaign = models.ForeignKey(
        "applications.Campaign", on_delete=models.PROTECT, related_name="ranking_tables", verbose_name=_("征集活动")
    )
    authority = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="ranking_tables", verbose_name=_("推荐单位")
    )
    # 1: the main table 推荐排序表; 2, 3 …: supplementary tables 补充推荐表.
    sequence = models.PositiveSmallIntegerField(_("序号"), default=1)
    status = models.CharField(
        _("状态"), max_length=20, choices=RankingTableStatus.choices, default=RankingTableStatus.DRAFT
    )
    submitted_at = models.DateTimeField(_("报送时间"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("报送人"),
    )
    return_reason = models.TextField(_("退回理由"), blank=True)
    # Bumped by every change of the order. A database trigger (migration 0003) checks,
    # whenever this row changes, that the table's ranks run 1..n without gaps.
    order_version = models.PositiveIntegerField(_("排序版本"), default=0)
    stamped_scan = models.FileField(_("盖章扫描件"), upload_to="ranking-tables/", blank=True, max_length=200)
    scan_name = models.CharField(_("扫描件文件名"), max_length=200, blank=True)
    # The order the stamped paper showed: a scan of an older order does not count.
    scan_order_version = models.PositiveIntegerField(_("扫描件对应的排序版本"), null=True, blank=True)
    scan_uploaded_at = models.DateTimeField(_("扫描件上传时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("推荐排序表")
        verbose_name_plural = _("推荐排序表")
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "authority", "sequence"], name="one_ranking_table_per_authority_and_sequence"
            ),
            models.CheckConstraint(name="ranking_table_sequence_starts_at_one", condition=models.Q(sequence__gte=1)),
        ]

    def __str__(self) -> str:
        return f"{self.campaign.year} {self.authority} {self.title}"

    @property
    def is_supplementary(self) -> bool:
        return self.sequence > 1

    @property
    def title(self) -> str:
        """推荐排序表, or 补充推荐表（一）, （二）… for the later ones."""
        if not self.is_supplementary:
            return str(_("推荐排序表"))
        return str(_("补充推荐表（%(n)d）")) % {"n": self.sequence - 1}

    @property
    def is_locked(self) -> bool:
        return self.status == RankingTableStatus.SUBMITTED

    @property
    def scan_is_current(self) -> bool:
        return bool(self.stamped_scan) and self.scan_order_version == self.order_version


class RankingEntry(models.Model):
    """A recommended case's place in its authority's one priority order 推荐优先级排序."""

    table = models.ForeignKey(
        RankingTable, on_delete=models.CASCADE, related_name="entries", verbose_name=_("推荐排序表")
    )
    case = models.OneToOneField(
        "applications.Case", on_delete=models.CASCADE, related_name="ranking_entry", verbose_name=_("申报案例")
    )
    rank = models.PositiveIntegerField(_("推荐排序"))
    # The case's category, copied when the entry is written (reviews.ranking.services
    # makes every entry) and kept equal to it: the province's overview counts each
    # table's cases per category from the (table, category) index alone, without a
    # look at the cases. A case's category is chosen when it is created and no service
    # changes it; were one to, reviews.ranking.services.entry_category_follow_case
    # follows the case's save.
    category = models.ForeignKey(
        "applications.Category", on_delete=models.CASCADE, related_name="+", db_index=False, verbose_name=_("征集类别")
    )

    class Meta:
        verbose_name = _("推荐排序")
        verbose_name_plural = _("推荐排序")
        ordering = ["table", "rank"]
        constraints = [
            models.UniqueConstraint(fields=["table", "rank"], name="one_case_per_rank"),
            models.CheckConstraint(name="rank_starts_at_one", condition=models.Q(rank__gte=1)),
        ]
        # The province's overview: each table's entries per category, a range each.
        indexes = [models.Index(fields=["table", "category"], name="ranking_entry_table_category")]

    def __str__(self) -> str:
        return f"{self.rank}. {self.case_id}"

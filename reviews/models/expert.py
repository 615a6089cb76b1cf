from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from reviews.enums import Aggregation, CriterionKind, StageStatus


class Rubric(models.Model):
    """How the campaign's cases are judged: criteria, weights, gates, and how the
    experts' totals become the panel's result."""

    campaign = models.OneToOneField(
        "applications.Campaign", on_delete=models.CASCADE, related_name="rubric", verbose_name=_("征集活动")
    )
    aggregation = models.CharField(
        _("汇总方法"), max_length=20, choices=Aggregation.choices, default=Aggregation.TRIMMED_MEAN
    )
    # The trimmed mean drops the highest and the lowest total only from this many
    # experts on; with fewer the plain mean is applied (and every page says so).
    trim_min_experts = models.PositiveSmallIntegerField(_("去掉最高分和最低分所需的最少专家人数"), default=5)
    # Experts disagreeing by more than this (highest minus lowest total) flags the case.
    dispersion_threshold = models.DecimalField(
        _("分歧提示阈值（最高分与最低分之差）"), max_digits=5, decimal_places=2, default=Decimal("15")
    )
    # Set when the first score is saved: from then on the rubric cannot change.
    frozen_at = models.DateTimeField(_("冻结时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("评审细则")
        verbose_name_plural = _("评审细则")
        constraints = [
            # Dropping two of fewer than three totals would leave nothing to average.
            models.CheckConstraint(name="trim_needs_three_experts", condition=Q(trim_min_experts__gte=3)),
        ]

    def __str__(self) -> str:
        return f"{self.campaign}"


class Criterion(models.Model):
    rubric = models.ForeignKey(Rubric, on_delete=models.CASCADE, related_name="criteria", verbose_name=_("评审细则"))
    position = models.PositiveSmallIntegerField(_("顺序"), default=0)
    name = models.CharField(_("评审项"), max_length=50)
    description = models.TextField(_("评分要点"), blank=True)
    kind = models.CharField(_("类型"), max_length=10, choices=CriterionKind.choices, default=CriterionKind.SCORE)
    weight = models.DecimalField(_("权重（%）"), max_digits=5, decimal_places=2, default=Decimal("0"))
    max_score = models.PositiveSmallIntegerField(_("满分"), default=100)
    comment_required = models.BooleanField(_("须填写评语"), default=False)

    class Meta:
        verbose_name = _("评审项")
        verbose_name_plural = _("评审项")
        ordering = ["rubric", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["rubric", "name"], name="criterion_name_unique_in_rubric"),
            models.CheckConstraint(
                name="gate_has_no_weight_score_has_some",
                condition=Q(kind=CriterionKind.GATE, weight=0) | Q(kind=CriterionKind.SCORE, weight__gt=0),
            ),
            models.CheckConstraint(name="criterion_max_score_positive", condition=Q(max_score__gte=1)),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_gate(self) -> bool:
        return self.kind == CriterionKind.GATE


class ReviewStage(models.Model):
    """A round of the provincial expert review (初评, 终评 …) and its powers, as data."""

    campaign = models.ForeignKey(
        "applications.Campaign", on_delete=models.CASCADE, related_name="stages", verbose_name=_("征集活动")
    )
    order = models.PositiveSmallIntegerField(_("轮次"))
    name = models.CharField(_("名称"), max_length=30)
    status = models.CharField(_("状态"), max_length=10, choices=StageStatus.choices, default=StageStatus.UPCOMING)
    experts_may_score = models.BooleanField(_("专家可评分"), default=True)
    # Blind: the experts see no applicant unit, people or stamps, in pages and exports.
    blind = models.BooleanField(_("匿名评审"), default=True)
    show_others_scores = models.BooleanField(_("专家可见他人评分"), default=False)
    reviewers_per_case = models.PositiveSmallIntegerField(_("每案评审专家数"), default=3)
    max_load = models.PositiveSmallIntegerField(_("每位专家最多评审案例数"), default=30)
    # A later round reviews a shortlist; empty means every case in expert review.
    shortlist = models.ManyToManyField("applications.Case", blank=True, related_name="+", verbose_name=_("入围名单"))

    class Meta:
        verbose_name = _("评审轮次")
        verbose_name_plural = _("评审轮次")
        ordering = ["campaign", "order"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "order"], name="stage_order_unique_in_campaign"),
            models.UniqueConstraint(
                fields=["campaign"], condition=Q(status=StageStatus.OPEN), name="one_open_stage_per_campaign"
            ),
            models.CheckConstraint(
                name="stage_needs_reviewers", condition=Q(reviewers_per_case__gte=1, max_load__gte=1)
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Panel(models.Model):
    """A group of experts, usually one per category."""

    campaign = models.ForeignKey(
        "applications.Campaign", on_delete=models.CASCADE, related_name="panels", verbose_name=_("征集活动")
    )
    name = models.CharField(_("名称"), max_length=50)
    category = models.ForeignKey(
        "applications.Category",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="panels",
        verbose_name=_("负责类别"),
    )
    experts = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        related_name="panels",
        blank=True,
        verbose_name=_("专家"),
        limit_choices_to={"role": "expert"},
    )

    class Meta:
        verbose_name = _("评审组")
        verbose_name_plural = _("评审组")
        ordering = ["campaign", "id"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "name"], name="panel_name_unique_in_campaign"),
        ]

    def __str__(self) -> str:
        return self.name


class ExpertAssignment(models.Model):
    """A case given to an expert to review in one stage of the provincial review."""

    stage = models.ForeignKey(
        ReviewStage, on_delete=models.PROTECT, related_name="assignments", verbose_name=_("评审轮次")
    )
    case = models.ForeignKey(
        "applications.Case", on_delete=models.PROTECT, related_name="assignments", verbose_name=_("申报案例")
    )
    expert = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="assignments", verbose_name=_("评审专家")
    )
    assigned_at = models.DateTimeField(_("分配时间"), auto_now_add=True)
    submitted_at = models.DateTimeField(_("提交评审时间"), null=True, blank=True)
    # The expert's weighted total (0–100, two places, ROUND_HALF_UP) and whether a gate
    # (政治性) failed, computed by aggregation.weighted_total when the review is
    # submitted and cleared when it is reopened, so the panel's figures are summed in
    # SQL over one row per expert instead of recomputed from every score.
    total = models.DecimalField(_("加权得分"), max_digits=5, decimal_places=2, null=True, blank=True)
    failed_gate = models.BooleanField(_("否决项不通过"), default=False)

    class Meta:
        verbose_name = _("评审分配")
        verbose_name_plural = _("评审分配")
        constraints = [
            models.UniqueConstraint(fields=["stage", "case", "expert"], name="one_assignment_per_expert_case_stage"),
        ]
        indexes = [
            # The results read a round's submitted totals case by case, from the index alone.
            models.Index(
                fields=["stage", "case", "submitted_at", "total", "failed_gate"], name="assignment_stage_case_total"
            ),
            # Every expert's load and progress, counted from the index alone (the id
            # last: PostgreSQL needs it in the index to count ids without the table;
            # SQLite keeps it in every index anyway).
            models.Index(fields=["expert", "stage", "submitted_at", "id"], name="assignment_expert_progress"),
        ]

    def __str__(self) -> str:
        return f"{self.case} / {self.expert}"

    @property
    def is_submitted(self) -> bool:
        return self.submitted_at is not None


class Score(models.Model):
    """One expert's judgement of one case on one criterion, with a comment."""

    assignment = models.ForeignKey(
        ExpertAssignment, on_delete=models.CASCADE, related_name="scores", verbose_name=_("评审分配")
    )
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="scores", verbose_name=_("评审项"))
    value = models.DecimalField(_("得分"), max_digits=6, decimal_places=2, null=True, blank=True)
    passed = models.BooleanField(_("通过"), null=True, blank=True)
    comment = models.TextField(_("评语"), blank=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("评分")
        verbose_name_plural = _("评分")
        constraints = [
            models.UniqueConstraint(fields=["assignment", "criterion"], name="one_score_per_assignment_and_criterion"),
            models.CheckConstraint(name="score_not_negative", condition=Q(value__isnull=True) | Q(value__gte=0)),
        ]

    def __str__(self) -> str:
        return f"{self.assignment_id}/{self.criterion_id}"


class ConflictDeclaration(models.Model):
    """An expert declares a conflict of interest with a case (回避)."""

    case = models.ForeignKey(
        "applications.Case", on_delete=models.CASCADE, related_name="conflicts", verbose_name=_("申报案例")
    )
    expert = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="conflicts", verbose_name=_("评审专家")
    )
    reason = models.TextField(_("回避理由"))
    declared_at = models.DateTimeField(_("申报时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("回避申报")
        verbose_name_plural = _("回避申报")
        constraints = [models.UniqueConstraint(fields=["case", "expert"], name="one_declaration_per_expert_and_case")]

    def __str__(self) -> str:
        return f"{self.expert} ⟂ {self.case}"

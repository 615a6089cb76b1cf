from django.db import models
from django.utils.translation import gettext_lazy as _


class RankingTableStatus(models.TextChoices):
    DRAFT = "draft", _("编制中")
    SUBMITTED = "submitted", _("已报送省局")
    RETURNED = "returned", _("省局已退回")


class CriterionKind(models.TextChoices):
    SCORE = "score", _("评分项")
    # A gate is passed or failed; a fail excludes the case whatever its scores (政治性).
    GATE = "gate", _("否决项（通过/不通过）")


class Aggregation(models.TextChoices):
    MEAN = "mean", _("算术平均")
    MEDIAN = "median", _("中位数")
    # Drop the highest and the lowest total when enough experts scored
    # (Rubric.trim_min_experts); below that the plain mean is applied, and said so.
    TRIMMED_MEAN = "trimmed_mean", _("去掉一个最高分和一个最低分后平均（专家人数达到规定时）")


class StageStatus(models.TextChoices):
    UPCOMING = "upcoming", _("未开始")
    OPEN = "open", _("进行中")
    CLOSED = "closed", _("已结束")


class PublicationKind(models.TextChoices):
    NOTICE = "notice", _("公示")
    ANNOUNCEMENT = "announcement", _("通报")


class QuotaMode(models.TextChoices):
    """How a selection quota binds: the service refuses, or the page warns."""

    HARD = "hard", _("硬性：超出名额不能入选")
    SOFT = "soft", _("提示：超出名额时提示，仍可入选")


class UnitLevel(models.TextChoices):
    """The level of an applicant unit, for per-unit selection caps (省级、市级、县级)."""

    PROVINCIAL = "provincial", _("省级单位")
    CITY = "city", _("市级单位")
    COUNTY = "county", _("县级单位")

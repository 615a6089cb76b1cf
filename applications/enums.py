from django.db import models
from django.utils.translation import gettext_lazy as _


class CampaignStatus(models.TextChoices):
    NOT_OPEN = "not_open", _("未开始")
    OPEN = "open", _("征集中")
    CLOSED = "closed", _("征集截止")
    IN_REVIEW = "in_review", _("评审中")
    FINISHED = "finished", _("已结束")


class FigureKind(models.TextChoices):
    NUMBER = "number", _("数值")
    BEFORE_AFTER = "before_after", _("对比数据（实施前/实施后）")


class AttachmentKind(models.TextChoices):
    EVIDENCE = "evidence", _("佐证材料")
    STAMPED_SCAN = "stamped_scan", _("盖章扫描件")

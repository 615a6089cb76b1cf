from django.db import models
from django.utils.translation import gettext_lazy as _


class RankingTableStatus(models.TextChoices):
    DRAFT = "draft", _("编制中")
    SUBMITTED = "submitted", _("已报送省局")
    RETURNED = "returned", _("省局已退回")

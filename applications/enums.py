from django.db import models
from django.utils.translation import gettext_lazy as _


class CampaignPhase(models.TextChoices):
    """The phases of a campaign, in order (the campaign's own state machine,
    applications/phases/machine.py). A new campaign starts in the first one."""

    PREPARING = "preparing", _("筹备")
    COLLECTING = "collecting", _("征集中")
    # Submission closed: the authorities finish their review and ranking tables.
    PRELIMINARY = "preliminary", _("初审排序")
    EXPERT_REVIEW = "expert_review", _("专家评审")
    DECIDING = "deciding", _("结果审定")
    PUBLIC_NOTICE = "public_notice", _("公示")
    ANNOUNCED = "announced", _("通报")
    NRTA = "nrta", _("推荐总局")
    ARCHIVED = "archived", _("归档")


# Where a new campaign starts (campaign_create's default).
FIRST_PHASE = CampaignPhase.PREPARING
# The phases in order, for comparisons ("from 专家评审 on").
PHASE_ORDER = tuple(CampaignPhase)
# Cases change only in these phases (not before the campaign opens, not once archived).
ACTIVE_PHASES = frozenset(PHASE_ORDER[1:-1])
# A unit with an extension may still submit in these phases (without one: 征集中 only).
EXTENSION_PHASES = frozenset({CampaignPhase.COLLECTING, CampaignPhase.PRELIMINARY})
# The authorities decide cases and submit ranking tables in these phases (in 专家评审
# for what the province returned to them).
AUTHORITY_PHASES = frozenset({CampaignPhase.COLLECTING, CampaignPhase.PRELIMINARY, CampaignPhase.EXPERT_REVIEW})


def phase_index(phase) -> int:
    return PHASE_ORDER.index(CampaignPhase(phase))


class AttachmentKind(models.TextChoices):
    EVIDENCE = "evidence", _("佐证材料")
    STAMPED_SCAN = "stamped_scan", _("盖章扫描件")


class CaseState(models.TextChoices):
    DRAFT = "draft", _("草稿")
    SUBMITTED = "submitted", _("待初审")
    RETURNED = "returned", _("退回修改")
    WITHDRAWN = "withdrawn", _("已撤回")
    NOT_RECOMMENDED = "not_recommended", _("不予推荐")
    RECOMMENDED = "recommended", _("已推荐")
    IN_EXPERT_REVIEW = "in_expert_review", _("专家评审中")
    REVIEWED = "reviewed", _("评审完成")
    SELECTED = "selected", _("入选")
    NOT_SELECTED = "not_selected", _("未入选")
    RECOMMENDED_TO_NRTA = "recommended_to_nrta", _("推荐至总局")


# Named groups of states. Rules elsewhere speak of these, never of lists of their own.

# The applicant holds the case and may edit it.
EDITABLE_STATES = frozenset({CaseState.DRAFT, CaseState.RETURNED, CaseState.WITHDRAWN})
# The case has reached its recommending authority at least once, so the authority
# (and the province, which oversees the whole campaign) may read it.
SEEN_BY_AUTHORITY_STATES = frozenset(set(CaseState) - {CaseState.DRAFT, CaseState.WITHDRAWN})
# The case is in the province's hands: past the authority's ranking table.
PROVINCIAL_STATES = frozenset(
    {
        CaseState.IN_EXPERT_REVIEW,
        CaseState.REVIEWED,
        CaseState.SELECTED,
        CaseState.NOT_SELECTED,
        CaseState.RECOMMENDED_TO_NRTA,
    }
)
# No transition leaves these once the result is published (until the 公示 the province
# may reconsider a NOT_SELECTED decision: reconsider_selection).
FINAL_STATES = frozenset({CaseState.NOT_RECOMMENDED, CaseState.NOT_SELECTED, CaseState.RECOMMENDED_TO_NRTA})


class Party(models.TextChoices):
    """Who stands in which relation to a case; permissions are granted per party."""

    APPLICANT = "applicant", _("申报单位")
    AUTHORITY = "authority", _("推荐单位")
    PROVINCE = "province", _("省局")
    ASSIGNED_EXPERTS = "experts", _("评审专家")

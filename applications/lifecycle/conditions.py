"""Conditions on the case's transitions (workflow.conditions.Condition): each says, in
Chinese, why it does not hold, so a refused action always tells the user what to do."""

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from applications.content import case_problems
from applications.enums import ACTIVE_PHASES, AUTHORITY_PHASES, CampaignPhase
from applications.lifecycle import hooks
from workflow.conditions import Condition


def _deadline_text(moment) -> str:
    # The format itself is translated: English readers get "April 18, 2024, 00:00".
    return date_format(timezone.localtime(moment), _("Y年n月j日 H:i"))


def _campaign_active(case) -> list[str]:
    campaign = case.campaign
    if campaign.state == CampaignPhase.ARCHIVED:
        return [_("本年度征集评选已归档，案例不能再变更。")]
    if campaign.state not in ACTIVE_PHASES:
        return [_("征集尚未开始，暂不能提交。")]
    return []


def _submission_window_open(case) -> list[str]:
    campaign = case.campaign
    if campaign.submission_window_open(unit_id=case.unit_id, case_id=case.pk):
        return []
    if campaign.state == CampaignPhase.PREPARING:
        return [_("征集尚未开始，暂不能提交。")]
    return [
        _("申报已于%(deadline)s截止，不能再提交或撤回。") % {"deadline": _deadline_text(campaign.submission_deadline)}
    ]


def _applicant_can_still_resubmit(case) -> list[str]:
    # Returning a case when its unit cannot submit again would strand it.
    if not case.campaign.submission_window_open(unit_id=case.unit_id, case_id=case.pk):
        return [_("申报已截止，退回后申报单位将无法再次提交；请作出推荐或不予推荐的决定。")]
    return []


def _phase_is(phases, message):
    phases = frozenset(phases)

    def explain(case) -> list[str]:
        if case.campaign.state in phases:
            return []
        return [str(message) % {"phase": CampaignPhase(case.campaign.state).label}]

    return explain


def _content_complete(case) -> list[str]:
    return [problem.message for problem in case_problems(case)]


def _ranking_table_open(case) -> list[str]:
    if hooks.case_table_locked(case=case):
        return [_("该案例所在的推荐排序表已报送省局，已锁定；如需调整请联系省局退回。")]
    return []


def _ranking_table_submitted(case) -> list[str]:
    if not hooks.case_table_locked(case=case):
        return [_("推荐排序表尚未报送省局。")]
    return []


def _no_expert_assigned(case) -> list[str]:
    assigned, _submitted = hooks.expert_review_progress(case=case)
    if assigned:
        return [_("该案例已分配评审专家，不能退回推荐单位。")]
    return []


def _expert_review_complete(case) -> list[str]:
    assigned, submitted = hooks.expert_review_progress(case=case)
    if assigned == 0:
        return [_("尚未分配评审专家。")]
    if submitted < assigned:
        return [_("还有%(count)d位专家未提交评审意见。") % {"count": assigned - submitted}]
    return []


def _passes_gates(case) -> list[str]:
    return hooks.gate_refusals(case=case)


def _within_hard_quotas(case) -> list[str]:
    return hooks.quota_refusals(case=case)


def _result_not_published(case) -> list[str]:
    # The 公示 makes the decisions public: from then on only an upheld objection changes one.
    if case.campaign_id in hooks.published_campaign_ids():
        return [_("评选结果已公示，入选决定不能再更改；如公示期间异议成立，请在「公示与通报」页登记处理意见。")]
    return []


def _objection_upheld_before_announcement(case) -> list[str]:
    reasons = []
    if not hooks.objection_upheld(case=case):
        reasons.append(_("该案例没有经核实成立的异议。"))
    if hooks.announcement_published(campaign=case.campaign):
        reasons.append(_("通报已发布，入选结果不能再更改。"))
    return reasons


campaign_active = Condition("campaign_active", _campaign_active)
submission_window_open = Condition("submission_window_open", _submission_window_open)
applicant_can_still_resubmit = Condition("applicant_can_still_resubmit", _applicant_can_still_resubmit)
content_complete = Condition("content_complete", _content_complete)
authority_phase = Condition(
    "authority_phase",
    _phase_is(AUTHORITY_PHASES, gettext_lazy("当前阶段为「%(phase)s」，推荐单位的初审和排序已结束。")),
)
expert_review_phase = Condition(
    "expert_review_phase",
    _phase_is(
        {CampaignPhase.EXPERT_REVIEW}, gettext_lazy("当前阶段为「%(phase)s」，只在「专家评审」阶段确认评审完成。")
    ),
)
decision_phase = Condition(
    "decision_phase",
    _phase_is({CampaignPhase.DECIDING}, gettext_lazy("当前阶段为「%(phase)s」，只在「结果审定」阶段作出入选决定。")),
)
nrta_phase = Condition(
    "nrta_phase",
    _phase_is(
        {CampaignPhase.NRTA}, gettext_lazy("当前阶段为「%(phase)s」，通报发布并进入「推荐总局」阶段后方可推荐至总局。")
    ),
)
no_expert_assigned = Condition("no_expert_assigned", _no_expert_assigned)
ranking_table_open = Condition("ranking_table_open", _ranking_table_open)
ranking_table_submitted = Condition("ranking_table_submitted", _ranking_table_submitted)
expert_review_complete = Condition("expert_review_complete", _expert_review_complete)
passes_gates = Condition("passes_gates", _passes_gates)
within_hard_quotas = Condition("within_hard_quotas", _within_hard_quotas)
result_not_published = Condition("result_not_published", _result_not_published)
objection_upheld_before_announcement = Condition(
    "objection_upheld_before_announcement", _objection_upheld_before_announcement
)

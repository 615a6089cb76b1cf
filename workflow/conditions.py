"""Conditions on transitions. Each is a callable django-fsm accepts (case -> bool)
that can also say, in Chinese, why it does not hold, so a refused action always
tells the user what to do."""

from collections.abc import Callable

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _


class Condition:
    def __init__(self, name: str, explain: Callable[[object], list[str]]):
        # explain(case) returns the reasons the condition fails; empty means it holds.
        self.name = name
        self.explain = explain
        self.__name__ = name

    def __call__(self, case) -> bool:
        return not self.explain(case)

    def __repr__(self) -> str:
        return f"<Condition {self.name}>"


def _deadline_text(moment) -> str:
    # The format itself is translated: English readers get "April 18, 2024, 00:00".
    return date_format(timezone.localtime(moment), _("Y年n月j日 H:i"))


def _campaign_active(case) -> list[str]:
    from applications.enums import CampaignStatus

    if case.campaign.status == CampaignStatus.FINISHED:
        return [_("本年度征集评选已结束，案例不能再变更。")]
    return []


def _submission_window_open(case) -> list[str]:
    from applications.enums import CampaignStatus

    campaign = case.campaign
    if campaign.status == CampaignStatus.NOT_OPEN:
        return [_("征集尚未开始，暂不能提交。")]
    if campaign.status != CampaignStatus.OPEN or timezone.now() >= campaign.submission_deadline:
        return [
            _("申报已于%(deadline)s截止，不能再提交或撤回。")
            % {"deadline": _deadline_text(campaign.submission_deadline)}
        ]
    return []


def _applicant_can_still_resubmit(case) -> list[str]:
    # Returning a case after the deadline would strand it: the unit could never resubmit.
    if not case.campaign.submission_window_open():
        return [_("申报已截止，退回后申报单位将无法再次提交；请作出推荐或不予推荐的决定。")]
    return []


def _content_complete(case) -> list[str]:
    from applications.content import case_problems

    return [problem.message for problem in case_problems(case)]


def _ranking_table_open(case) -> list[str]:
    from reviews.ranking.selectors import ranking_table_locked

    if ranking_table_locked(campaign=case.campaign, authority=case.authority):
        return [_("本单位的推荐排序表已报送省局，初审结果已锁定；如需调整请联系省局退回排序表。")]
    return []


def _ranking_table_submitted(case) -> list[str]:
    from reviews.ranking.selectors import ranking_table_locked

    if not ranking_table_locked(campaign=case.campaign, authority=case.authority):
        return [_("推荐排序表尚未报送省局。")]
    return []


def _expert_review_complete(case) -> list[str]:
    from reviews.experts.selectors import expert_review_progress

    assigned, submitted = expert_review_progress(case=case)
    if assigned == 0:
        return [_("尚未分配评审专家。")]
    if submitted < assigned:
        return [_("还有%(count)d位专家未提交评审意见。") % {"count": assigned - submitted}]
    return []


campaign_active = Condition("campaign_active", _campaign_active)
submission_window_open = Condition("submission_window_open", _submission_window_open)
applicant_can_still_resubmit = Condition("applicant_can_still_resubmit", _applicant_can_still_resubmit)
content_complete = Condition("content_complete", _content_complete)
ranking_table_open = Condition("ranking_table_open", _ranking_table_open)
ranking_table_submitted = Condition("ranking_table_submitted", _ranking_table_submitted)
expert_review_complete = Condition("expert_review_complete", _expert_review_complete)

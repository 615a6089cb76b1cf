from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.enums import Role
from reviews.enums import RankingTableStatus
from reviews.models import ExpertAssignment, RankingTable
from workflow.enums import CaseState
from workflow.exceptions import TransitionRefused
from workflow.rules import case_permissions_sync
from workflow.services import apply_transition


def ranking_submit(*, campaign, authority, actor) -> RankingTable:
    """Submit the authority's ranking table: lock it and move every recommended case on
    to provincial review, all or nothing."""
    from applications.models import Case

    if actor.organisation_id != authority.pk or actor.role not in (Role.AUTHORITY_REVIEWER, Role.PROVINCE_ADMIN):
        raise TransitionRefused(_("只有本推荐单位的审核人员可以报送推荐排序表。"))
    with transaction.atomic():
        table, _created = RankingTable.objects.select_for_update().get_or_create(campaign=campaign, authority=authority)
        if table.is_locked:
            raise TransitionRefused(_("推荐排序表已报送，不能重复报送。"))
        cases = Case.objects.filter(campaign=campaign, authority=authority)
        waiting = cases.filter(state=CaseState.SUBMITTED).count()
        if waiting:
            raise TransitionRefused(_("还有%(count)d个案例待初审，请先完成初审再报送。") % {"count": waiting})
        recommended = list(cases.filter(state=CaseState.RECOMMENDED).order_by("pk"))
        if not recommended:
            raise TransitionRefused(_("没有已推荐的案例，无需报送推荐排序表。"))
        table.status = RankingTableStatus.SUBMITTED
        table.submitted_at = timezone.now()
        table.submitted_by = actor
        table.return_reason = ""
        table.save()
        for case in recommended:
            apply_transition(case=case, action="forward_to_province", actor=actor)
    return table


def assignment_create(*, case, expert, actor) -> ExpertAssignment:
    """Give a case in expert review to an expert, who can then read and score it."""
    if actor.role != Role.PROVINCE_ADMIN:
        raise TransitionRefused(_("只有省局管理员可以分配评审专家。"))
    if expert.role != Role.EXPERT:
        raise TransitionRefused(_("只能分配给评审专家。"))
    if case.state != CaseState.IN_EXPERT_REVIEW:
        raise TransitionRefused(_("只有专家评审中的案例可以分配专家。"))
    with transaction.atomic():
        assignment, _created = ExpertAssignment.objects.get_or_create(case=case, expert=expert)
        case_permissions_sync(case=case)
    return assignment


def assignment_submit(*, assignment, actor) -> ExpertAssignment:
    """The expert declares their review of the case finished."""
    if actor.pk != assignment.expert_id:
        raise TransitionRefused(_("只能提交本人的评审。"))
    if assignment.submitted_at is None:
        assignment.submitted_at = timezone.now()
        assignment.save(update_fields=["submitted_at"])
    return assignment

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from accounts.enums import OrgKind, Role
from applications.enums import CaseState
from applications.uploads import PDF, detect_kind, display_name
from reviews.enums import RankingTableStatus
from reviews.models import ExpertAssignment, RankingTable
from reviews.notifications import queue_table_notification
from reviews.ranking import require_reviewer_of, table_for
from workflow.exceptions import TransitionRefused
from workflow.services import apply_transition

MB = 1024 * 1024


def ranking_scan_upload(*, table: RankingTable, actor, uploaded) -> RankingTable:
    """The stamped scan of the printed table 盖章扫描版, for the order as it is now."""
    require_reviewer_of(authority=table.authority, actor=actor)
    name = display_name(uploaded.name)
    if name is None:
        raise ValidationError(_("文件名不合法：请使用不含路径和特殊字符的文件名后重新上传。"))
    limit = table.campaign.max_file_mb
    if uploaded.size > limit * MB:
        raise ValidationError(
            _("文件大小为%(size)s，超过%(limit)dMB的上限。") % {"size": filesizeformat(uploaded.size), "limit": limit}
        )
    if detect_kind(uploaded) is not PDF:
        raise ValidationError(_("盖章扫描件须为 PDF 文件。"))
    with transaction.atomic():
        table = RankingTable.objects.select_for_update().get(pk=table.pk)
        if table.is_locked:
            raise TransitionRefused(_("推荐排序表已报送省局，不能更换扫描件。"))
        previous = table.stamped_scan.name if table.stamped_scan else None
        uploaded.seek(0)
        table.stamped_scan.save(f"{table.campaign.year}-{table.authority.code}.pdf", uploaded, save=False)
        table.scan_name = name
        table.scan_order_version = table.order_version
        table.scan_uploaded_at = timezone.now()
        table.save()
        if previous:
            storage = table.stamped_scan.storage
            transaction.on_commit(lambda: storage.delete(previous))
    return table


def submission_problems(*, table: RankingTable, now=None) -> list[str]:
    """Everything that stops the table from being submitted now, all at once."""
    from applications.models import Case

    now = now or timezone.now()
    problems = []
    if table.is_locked:
        return [_("推荐排序表已报送，不能重复报送。")]
    if now >= table.campaign.ranking_deadline:
        deadline = date_format(timezone.localtime(table.campaign.ranking_deadline), _("Y年n月j日 H:i"))
        problems.append(_("推荐排序表已于%(deadline)s截止报送。") % {"deadline": deadline})
    cases = Case.objects.filter(campaign=table.campaign, authority=table.authority)
    waiting = cases.filter(state=CaseState.SUBMITTED).count()
    if waiting:
        problems.append(_("还有%(count)d个案例待初审，请先完成初审再报送。") % {"count": waiting})
    if not table.entries.exists():
        problems.append(_("没有已推荐的案例，无需报送推荐排序表。"))
    elif not table.stamped_scan:
        problems.append(_("尚未上传盖章的推荐排序表扫描件（PDF）。"))
    elif not table.scan_is_current:
        problems.append(_("上传扫描件后推荐排序又有调整，请重新打印、盖章并上传扫描件。"))
    return problems


def ranking_submit(*, campaign, authority, actor) -> RankingTable:
    """Submit the authority's ranking table to the province: lock it and move every
    recommended case on to provincial review, all or nothing."""
    require_reviewer_of(authority=authority, actor=actor)
    with transaction.atomic():
        table = table_for(campaign=campaign, authority=authority, lock=True)
        problems = submission_problems(table=table)
        if problems:
            raise TransitionRefused(problems)
        table.status = RankingTableStatus.SUBMITTED
        table.submitted_at = timezone.now()
        table.submitted_by = actor
        table.return_reason = ""
        table.save()
        for entry in table.entries.select_related("case").order_by("rank"):
            apply_transition(subject=entry.case, action="forward_to_province", actor=actor)
        queue_table_notification(table=table, event="submitted")
    return table


def ranking_return(*, table: RankingTable, actor, reason: str) -> RankingTable:
    """The province sends a submitted table back: it unlocks, and its cases return to
    the authority as recommended, in the same order, all or nothing."""
    reason = (reason or "").strip()
    if actor.role != Role.PROVINCE_ADMIN or actor.organisation is None or actor.organisation.kind != OrgKind.PROVINCE:
        raise PermissionDenied(_("只有省局管理员可以退回推荐排序表。"))
    if not reason:
        raise TransitionRefused(_("退回推荐排序表需要填写理由。"))
    with transaction.atomic():
        table = RankingTable.objects.select_for_update().get(pk=table.pk)
        if not table.is_locked:
            raise TransitionRefused(_("该推荐排序表尚未报送，无需退回。"))
        cases = [entry.case for entry in table.entries.select_related("case").order_by("rank")]
        if ExpertAssignment.objects.filter(case__in=cases).exists():
            raise TransitionRefused(_("已有案例分配了评审专家，不能退回推荐排序表。"))
        table.status = RankingTableStatus.RETURNED
        table.return_reason = reason
        # The authority prints, stamps and scans again what it submits next.
        table.scan_order_version = None
        table.save()
        for case in cases:
            apply_transition(subject=case, action="return_to_authority", actor=actor, comment=reason)
        queue_table_notification(table=table, event="returned")
    return table

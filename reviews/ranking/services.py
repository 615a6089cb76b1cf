"""The authority's ranking table 推荐排序表: its one priority order of its recommended
cases 推荐优先级排序, the stamped scan, the submission to the province and the
province's return.

Every change of the order rewrites the table's entries as ranks 1..n and bumps the
table's order_version; a database trigger checks 1..n on that bump, so the order can
never hold a gap or a tie, whatever writes it."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

import audit
from accounts import roles
from applications.enums import CaseState
from applications.models import Case
from applications.uploads import PDF, detect_kind, display_name
from core.ordering import OrderedList, moved
from reviews.enums import RankingTableStatus
from reviews.models import ExpertAssignment, RankingEntry, RankingTable
from reviews.ranking.notifications import queue_table_notification
from workflow.exceptions import TransitionRefused
from workflow.services import apply_transition

MB = 1024 * 1024


def table_for(*, campaign, authority, lock: bool = False) -> RankingTable:
    """The authority's table for the campaign, created empty on first use."""
    table, _created = RankingTable.objects.get_or_create(campaign=campaign, authority=authority)
    if lock:
        table = RankingTable.objects.select_for_update().get(pk=table.pk)
    return table


def _order_of(table: RankingTable) -> OrderedList:
    """The table's order: its entries, owned (and locked) by the table's row."""
    return OrderedList(
        owner=RankingTable.objects.filter(pk=table.pk),
        entries=RankingEntry.objects.filter(table_id=table.pk),
        item_field="case_id",
        make_entry=lambda case_id, rank: RankingEntry(table_id=table.pk, case_id=case_id, rank=rank),
    )


def ordered_case_ids(table: RankingTable) -> list[int]:
    return _order_of(table).ids()


def _rewrite(order: OrderedList, table: RankingTable, case_ids: list[int]) -> None:
    order.rewrite(case_ids)
    RankingTable.objects.filter(pk=table.pk).update(order_version=F("order_version") + 1)
    table.refresh_from_db(fields=["order_version"])


def _require_open(table: RankingTable) -> None:
    if table.is_locked:
        raise TransitionRefused(_("推荐排序表已报送省局，排序已锁定。"))


def require_reviewer_of(*, authority, actor) -> None:
    """Only reviewing members of the authority itself arrange its order and table."""
    reviewing = roles.reviewing_authority(actor)
    if reviewing is None or reviewing.pk != authority.pk:
        raise PermissionDenied(_("只有本推荐单位的审核人员可以调整推荐排序表。"))


# --- effects of transitions (workflow/machine.py names them) ---------------------------


def ranking_append(*, case, record=None) -> None:
    """A newly recommended case goes to the end of the order."""
    order = _order_of(table_for(campaign=case.campaign, authority=case.authority))
    table, case_ids = order.lock()
    _require_open(table)
    _rewrite(order, table, [*case_ids, case.pk])


def ranking_remove(*, case, record=None) -> None:
    """A withdrawn recommendation leaves the order; those below move up."""
    order = _order_of(table_for(campaign=case.campaign, authority=case.authority))
    table, case_ids = order.lock()
    _require_open(table)
    _rewrite(order, table, [case_id for case_id in case_ids if case_id != case.pk])


# --- the authority arranging its order -------------------------------------------------


@transaction.atomic
def ranking_set_order(*, table: RankingTable, actor, case_ids: list[int]) -> RankingTable:
    """Put the recommended cases in this order (first = highest priority)."""
    require_reviewer_of(authority=table.authority, actor=actor)
    order = _order_of(table)
    table, current = order.lock()
    _require_open(table)
    if sorted(case_ids) != sorted(current):
        # Someone recommended or withdrew a case since this page was loaded.
        raise TransitionRefused(_("推荐案例已有变化，请刷新页面后重新排序。"))
    if case_ids != current:
        _rewrite(order, table, case_ids)
        audit.record(actor=actor, action="ranking.changed", obj=table, before=current, after=case_ids)
    return table


def ranking_move(*, table: RankingTable, actor, case_id: int, to_rank: int) -> RankingTable:
    """Move one case to a rank (clamped to 1..n); the others keep their relative order."""
    order = ordered_case_ids(table)
    if case_id not in order:
        raise TransitionRefused(_("该案例不在推荐排序表中。"))
    return ranking_set_order(table=table, actor=actor, case_ids=moved(order, case_id, to_rank=to_rank))


def ranking_set_ranks(*, table: RankingTable, actor, ranks: dict[int, int]) -> RankingTable:
    """The order from rank numbers typed by hand: case id -> rank. Numbers must be
    1..n, each once; anything else is refused with what is wrong."""
    n = len(ranks)
    values = sorted(ranks.values())
    if values != list(range(1, n + 1)):
        duplicates = sorted({v for v in values if values.count(v) > 1})
        if duplicates:
            raise TransitionRefused(_("排序号重复：%(ranks)s。") % {"ranks": "、".join(map(str, duplicates))})
        raise TransitionRefused(_("排序号须为 1 至 %(n)d 的连续整数，每个号只用一次。") % {"n": n})
    order = [case_id for case_id, _rank in sorted(ranks.items(), key=lambda item: item[1])]
    return ranking_set_order(table=table, actor=actor, case_ids=order)


# --- the stamped scan, the submission to the province and its return -------------------


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
        audit.record(actor=actor, action="ranking.submitted", obj=table)
    return table


def ranking_return(*, table: RankingTable, actor, reason: str) -> RankingTable:
    """The province sends a submitted table back: it unlocks, and its cases return to
    the authority as recommended, in the same order, all or nothing."""
    reason = (reason or "").strip()
    roles.require_province_admin(actor, message=_("只有省局管理员可以退回推荐排序表。"))
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
        audit.record(actor=actor, action="ranking.returned", obj=table, reason=reason[:200])
    return table

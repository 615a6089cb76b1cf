"""The authority's ranking table 推荐排序表: its one priority order of its recommended
cases 推荐优先级排序, the stamped scan, the submission to the province and the
province's return.

Every change of the order rewrites the table's entries as ranks 1..n and bumps the
table's order_version; a database trigger checks 1..n on that bump, so the order can
never hold a gap or a tie, whatever writes it."""

from collections import Counter

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, Q
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

import audit
from accounts import roles
from applications.enums import AUTHORITY_PHASES, CampaignPhase, CaseState
from applications.models import Case
from applications.services import campaign_require_open
from applications.uploads import PDF, display_name, offered_name, vet_upload
from core.ordering import OrderedList, moved, placed
from reviews.enums import RankingTableStatus
from reviews.experts.result_rows import refresh_campaign_cases
from reviews.models import ExpertAssignment, RankingEntry, RankingTable
from reviews.ranking.notifications import queue_table_notification
from workflow.exceptions import TransitionRefused
from workflow.services import apply_transition

MB = 1024 * 1024


def table_for(*, campaign, authority, lock: bool = False) -> RankingTable:
    """The authority's current table for the campaign: the one open (at most one is),
    else its latest; the main table is created empty on first use."""
    tables = RankingTable.objects.filter(campaign=campaign, authority=authority)
    table = tables.exclude(status=RankingTableStatus.SUBMITTED).first() or tables.order_by("-sequence").first()
    if table is None:
        table, _created = RankingTable.objects.get_or_create(campaign=campaign, authority=authority, sequence=1)
    if lock:
        table = RankingTable.objects.select_for_update().get(pk=table.pk)
    return table


def open_table_for(*, campaign, authority) -> RankingTable:
    """The authority's open table, where a newly recommended case goes: when every
    table it has is submitted, a new supplementary table 补充推荐表 (the next sequence)."""
    table = table_for(campaign=campaign, authority=authority)
    if not table.is_locked:
        return table
    table, _created = RankingTable.objects.get_or_create(
        campaign=campaign, authority=authority, sequence=table.sequence + 1
    )
    return table


# Case ids per read of their categories: within any database's limit of parameters.
_CATEGORY_READ = 5000


def _new_entries(table_id: int, pairs: list[tuple[int, int]]) -> list[RankingEntry]:
    """The entries (case id, rank) of a rewrite, each with its case's category (one
    read for them all): the only place entries are made."""
    categories = {}
    for start in range(0, len(pairs), _CATEGORY_READ):
        chunk = [case_id for case_id, _rank in pairs[start : start + _CATEGORY_READ]]
        categories.update(Case.objects.filter(pk__in=chunk).values_list("pk", "category_id"))
    return [
        RankingEntry(table_id=table_id, case_id=case_id, rank=rank, category_id=categories[case_id])
        for case_id, rank in pairs
    ]


def _order_of(table: RankingTable) -> OrderedList:
    """The table's order: its entries, owned (and locked) by the table's row."""
    return OrderedList(
        owner=RankingTable.objects.filter(pk=table.pk),
        entries=RankingEntry.objects.filter(table_id=table.pk),
        item_field="case_id",
        make_entries=lambda pairs: _new_entries(table.pk, pairs),
    )


def entry_category_follow_case(sender, instance, created, update_fields=None, **kwargs) -> None:
    """The Case's post_save: its ranking entry keeps the case's category. No service
    changes a case's category (it is chosen at creation), so this writes nothing in
    practice; it keeps the copy exact should one ever do so. A save naming its fields
    costs nothing unless they include the category."""
    if created or (update_fields is not None and not {"category", "category_id"} & set(update_fields)):
        return
    RankingEntry.objects.filter(case_id=instance.pk).exclude(category_id=instance.category_id).update(
        category_id=instance.category_id
    )


def ordered_case_ids(table: RankingTable) -> list[int]:
    return _order_of(table).ids()


def _rewrite(order: OrderedList, table: RankingTable, case_ids: list[int]) -> None:
    before = order.ids()
    order.rewrite(case_ids)
    # The authority's priority breaks ties in the results: their stored rows follow.
    refresh_campaign_cases(campaign_id=table.campaign_id, case_ids={*before, *case_ids})
    RankingTable.objects.filter(pk=table.pk).update(order_version=F("order_version") + 1)
    table.refresh_from_db(fields=["order_version"])


def _require_open(table: RankingTable) -> None:
    campaign_require_open(table.campaign)
    if table.is_locked:
        raise TransitionRefused(_("推荐排序表已报送省局，排序已锁定。"))


def require_reviewer_of(*, authority, actor) -> None:
    """Only reviewing members of the authority itself arrange its order and table."""
    reviewing = roles.reviewing_authority(actor)
    if reviewing is None or reviewing.pk != authority.pk:
        raise PermissionDenied(_("只有本推荐单位的审核人员可以调整推荐排序表。"))


# --- effects of transitions (workflow/machine.py names them) ---------------------------


def ranking_append(*, case, record=None) -> None:
    """A newly recommended case goes to the end of the open table's order (a
    supplementary table when the authority's tables are all submitted)."""
    order = _order_of(open_table_for(campaign=case.campaign, authority=case.authority))
    table, case_ids = order.lock()
    _require_open(table)
    _rewrite(order, table, [*case_ids, case.pk])


def ranking_remove(*, case, record=None) -> None:
    """A withdrawn recommendation leaves the order; those below move up."""
    order = _order_of(case.ranking_entry.table)
    table, case_ids = order.lock()
    _require_open(table)
    _rewrite(order, table, [case_id for case_id in case_ids if case_id != case.pk])


# --- the authority arranging its order -------------------------------------------------


def _reorder(*, table: RankingTable, actor, arrange, version: int | None = None) -> RankingTable:
    """The one way the authority changes its order: its reviewer only, the table open
    and the campaign not archived, the order read under the table's lock and
    `arrange(current ids)` giving the new one (or refusing). `version`: the table's
    order_version the page showing the order was made from; refused if the order has
    changed since (a colleague's move, a case recommended or withdrawn), as what was
    typed or dragged then means another order."""
    require_reviewer_of(authority=table.authority, actor=actor)
    with transaction.atomic():
        order = _order_of(table)
        table, current = order.lock()
        _require_open(table)
        if version is not None and version != table.order_version:
            raise TransitionRefused(_("推荐排序在本页打开后已有变化，请刷新页面后重新排序。"))
        case_ids = arrange(current)
        if case_ids != current:
            _rewrite(order, table, case_ids)
            audit.record(actor=actor, action="ranking.changed", obj=table, before=current, after=case_ids)
    return table


def _changed_since_loaded() -> TransitionRefused:
    # Someone recommended or withdrew a case since this page was loaded.
    return TransitionRefused(_("推荐案例已有变化，请刷新页面后重新排序。"))


def _window(current: list[int], first: int, size: int, case_ids) -> int:
    """The index in `current` where the page showing ranks first..first+size-1 starts,
    after checking that those ranks still hold exactly `case_ids`."""
    start = first - 1
    if start < 0 or sorted(current[start : start + size]) != sorted(case_ids):
        raise _changed_since_loaded()
    return start


def ranking_set_order(
    *, table: RankingTable, actor, case_ids: list[int], first: int | None = None, version: int | None = None
) -> RankingTable:
    """Put the recommended cases in this order (first = highest priority). With
    `first`: the cases of one page of the order, the ranks first..first+len-1, in
    their new order (a drag within the page); the rest of the order stays."""

    def arrange(current: list[int]) -> list[int]:
        if first is None:
            if sorted(case_ids) != sorted(current):
                raise _changed_since_loaded()
            return list(case_ids)
        start = _window(current, first, len(case_ids), case_ids)
        return [*current[:start], *case_ids, *current[start + len(case_ids) :]]

    return _reorder(table=table, actor=actor, arrange=arrange, version=version)


def ranking_move(*, table: RankingTable, actor, case_id: int, to_rank: int) -> RankingTable:
    """Move one case to a rank (clamped to 1..n); the others keep their relative order.
    Across pages as within one: the order is one list."""

    def arrange(current: list[int]) -> list[int]:
        if case_id not in current:
            raise TransitionRefused(_("该案例不在推荐排序表中。"))
        return moved(current, case_id, to_rank=to_rank)

    return _reorder(table=table, actor=actor, arrange=arrange)


def _check_typed(values: list[int], n: int) -> None:
    """Typed ranks: each once, each within 1..n; anything else refused with what is wrong."""
    duplicates = sorted(v for v, times in Counter(values).items() if times > 1)
    if duplicates:
        raise TransitionRefused(_("排序号重复：%(ranks)s。") % {"ranks": "、".join(map(str, duplicates))})
    if not all(1 <= v <= n for v in values):
        raise TransitionRefused(_("排序号须为 1 至 %(n)d 的连续整数，每个号只用一次。") % {"n": n})


def ranking_set_ranks(
    *, table: RankingTable, actor, ranks: dict[int, int], first: int | None = None, version: int | None = None
) -> RankingTable:
    """The order from rank numbers typed by hand: case id -> rank.

    Without `first`: the whole order, numbers 1..n each once. With `first`: the cases
    of one page (the ranks first..first+len-1 when the page was made from order
    `version`), each number 1..n of the whole order and each once on the page; every
    case whose number was changed goes to exactly that rank (to another page, too), the
    others keep their relative order. Renumbering a whole page is that page's order, as
    on the whole table."""
    if first is None:
        n = len(ranks)
        values = sorted(ranks.values())
        if values != list(range(1, n + 1)):
            _check_typed(values, n)
        order = [case_id for case_id, _rank in sorted(ranks.items(), key=lambda item: item[1])]
        return ranking_set_order(table=table, actor=actor, case_ids=order)

    def arrange(current: list[int]) -> list[int]:
        _check_typed(list(ranks.values()), len(current))
        start = _window(current, first, len(ranks), ranks)
        rank_now = {case_id: start + i + 1 for i, case_id in enumerate(current[start : start + len(ranks)])}
        return placed(current, {case_id: r for case_id, r in ranks.items() if r != rank_now[case_id]})

    return _reorder(table=table, actor=actor, arrange=arrange, version=version)


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
    if vet_upload(uploaded, name=name) is not PDF:
        raise ValidationError(_("盖章扫描件须为 PDF 文件。"))
    name = offered_name(name, PDF)
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


def _names(cases) -> str:
    return "、".join(f"《{case.title}》（{case.unit.name}）" for case in cases)


def submission_problems(*, table: RankingTable, now=None) -> list[str]:
    """Everything that stops the table from being submitted now, all at once: naming
    the cases still awaiting the authority's review and the units that can still submit
    (the deadline or an extension runs), so no case reaches the authority after its
    table without a table to go to."""
    now = now or timezone.now()
    campaign = table.campaign
    problems = []
    if table.is_locked:
        return [_("推荐排序表已报送，不能重复报送。")]
    if campaign.state not in AUTHORITY_PHASES:
        return [_("当前阶段为「%(phase)s」，不能报送推荐排序表。") % {"phase": CampaignPhase(campaign.state).label}]
    # The deadline binds the main table's first submission; a later one (a returned
    # table, a supplementary table) answers to the province, which asked for it.
    if table.sequence == 1 and table.submitted_at is None and now >= campaign.ranking_deadline:
        extension = campaign.extensions.filter(organisation=table.authority, until__gt=now).order_by("-until").first()
        if extension is None:
            deadline = date_format(timezone.localtime(campaign.ranking_deadline), _("Y年n月j日 H:i"))
            problems.append(_("推荐排序表已于%(deadline)s截止报送。") % {"deadline": deadline})
    cases = Case.objects.filter(campaign=campaign, authority=table.authority).select_related("unit")
    waiting = list(cases.filter(state=CaseState.SUBMITTED).order_by("unit_id", "pk"))
    if waiting:
        problems.append(
            _("还有%(count)d个案例待初审，请先完成初审再报送：%(names)s。")
            % {"count": len(waiting), "names": _names(waiting)}
        )
    if campaign.state == CampaignPhase.COLLECTING and now < campaign.submission_deadline:
        deadline = date_format(timezone.localtime(campaign.submission_deadline), _("Y年n月j日 H:i"))
        problems.append(
            _("申报截止时间为%(deadline)s，所辖单位仍可提交案例，截止后方可报送。") % {"deadline": deadline}
        )
    running = (
        campaign.extensions.filter(until__gt=now)
        .filter(Q(organisation__authority=table.authority) | Q(case__authority=table.authority))
        .select_related("organisation", "case__unit")
        .order_by("until", "pk")
    )
    for extension in running:
        problems.append(
            _("%(whom)s获准延期至%(until)s，仍可提交，延期结束后方可报送。")
            % {"whom": extension.whom, "until": date_format(timezone.localtime(extension.until), _("Y年n月j日 H:i"))}
        )
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
    the authority as recommended, in the same order, all or nothing. Refused once one
    of its cases has an expert (return that case alone, or none); an empty open
    supplementary table of the authority gives way, one with cases must be submitted
    first (an authority has one open table at a time)."""
    reason = (reason or "").strip()
    roles.require_province_admin(actor, message=_("只有省局管理员可以退回推荐排序表。"))
    campaign_require_open(table.campaign)
    if not reason:
        raise TransitionRefused(_("退回推荐排序表需要填写理由。"))
    with transaction.atomic():
        table = RankingTable.objects.select_for_update().get(pk=table.pk)
        if not table.is_locked:
            raise TransitionRefused(_("该推荐排序表尚未报送，无需退回。"))
        cases = [entry.case for entry in table.entries.select_related("case").order_by("rank")]
        with_experts = [case for case in cases if ExpertAssignment.objects.filter(case=case).exists()]
        if with_experts:
            raise TransitionRefused(
                _("以下案例已分配评审专家，不能随排序表退回（可逐个退回其余案例）：%(names)s。")
                % {"names": "、".join(f"《{case.title}》" for case in with_experts)}
            )
        other_open = (
            RankingTable.objects.filter(campaign=table.campaign, authority=table.authority)
            .exclude(pk=table.pk)
            .exclude(status=RankingTableStatus.SUBMITTED)
        )
        if other_open.filter(entries__isnull=False).exists():
            raise TransitionRefused(_("该单位有尚未报送的补充推荐表，请待其报送后再退回本表。"))
        other_open.delete()
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


def case_return_to_authority(*, case, actor, reason: str):
    """The province sends one case of a submitted table back to its authority (not yet
    assigned to an expert): it leaves that table and waits, recommended, in the
    authority's open table (a supplementary table if every table is submitted), to be
    submitted again or its recommendation revoked."""
    reason = (reason or "").strip()
    roles.require_province_admin(actor, message=_("只有省局管理员可以退回案例。"))
    campaign_require_open(case.campaign)
    if not reason:
        raise TransitionRefused(_("退回案例需要填写理由。"))
    with transaction.atomic():
        case = Case.objects.select_for_update(of=("self",)).select_related("campaign", "authority").get(pk=case.pk)
        entry = RankingEntry.objects.filter(case=case).select_related("table").first()
        if case.state != CaseState.IN_EXPERT_REVIEW or entry is None or not entry.table.is_locked:
            raise TransitionRefused(_("只能退回已随推荐排序表报送、正在专家评审阶段的案例。"))
        if ExpertAssignment.objects.filter(case=case).exists():
            raise TransitionRefused(_("该案例已分配评审专家，不能退回推荐单位。"))
        old = _order_of(entry.table)
        old_table, old_ids = old.lock()
        target = open_table_for(campaign=case.campaign, authority=case.authority)
        new = _order_of(target)
        target, new_ids = new.lock()
        entry.delete()
        _rewrite(old, old_table, [case_id for case_id in old_ids if case_id != case.pk])
        _rewrite(new, target, [*new_ids, case.pk])
        record = apply_transition(subject=case, action="return_to_authority", actor=actor, comment=reason)
    return record

"""The authority's one priority order of its recommended cases 推荐优先级排序.

Every change rewrites the table's entries as ranks 1..n and bumps the table's
order_version; a database trigger checks 1..n on that bump, so the order can never
hold a gap or a tie, whatever writes it."""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _

from accounts.enums import Role
from reviews.models import RankingEntry, RankingTable
from workflow.exceptions import TransitionRefused

REVIEWING_ROLES = (Role.AUTHORITY_REVIEWER, Role.PROVINCE_ADMIN)


def table_for(*, campaign, authority, lock: bool = False) -> RankingTable:
    """The authority's table for the campaign, created empty on first use."""
    table, _created = RankingTable.objects.get_or_create(campaign=campaign, authority=authority)
    if lock:
        table = RankingTable.objects.select_for_update().get(pk=table.pk)
    return table


def ordered_case_ids(table: RankingTable) -> list[int]:
    return list(table.entries.order_by("rank").values_list("case_id", flat=True))


def _rewrite(table: RankingTable, case_ids: list[int]) -> None:
    table.entries.all().delete()
    RankingEntry.objects.bulk_create(
        RankingEntry(table=table, case_id=case_id, rank=rank) for rank, case_id in enumerate(case_ids, start=1)
    )
    RankingTable.objects.filter(pk=table.pk).update(order_version=F("order_version") + 1)
    table.refresh_from_db(fields=["order_version"])


def _require_open(table: RankingTable) -> None:
    if table.is_locked:
        raise TransitionRefused(_("推荐排序表已报送省局，排序已锁定。"))


def require_reviewer_of(*, authority, actor) -> None:
    """Only reviewing members of the authority itself arrange its order and table."""
    if actor.organisation_id != authority.pk or actor.role not in REVIEWING_ROLES or not actor.is_active:
        raise PermissionDenied(_("只有本推荐单位的审核人员可以调整推荐排序表。"))


# --- effects of transitions (workflow/machine.py names them) ---------------------------


def ranking_append(*, case, record=None) -> None:
    """A newly recommended case goes to the end of the order."""
    table = table_for(campaign=case.campaign, authority=case.authority, lock=True)
    _require_open(table)
    _rewrite(table, [*ordered_case_ids(table), case.pk])


def ranking_remove(*, case, record=None) -> None:
    """A withdrawn recommendation leaves the order; those below move up."""
    table = table_for(campaign=case.campaign, authority=case.authority, lock=True)
    _require_open(table)
    _rewrite(table, [case_id for case_id in ordered_case_ids(table) if case_id != case.pk])


# --- the authority arranging its order -------------------------------------------------


@transaction.atomic
def ranking_set_order(*, table: RankingTable, actor, case_ids: list[int]) -> RankingTable:
    """Put the recommended cases in this order (first = highest priority)."""
    require_reviewer_of(authority=table.authority, actor=actor)
    table = RankingTable.objects.select_for_update().get(pk=table.pk)
    _require_open(table)
    current = ordered_case_ids(table)
    if sorted(case_ids) != sorted(current):
        # Someone recommended or withdrew a case since this page was loaded.
        raise TransitionRefused(_("推荐案例已有变化，请刷新页面后重新排序。"))
    if case_ids != current:
        _rewrite(table, case_ids)
    return table


def ranking_move(*, table: RankingTable, actor, case_id: int, to_rank: int) -> RankingTable:
    """Move one case to a rank (clamped to 1..n); the others keep their relative order."""
    order = ordered_case_ids(table)
    if case_id not in order:
        raise TransitionRefused(_("该案例不在推荐排序表中。"))
    order.remove(case_id)
    position = min(max(to_rank, 1), len(order) + 1) - 1
    order.insert(position, case_id)
    return ranking_set_order(table=table, actor=actor, case_ids=order)


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

"""The province's ordered recommendation of its best cases to the NRTA
(择优向国家广播电视总局推荐). The list belongs to the campaign: every change locks the
campaign's row first (core.ordering), so two recommendations at once cannot lose one."""

from django.db import transaction

from applications.models import Campaign
from core.ordering import OrderedList, moved
from reviews.models import NrtaEntry


def nrta_cases(campaign):
    """The recommended cases in the province's order."""
    return [
        entry.case
        for entry in NrtaEntry.objects.filter(campaign=campaign)
        .select_related("case", "case__unit", "case__authority", "case__category")
        .order_by("rank")
    ]


def _order_of(campaign) -> OrderedList:
    return OrderedList(
        owner=Campaign.objects.filter(pk=campaign.pk),
        entries=NrtaEntry.objects.filter(campaign_id=campaign.pk),
        item_field="case_id",
        make_entry=lambda case_id, rank: NrtaEntry(campaign_id=campaign.pk, case_id=case_id, rank=rank),
    )


@transaction.atomic
def nrta_append(*, case, record=None) -> None:
    """Effect of the recommend_to_nrta transition: the case joins the end of the list."""
    order = _order_of(case.campaign)
    _campaign, case_ids = order.lock()
    order.rewrite([*case_ids, case.pk])


@transaction.atomic
def nrta_move(*, campaign, case_id: int, step: int) -> None:
    """Move a case one place up (-1) or down (+1) in the list."""
    order = _order_of(campaign)
    _campaign, case_ids = order.lock()
    if case_id in case_ids:
        order.rewrite(moved(case_ids, case_id, to_rank=case_ids.index(case_id) + 1 + step))

"""The province's ordered recommendation of its best cases to the NRTA
(择优向国家广播电视总局推荐). The list belongs to the campaign: every change locks the
campaign's row first (core.ordering), so two recommendations at once cannot lose one."""

from django.db import transaction

from applications.enums import CaseState
from applications.models import Campaign, Case
from applications.services import campaign_require_open
from core.ordering import OrderedList, moved
from reviews.enums import PublicationKind
from reviews.experts.results import case_ranks
from reviews.models import NrtaEntry, Publication, Rubric
from reviews.outcome.announcement_documents import current_stage


def nrta_cases(campaign):
    """The recommended cases in the province's order."""
    return [
        entry.case
        for entry in NrtaEntry.objects.filter(campaign=campaign)
        .select_related("case", "case__unit", "case__authority", "case__category")
        .order_by("rank")
    ]


def nrta_candidates(campaign) -> list:
    """The cases the province may still recommend to the NRTA: only those the 通报
    published (none before it), in the 通报's order (category by category, by rank in
    the current results). Decisions cannot change after the 公示, so the selected cases
    are exactly those the 通报 lists."""
    if not Publication.objects.filter(campaign=campaign, kind=PublicationKind.ANNOUNCEMENT).exists():
        return []
    cases = list(
        Case.objects.filter(campaign=campaign, state=CaseState.SELECTED)
        .select_related("unit", "category")
        .defer("header", "sections", "figures")
    )
    ranks = {}
    stage, rubric = current_stage(campaign), Rubric.objects.filter(campaign=campaign).first()
    if cases and stage is not None and rubric is not None:
        ranks = case_ranks(stage=stage, rubric=rubric)

    def order(case):
        rank = ranks.get(case.pk)
        return (case.category.position, case.category_id, rank is None, rank or 0, case.title, case.pk)

    return sorted(cases, key=order)


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
    campaign_require_open(campaign)
    order = _order_of(campaign)
    _campaign, case_ids = order.lock()
    if case_id in case_ids:
        order.rewrite(moved(case_ids, case_id, to_rank=case_ids.index(case_id) + 1 + step))

"""The province's ordered recommendation of its best cases to the NRTA
(择优向国家广播电视总局推荐)."""

from django.db import transaction

from reviews.models import NrtaEntry


def nrta_cases(campaign):
    """The recommended cases in the province's order."""
    return [
        entry.case
        for entry in NrtaEntry.objects.filter(campaign=campaign)
        .select_related("case", "case__unit", "case__authority", "case__category")
        .order_by("rank")
    ]


def _rewrite(campaign, case_ids: list[int]) -> None:
    NrtaEntry.objects.filter(campaign=campaign).delete()
    NrtaEntry.objects.bulk_create(
        NrtaEntry(campaign=campaign, case_id=case_id, rank=rank) for rank, case_id in enumerate(case_ids, start=1)
    )


def nrta_append(*, case, record=None) -> None:
    """Effect of the recommend_to_nrta transition: the case joins the end of the list."""
    order = list(NrtaEntry.objects.filter(campaign=case.campaign).order_by("rank").values_list("case_id", flat=True))
    _rewrite(case.campaign, [*order, case.pk])


@transaction.atomic
def nrta_move(*, campaign, case_id: int, step: int) -> None:
    """Move a case one place up (-1) or down (+1) in the list."""
    order = list(
        NrtaEntry.objects.select_for_update()
        .filter(campaign=campaign)
        .order_by("rank")
        .values_list("case_id", flat=True)
    )
    if case_id not in order:
        return
    index = order.index(case_id)
    target = min(max(index + step, 0), len(order) - 1)
    order.insert(target, order.pop(index))
    _rewrite(campaign, order)

"""The ordered-list helper (core.ordering), and the two lists that use it: the
authority's ranking table and the province's list for the NRTA."""

import threading

import pytest
from django.db import connection, connections, transaction
from django.test.utils import CaptureQueriesContext

from applications.models import Campaign, Case
from core.ordering import OrderedList, moved, placed
from reviews.models import NrtaEntry
from reviews.outcome.nrta import nrta_append, nrta_move
from reviews.ranking.services import ranking_move, ranking_set_order, table_for
from tests.factories import make_case

needs_row_locks = pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite has no row locks")


def nrta_list(campaign) -> OrderedList:
    return OrderedList(
        owner=Campaign.objects.filter(pk=campaign.pk),
        entries=NrtaEntry.objects.filter(campaign=campaign),
        item_field="case_id",
        make_entry=lambda case_id, rank: NrtaEntry(campaign=campaign, case_id=case_id, rank=rank),
    )


def ranks(campaign) -> list[tuple[int, int]]:
    return list(NrtaEntry.objects.filter(campaign=campaign).order_by("rank").values_list("rank", "case_id"))


@pytest.fixture
def cases(cast):
    return [make_case(campaign=cast.campaign, applicant=cast.applicant_a, complete=False).pk for _ in range(4)]


def test_moved_keeps_the_others_in_order_and_clamps_the_rank():
    assert moved([1, 2, 3, 4], 3, to_rank=1) == [3, 1, 2, 4]
    assert moved([1, 2, 3, 4], 1, to_rank=3) == [2, 3, 1, 4]
    assert moved([1, 2, 3, 4], 2, to_rank=0) == [2, 1, 3, 4]
    assert moved([1, 2, 3, 4], 2, to_rank=99) == [1, 3, 4, 2]


def test_every_rewrite_leaves_ranks_one_to_n(cast, cases):
    a, b, c, d = cases
    for change in (
        lambda ids: [*ids, a],
        lambda ids: [*ids, b],
        lambda ids: [*ids, c],
        lambda ids: moved(ids, c, to_rank=1),
        lambda ids: [*ids, d],
        lambda ids: [i for i in ids if i != a],
    ):
        order = nrta_list(cast.campaign)
        with transaction.atomic():
            owner, ids = order.lock()
            order.rewrite(change(ids))
        assert owner == cast.campaign
        stored = [rank for rank, _case in ranks(cast.campaign)]
        assert stored == list(range(1, len(stored) + 1))
    assert order.ids() == [c, b, d]


def test_a_rewrite_needs_the_lock_and_distinct_ids(cast, cases):
    order = nrta_list(cast.campaign)
    with pytest.raises(RuntimeError, match="lock"):
        order.rewrite(cases)
    with transaction.atomic():
        order.lock()
        with pytest.raises(ValueError, match="twice"):
            order.rewrite([cases[0], cases[1], cases[0]])
    assert ranks(cast.campaign) == []


def test_a_rewrite_writes_only_the_ranks_that_change_and_leaves_the_list_exact(cast):
    """Rows before the first difference (and after the last, at the same length) are
    kept as they are; whatever the change, the list read back is the one written."""
    import random

    ids = [make_case(campaign=cast.campaign, applicant=cast.applicant_a, complete=False).pk for _ in range(8)]
    extra = ids.pop()
    order = nrta_list(cast.campaign)
    with transaction.atomic():
        order.lock()
        order.rewrite(ids)
    rows = dict(NrtaEntry.objects.values_list("case_id", "pk"))
    with transaction.atomic():
        order.lock()
        order.rewrite(moved(ids, ids[4], to_rank=3))  # ranks 3..5 change
    after = dict(NrtaEntry.objects.values_list("case_id", "pk"))
    assert [case_id for case_id in ids if after[case_id] == rows[case_id]] == [ids[0], ids[1], ids[5], ids[6]]
    chooser = random.Random(12)
    current = order.ids()
    for _ in range(30):
        change = chooser.choice(["move", "place", "append", "remove", "reverse"])
        if change == "move":
            current = moved(current, chooser.choice(current), to_rank=chooser.randint(1, len(current)))
        elif change == "place":
            picked = chooser.sample(current, 2)
            current = placed(current, dict(zip(picked, chooser.sample(range(1, len(current) + 1), 2), strict=True)))
        elif change == "append" and extra not in current:
            current = [*current, extra]
        elif change == "remove" and len(current) > 3:
            victim = chooser.choice(current)
            current = [case_id for case_id in current if case_id != victim]
        else:
            current = list(reversed(current))
        with transaction.atomic():
            order.lock()
            order.rewrite(current)
        assert ranks(cast.campaign) == list(enumerate(current, start=1))


def test_the_nrta_list_appends_and_moves_within_ranks_one_to_n(cast, cases):
    a, b, c, _d = cases
    for case_id in (a, b, c):
        nrta_append(case=Case.objects.get(pk=case_id))
    nrta_move(campaign=cast.campaign, case_id=c, step=-1)
    nrta_move(campaign=cast.campaign, case_id=a, step=-1)  # already first: stays
    nrta_move(campaign=cast.campaign, case_id=999_999, step=1)  # not on the list: nothing happens
    assert ranks(cast.campaign) == [(1, a), (2, c), (3, b)]


def test_the_ranking_table_keeps_ranks_one_to_n(cast, case_at):
    first, second, third = (case_at("recommended") for _ in range(3))
    table = table_for(campaign=cast.campaign, authority=cast.city_a)
    ranking_set_order(table=table, actor=cast.reviewer_a, case_ids=[third.pk, first.pk, second.pk])
    ranking_move(table=table, actor=cast.reviewer_a, case_id=second.pk, to_rank=1)
    entries = list(table.entries.order_by("rank").values_list("rank", "case_id"))
    assert entries == [(1, second.pk), (2, third.pk), (3, first.pk)]


@needs_row_locks
@pytest.mark.parametrize(
    "change",
    [
        lambda cast, case: nrta_append(case=case),
        lambda cast, case: nrta_move(campaign=cast.campaign, case_id=case.pk, step=1),
    ],
)
def test_both_lists_lock_their_owner_before_they_rewrite(cast, cases, change):
    case = Case.objects.get(pk=cases[0])
    with CaptureQueriesContext(connection) as queries:
        change(cast, case)
    sql = [query["sql"] for query in queries]
    locks = [number for number, text in enumerate(sql) if "FOR UPDATE" in text and '"applications_campaign"' in text]
    deletes = [number for number, text in enumerate(sql) if text.startswith("DELETE")]
    assert locks and (not deletes or locks[0] < deletes[0])


@needs_row_locks
@pytest.mark.django_db(transaction=True)
def test_two_recommendations_at_once_both_stay_on_the_nrta_list(cast, cases):
    """Without the lock both would read the empty list and one would overwrite the other."""
    barrier = threading.Barrier(len(cases))
    errors = []

    def append(case_id):
        try:
            case = Case.objects.get(pk=case_id)
            barrier.wait(timeout=10)
            nrta_append(case=case)
        except Exception as error:  # reported below, with the list as it ended
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=append, args=(case_id,)) for case_id in cases]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert errors == []
    assert [rank for rank, _case in ranks(cast.campaign)] == [1, 2, 3, 4]
    assert sorted(case_id for _rank, case_id in ranks(cast.campaign)) == sorted(cases)

"""An ordered list of ids kept as rows ranked 1..n (an authority's ranking table, the
province's list for the NRTA), rewritten whole under a lock.

    order = OrderedList(owner=Table.objects.filter(pk=…), entries=Entry.objects.filter(table_id=…),
                        item_field="case_id", make_entry=lambda case_id, rank: Entry(…))
    with transaction.atomic():
        table, ids = order.lock()
        order.rewrite(moved(ids, case_id, to_rank=1))

Every change first locks the one row that owns the list (select_for_update), then
reads the order and writes it again: two changes at once run one after the other, so
neither can write an order read before the other's change and lose it. The list knows
nothing of its models: they come in as querysets.
"""

from collections.abc import Callable, Iterable

from django.db.models import Model, QuerySet


class OrderedList:
    """One list, for one change: lock(), then rewrite() in the same transaction."""

    def __init__(
        self,
        *,
        owner: QuerySet,
        entries: QuerySet,
        item_field: str,
        make_entry: Callable[[int, int], Model] | None = None,
        make_entries: Callable[[list[tuple[int, int]]], Iterable[Model]] | None = None,
        rank_field: str = "rank",
    ):
        """`owner`: the one row the list belongs to; `entries`: the list's rows;
        `item_field`: the entry's field holding the id; `make_entry(id, rank)`: a new,
        unsaved entry, or `make_entries([(id, rank), …])`: those of one rewrite at once
        (when an entry copies something of its item: one read for all of them)."""
        if (make_entry is None) == (make_entries is None):
            raise TypeError("OrderedList needs make_entry or make_entries, not both.")
        self.owner = owner
        self.entries = entries
        self.item_field = item_field
        self.make_entries = make_entries or (lambda pairs: [make_entry(item, rank) for item, rank in pairs])
        self.rank_field = rank_field
        self._locked = False

    def ids(self) -> list[int]:
        """The ids in rank order, as they are now (no lock: for reading)."""
        return list(self.entries.order_by(self.rank_field).values_list(self.item_field, flat=True))

    def lock(self) -> tuple[Model, list[int]]:
        """Lock the owner's row until the transaction ends, then read the order: the
        owner as locked and the ids. Django refuses this outside a transaction."""
        owner = self.owner.select_for_update().get()
        self._locked = True
        self._ids = self.ids()
        return owner, list(self._ids)

    def rewrite(self, ids: list[int]) -> None:
        """Replace the list by `ids`, ranked 1..n. Only after `lock()`, in its transaction.

        Only the ranks that change are written: the rows before the first difference
        and, for a list of the same length, after the last one stay. A step up or down
        in a list of 4,000 writes two rows, not 4,000 (0.16 s each time)."""
        if not self._locked:
            raise RuntimeError("OrderedList.rewrite() needs lock() first, in the same transaction.")
        if len(set(ids)) != len(ids):
            raise ValueError(f"An id stands twice in the order: {ids}")
        old = self._ids
        head = 0
        while head < min(len(old), len(ids)) and old[head] == ids[head]:
            head += 1
        tail = 0  # rows kept at the end: same ids at the same ranks, so same lengths only
        if len(old) == len(ids):
            while tail < len(ids) - head and old[-1 - tail] == ids[-1 - tail]:
                tail += 1
        # Ranks head+1 .. len-tail of the old list go, those of the new list come.
        self.entries.filter(**{f"{self.rank_field}__gt": head, f"{self.rank_field}__lte": len(old) - tail}).delete()
        written = [(item, rank) for rank, item in enumerate(ids[head : len(ids) - tail], start=head + 1)]
        if written:
            self.entries.model.objects.bulk_create(self.make_entries(written))
        self._ids = list(ids)


def moved(ids: list[int], item: int, *, to_rank: int) -> list[int]:
    """`ids` with `item` moved to `to_rank` (clamped to 1..n); the others keep their
    relative order. `item` must be in `ids`."""
    order = [other for other in ids if other != item]
    position = min(max(to_rank, 1), len(order) + 1) - 1
    order.insert(position, item)
    return order


def placed(ids: list[int], ranks: dict[int, int]) -> list[int]:
    """`ids` with each item of `ranks` at the rank given (item -> rank, distinct, each
    in 1..n); the others keep their relative order around them. One item moved is
    `moved()`; items given their own ranks stay; a whole permutation is that order.

    Exact because the items go in by ascending rank: inserting one never shifts one
    inserted before it (that one sits lower), and the k-th of them, with k-1 placed
    below it and distinct ranks above it, always finds its position within the list."""
    if len(set(ranks.values())) != len(ranks) or not all(1 <= rank <= len(ids) for rank in ranks.values()):
        raise ValueError(f"Ranks must be distinct and within 1..{len(ids)}: {ranks}")
    order = [item for item in ids if item not in ranks]
    if len(order) + len(ranks) != len(ids):
        raise ValueError(f"An item to place is not in the list: {ranks}")
    for item, rank in sorted(ranks.items(), key=lambda pair: pair[1]):
        order.insert(rank - 1, item)
    return order

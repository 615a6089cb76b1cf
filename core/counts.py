"""Counting rows cheaply and exactly: a plain COUNT(*) of an index range per figure,
rather than one GROUP BY over the whole range.

On SQLite a GROUP BY compares every index entry's key and counts into a sorter or a
grouping register; a COUNT(*) over an equality range only steps through the entries.
Over 100,000 entries the second is twice as fast (counts per state: 7.2 ms grouped,
3.6 ms as eight plain counts; each expert's assignments: 17 ms as grouped subqueries,
8.7 ms as plain counts). On PostgreSQL each is an index(-only) scan of its range."""

from django.db import connection
from django.db.models import Count, Func, IntegerField, Subquery


class CountAll(Func):
    """COUNT(*) as a plain expression (no GROUP BY added): for a subquery counting the
    rows of its queryset."""

    template = "COUNT(*)"
    output_field = IntegerField()
    contains_aggregate = False


def count_of(queryset) -> Subquery:
    """The number of rows of `queryset`, as a scalar subquery (correlated when the
    queryset refers to OuterRef): one COUNT(*), no grouping."""
    return Subquery(queryset.order_by().annotate(n=CountAll()).values("n"), output_field=IntegerField())


class SumAll(Func):
    """SUM(expression) as a plain expression (no GROUP BY added), for a subquery adding
    up a column of its queryset's rows (NULL when there are none)."""

    function = "SUM"
    output_field = IntegerField()
    contains_aggregate = False


def sum_of(queryset, field: str) -> Subquery:
    """The sum of `field` over the rows of `queryset` (None when there are none), as a
    scalar subquery (correlated when the queryset refers to OuterRef), no grouping."""
    return Subquery(queryset.order_by().annotate(total=SumAll(field)).values("total"), output_field=IntegerField())


def counts_where(model, conditions: list[dict]) -> list[int]:
    """For each dict of `conditions` ({field name: value}, all equalities), how many
    rows of `model` match it: in one statement of scalar COUNT(*) subqueries, each
    reading the index range its equalities name. Values are parameters; names are the
    model's own columns."""
    if not conditions:
        return []
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    # Each field looked up and each value prepared once: the conditions repeat them
    # (a campaign in every one of a hundred counts).
    columns: dict[str, tuple] = {}
    prepared: dict[tuple, object] = {}
    parts, params = [], []
    for condition in conditions:
        where = []
        for name, value in condition.items():
            if name not in columns:
                field = model._meta.get_field(name)
                columns[name] = (field, f"{quote(field.column)} = %s")
            field, test = columns[name]
            if (name, value) not in prepared:
                prepared[name, value] = field.get_db_prep_value(value, connection)
            where.append(test)
            params.append(prepared[name, value])
        parts.append(f"(SELECT COUNT(*) FROM {table} WHERE {' AND '.join(where)})")
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(parts), params)
        return list(cursor.fetchone())


def counts_per(model, *, fixed: dict, by: list[str], keys: list[tuple]) -> dict[tuple, int]:
    """{key: rows of `model` with the `fixed` equalities whose fields `by` hold key} for
    each of `keys` (zero included), exactly: plain counts of each key's index range on
    SQLite, one grouped query elsewhere (see the module's note)."""
    if connection.vendor == "sqlite":
        counted = counts_where(model, [{**fixed, **dict(zip(by, key, strict=True))} for key in keys])
        return dict(zip(keys, counted, strict=True))
    result = dict.fromkeys(keys, 0)
    for row in model._default_manager.filter(**fixed).order_by().values(*by).annotate(n=Count("pk")):
        key = tuple(row[name] for name in by)
        if key in result:
            result[key] = row["n"]
    return result

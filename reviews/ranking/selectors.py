"""What the authority's review and the province's overview of the ranking tables read."""

from accounts.enums import AUTHORITY_KINDS
from accounts.models import Organisation
from accounts.roles import reviewing_authority
from applications.enums import CaseState
from applications.models import Case
from applications.selectors import cases_matching, cases_visible_to, with_stamped_scan_flag
from core.counts import counts_per, counts_where
from core.links import link_for_each
from reviews.enums import RankingTableStatus
from reviews.models import RankingEntry, RankingTable
from workflow.selectors import visible_state_counts_within


def case_table_locked(*, case) -> bool:
    """The ranking table holding the case has gone to the province."""
    return RankingEntry.objects.filter(case=case, table__status=RankingTableStatus.SUBMITTED).exists()


def ranking_rows(*, table, first: int, last: int, total: int, moved: str = "") -> list[dict]:
    """The ranks first..last of the table's order (a page of it) as the ranking page
    shows them, one plain row per entry: what each row prints (never the cases'
    narratives), numbers already as text, the link made without a reverse() per row,
    whether the row holds the first or the last rank of the whole order (`total`).
    Read by the (table, rank) index, whatever page and however long the order."""
    link = link_for_each("case_detail")
    entries = (
        table.entries.filter(rank__gte=first, rank__lte=last)
        .order_by("rank")
        .values_list("case_id", "rank", "case__title", "case__unit__name", "case__category__name")
    )
    return [
        {
            "case": str(case_id),
            "rank": str(rank),
            "title": title,
            "unit": unit,
            "category": category,
            "url": link(case_id),
            "moved": str(case_id) == moved,
            "is_first": rank == 1,
            "is_last": rank == total,
        }
        for case_id, rank, title, unit, category in entries
    ]


def review_queue(*, user, campaign, authority, filters: dict, sort: str):
    """The authority's cases of the campaign, filtered and sorted, in one query; each
    case carries has_stamped_scan and its ranking entry (rank) when recommended."""
    cases = cases_visible_to(user=user).filter(campaign=campaign, authority=authority)
    for field in ("category_id", "unit_id", "state", "unit__unit_type"):
        if filters.get(field):
            cases = cases.filter(**{field: filters[field]})
    cases = cases_matching(cases, filters.get("q", ""))
    cases = with_stamped_scan_flag(cases).select_related("ranking_entry").defer("header", "sections", "figures")
    return cases.order_by(*QUEUE_SORTS.get(sort, QUEUE_SORTS["updated"]))


def review_queue_counts(*, user, campaign, authority) -> dict[str, int]:
    """The cases of the authority's queue per state (every state, zero included), as
    the user may read them: read from the (campaign, authority, state) index, each
    tested against one hash of the permitted ids (workflow.selectors), not a probe of
    the table per permitted id (40 to 11 ms for 7,500 cases on PostgreSQL)."""
    return visible_state_counts_within(
        user=user, model=Case, codename="view_case", within={"campaign": campaign, "authority": authority}
    )


QUEUE_SORTS = {
    "updated": ("-updated_at", "-id"),
    "title": ("title", "id"),
    "unit": ("unit__name", "id"),
    "category": ("category__position", "id"),
    "state": ("state", "id"),
    "rank": ("ranking_entry__rank", "id"),
}


def authority_of(user):
    """The recommending authority `user` reviews for, or None."""
    return reviewing_authority(user)


def _ranked_per_category(*, tables, categories) -> dict[int, dict[int, int]]:
    """{authority id: {category id: cases in that authority's ranking tables}}: each
    table's entries per category (the entry holds its case's category), a plain count of
    each range of the entries' (table, category) index, all in one statement, where it
    probed an index once per case of the campaign (35 ms at 100,000 cases on SQLite, 5
    now). On PostgreSQL too: an index-only count per range, 7 ms against 25 for one
    grouping of the campaign's entries joined to their tables (50,000 entries)."""
    authority_of_table = {table.pk: table.authority_id for table in tables}
    keys = [(table.pk, category.pk) for table in tables for category in categories]
    counted = counts_where(RankingEntry, [{"table": table, "category": category} for table, category in keys])
    by_category: dict[int, dict[int, int]] = {}
    for (table_id, category_id), n in zip(keys, counted, strict=True):
        if n:
            per_category = by_category.setdefault(authority_of_table[table_id], {})
            per_category[category_id] = per_category.get(category_id, 0) + n
    return by_category


def campaign_overview(*, campaign):
    """Per authority: cases per state, recommendations per category, and its table, in a
    few queries whatever the number of cases."""
    authorities = list(Organisation.objects.filter(kind__in=AUTHORITY_KINDS).order_by("kind", "id"))
    # Each authority's cases per state: on SQLite one plain count of each range of the
    # cases' (campaign, authority, state) index, all in one statement, not one grouping
    # of every case of the campaign (11 ms against 5 at 100,000 cases); see core.counts.
    pairs = [(a.pk, state) for a in authorities for state in CaseState.values]
    counted = counts_per(Case, fixed={"campaign": campaign.pk}, by=["authority", "state"], keys=pairs)
    by_state: dict[int, dict[str, int]] = {a.pk: {} for a in authorities}
    for (authority, state), n in counted.items():
        if n:
            by_state[authority][state] = n
    # The current table of each authority (the open one, else the latest) and how many
    # supplementary tables it has.
    all_tables = list(RankingTable.objects.filter(campaign=campaign).order_by("authority_id", "sequence"))
    tables, supplementary = {}, {}
    for t in all_tables:
        if t.sequence > 1:
            supplementary[t.authority_id] = supplementary.get(t.authority_id, 0) + 1
        current = tables.get(t.authority_id)
        if current is None or current.is_locked:
            tables[t.authority_id] = t
    categories = list(campaign.categories.all())
    by_category = _ranked_per_category(tables=all_tables, categories=categories)
    return [
        {
            "authority": authority,
            "states": by_state.get(authority.pk, {}),
            "total": sum(by_state.get(authority.pk, {}).values()),
            "per_category": [by_category.get(authority.pk, {}).get(c.pk, 0) for c in categories],
            "recommended": sum(by_category.get(authority.pk, {}).values()),
            "table": tables.get(authority.pk),
            "supplementary": supplementary.get(authority.pk, 0),
        }
        for authority in authorities
    ], categories

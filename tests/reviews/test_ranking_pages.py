"""The ranking page a page of the order at a time (an authority may recommend thousands
of cases), with the whole order still arranged exactly: a typed rank sends a case to
any page, 上移/下移 at a page's edge cross into the neighbouring page, a drag reorders
its own page only; all through the same service, refused as before."""

import re

import pytest
from django.urls import reverse

from applications.enums import CampaignPhase
from core.ordering import moved, placed
from reviews.models import RankingTable
from reviews.ranking import views
from reviews.ranking.services import ranking_set_order, ranking_set_ranks, table_for
from tests.factories import set_phase
from workflow.exceptions import TransitionRefused
from workflow.services import apply_transition

SIZE = 3  # rows a page in these tests: seven cases make pages of 3, 3 and 1


@pytest.fixture
def seven(cast, case_at, monkeypatch):
    """Seven recommended cases of city A, ranked 1..7 in the order recommended."""
    monkeypatch.setattr(views, "RANKING_PAGE_SIZE", SIZE)
    return [case_at("recommended").pk for _ in range(7)]


def _ids(cast):
    table = table_for(campaign=cast.campaign, authority=cast.city_a)
    return list(table.entries.order_by("rank").values_list("case_id", flat=True))


def _table(cast):
    return table_for(campaign=cast.campaign, authority=cast.city_a)


def _page(client, number=None, **query):
    if number:
        query["page"] = number
    return client.get(reverse("reviews:ranking", args=[2024]), query)


def test_placed_puts_each_item_at_its_rank_and_keeps_the_others_in_order():
    ids = [1, 2, 3, 4, 5, 6, 7]
    assert placed(ids, {}) == ids
    assert placed(ids, {2: 6}) == moved(ids, 2, to_rank=6) == [1, 3, 4, 5, 6, 2, 7]
    assert placed(ids, {6: 1, 2: 7}) == [6, 1, 3, 4, 5, 7, 2]
    assert placed(ids, {1: 3, 2: 1, 3: 2}) == [2, 3, 1, 4, 5, 6, 7]
    # A whole permutation is that order.
    assert placed(ids, {i: 8 - i for i in ids}) == list(reversed(ids))
    for bad in ({1: 2, 2: 2}, {1: 8}, {1: 0}, {9: 1}):
        with pytest.raises(ValueError):
            placed(ids, bad)


def test_the_page_shows_its_ranks_only_with_global_numbers_and_edges(client, cast, seven):
    client.force_login(cast.reviewer_a)
    page = _page(client, 2)
    html = page.content.decode()
    assert [row["case"] for row in page.context["entries"]] == [str(pk) for pk in seven[3:6]]
    assert all(f'id="case-{pk}"' not in html for pk in seven[:3] + seven[6:])
    assert f'name="rank__{seven[3]}" value="4"' in html and 'max="7"' in html
    assert 'name="first" value="4"' in html
    assert "本页为第 4–6 位，共 7 个推荐案例。" in html
    # 上移 on the page's first row and 下移 on its last are live: they cross pages.
    assert not _disabled(html, seven[3], "up") and not _disabled(html, seven[5], "down")
    # Only the order's very first and last ranks have a button disabled.
    first, last = _page(client, 1).content.decode(), _page(client, 3).content.decode()
    assert _disabled(first, seven[0], "up") and not _disabled(first, seven[0], "down")
    assert _disabled(last, seven[6], "down") and not _disabled(last, seven[6], "up")


def _disabled(html: str, pk: int, direction: str) -> bool:
    button = re.search(rf'<button type="submit" form="step-{pk}-{direction}"[^>]*>', html).group(0)
    return " disabled" in button


def test_up_and_down_at_a_page_edge_cross_into_the_neighbouring_page(client, cast, seven):
    client.force_login(cast.reviewer_a)
    step = reverse("reviews:ranking_step", args=[2024])
    # The first row of page 2 moves up: to rank 3, the last row of page 1.
    response = client.post(step, {"case": seven[3], "direction": "up"})
    assert response["Location"].endswith(f"?moved={seven[3]}&direction=up#case-{seven[3]}")
    assert _ids(cast) == [seven[0], seven[1], seven[3], seven[2], *seven[4:]]
    page = client.get(response["Location"])
    assert f'id="case-{seven[3]}" data-case="{seven[3]}" class="row-moved"' in page.content.decode()
    # Down again, from page 1's last row: back on page 2, its button focused.
    response = client.post(step, {"case": seven[3], "direction": "down"})
    assert f"page=2&moved={seven[3]}&direction=down" in response["Location"]
    assert _ids(cast) == seven
    html = client.get(response["Location"]).content.decode()
    row = re.search(rf'<tr id="case-{seven[3]}".*?</tr>', html, re.S).group(0)
    assert "autofocus" in row
    # The page's links do not carry the marked row.
    assert "moved=" not in re.search(r'<nav aria-label="分页".*?</nav>', html, re.S).group(0)


def test_a_typed_rank_moves_a_case_to_any_page_exactly(client, cast, seven):
    client.force_login(cast.reviewer_a)
    table = _table(cast)
    # Page 1: its second case typed to rank 6 (page 2), the others left as shown.
    form = {"first": 1, "version": table.order_version, **{f"rank__{pk}": r for r, pk in enumerate(seven[:3], 1)}}
    form[f"rank__{seven[1]}"] = 6
    response = client.post(reverse("reviews:ranking_order", args=[2024]), form)
    assert _ids(cast) == [seven[0], seven[2], seven[3], seven[4], seven[5], seven[1], seven[6]]
    # Shown where it went, marked.
    assert response["Location"].endswith(f"?page=2&moved={seven[1]}#case-{seven[1]}")
    # From the last page to the very top, through the service.
    before = _ids(cast)
    ranking_set_ranks(
        table=table, actor=cast.reviewer_a, ranks={seven[6]: 1}, first=7, version=_table(cast).order_version
    )
    assert _ids(cast) == [seven[6], *before[:6]]


def test_renumbering_a_page_is_that_pages_order_and_the_rest_stays(cast, seven):
    table = _table(cast)
    ranking_set_ranks(
        table=table, actor=cast.reviewer_a, ranks={seven[3]: 6, seven[4]: 4, seven[5]: 5}, first=4, version=None
    )
    assert _ids(cast) == [*seven[:3], seven[4], seven[5], seven[3], seven[6]]


def test_a_drag_reorders_its_own_page_only(client, cast, seven):
    client.force_login(cast.reviewer_a)
    table = _table(cast)
    order = ",".join(str(pk) for pk in (seven[5], seven[3], seven[4]))
    response = client.post(
        reverse("reviews:ranking_order", args=[2024]), {"order": order, "first": 4, "version": table.order_version}
    )
    assert response["Location"].endswith("?page=2")
    assert _ids(cast) == [*seven[:3], seven[5], seven[3], seven[4], seven[6]]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        # The page was made from an older order (a colleague moved a case since).
        (lambda t, s: {"ranks": {s[3]: 1}, "first": 4, "version": t.order_version - 1}, "推荐排序在本页打开后已有变化"),
        # The ranks claimed are no longer these cases'.
        (lambda t, s: {"ranks": {s[4]: 4, s[3]: 5, s[5]: 6}, "first": 3}, "推荐案例已有变化"),
        (lambda t, s: {"ranks": {s[3]: 5, s[4]: 5, s[5]: 6}, "first": 4}, "排序号重复：5。"),
        (lambda t, s: {"ranks": {s[3]: 8, s[4]: 5, s[5]: 6}, "first": 4}, "须为 1 至 7 的连续整数"),
        (lambda t, s: {"ranks": {s[3]: 0, s[4]: 5, s[5]: 6}, "first": 4}, "须为 1 至 7 的连续整数"),
        (lambda t, s: {"case_ids": [s[4], s[3]], "first": 3}, "推荐案例已有变化"),
        (lambda t, s: {"case_ids": [s[4], s[3]], "first": 0}, "推荐案例已有变化"),
        (lambda t, s: {"case_ids": [s[4], s[3]], "first": 4, "version": t.order_version + 1}, "已有变化"),
    ],
)
def test_page_changes_that_do_not_fit_the_order_are_refused_and_nothing_changes(cast, seven, change, message):
    table = _table(cast)
    arguments = change(table, seven)
    service = ranking_set_ranks if "ranks" in arguments else ranking_set_order
    with pytest.raises(TransitionRefused) as refused:
        service(table=table, actor=cast.reviewer_a, **arguments)
    assert message in refused.value.reasons[0]
    assert _ids(cast) == seven


def test_page_changes_are_refused_when_the_table_is_submitted_or_the_campaign_archived(cast, seven):
    table = _table(cast)
    calls = [
        lambda: ranking_set_ranks(table=table, actor=cast.reviewer_a, ranks={seven[3]: 1}, first=4),
        lambda: ranking_set_order(table=table, actor=cast.reviewer_a, case_ids=[seven[4], seven[3]], first=4),
    ]
    RankingTable.objects.filter(pk=table.pk).update(status="submitted")
    for call in calls:
        with pytest.raises(TransitionRefused) as refused:
            call()
        assert "推荐排序表已报送省局，排序已锁定。" in refused.value.reasons[0]
    RankingTable.objects.filter(pk=table.pk).update(status="open")
    set_phase(cast.campaign, CampaignPhase.ARCHIVED)
    for call in calls:
        with pytest.raises(TransitionRefused) as refused:
            call()
        assert "已归档" in refused.value.reasons[0]
    assert _ids(cast) == seven


def test_only_the_authoritys_reviewers_arrange_a_page(client, cast, seven):
    table = _table(cast)
    for user in ("reviewer_b", "applicant_a", "province_admin"):
        with pytest.raises(Exception) as refused:
            ranking_set_ranks(table=table, actor=getattr(cast, user), ranks={seven[3]: 1}, first=4)
        assert "只有本推荐单位的审核人员" in str(refused.value)
    # Through the page, city B's reviewer reaches city B's own (empty) table only.
    client.force_login(cast.reviewer_b)
    client.post(reverse("reviews:ranking_order", args=[2024]), {f"rank__{seven[3]}": 1, "first": 4})
    assert _ids(cast) == seven


def test_a_withdrawn_case_on_an_earlier_page_shifts_the_pages_and_a_stale_page_is_refused(client, cast, seven):
    client.force_login(cast.reviewer_a)
    version = _table(cast).order_version
    apply_transition(subject=_case(seven[0]), action="revoke_recommendation", actor=cast.reviewer_a, comment="再斟酌")
    response = client.post(
        reverse("reviews:ranking_order", args=[2024]),
        {"order": f"{seven[5]},{seven[4]},{seven[3]}", "first": 4, "version": version},
        follow=True,
    )
    assert "推荐排序在本页打开后已有变化" in response.content.decode()
    assert _ids(cast) == seven[1:]
    # The page made now starts one case later.
    assert [row["case"] for row in _page(client, 2).context["entries"]] == [str(pk) for pk in seven[4:7]]


def test_the_submitted_table_is_read_a_page_at_a_time_and_printed_whole(client, cast, seven):
    RankingTable.objects.filter(authority=cast.city_a).update(status="submitted")
    client.force_login(cast.reviewer_a)
    html = _page(client, 3).content.decode()
    assert f'id="case-{seven[6]}"' in html and f'id="case-{seven[0]}"' not in html
    assert "rank__" not in html and "step-" not in html
    from applications.models import Case
    from reviews.ranking.documents import ranking_document

    titles = dict(Case.objects.filter(pk__in=seven).values_list("pk", "title"))
    rows = ranking_document(_table(cast)).rows
    assert [(row.rank, row.title) for row in rows] == [(rank, titles[pk]) for rank, pk in enumerate(seven, 1)]


def _case(pk):
    from applications.models import Case

    return Case.objects.get(pk=pk)

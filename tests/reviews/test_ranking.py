"""The authority's priority order: one order across categories, ranks 1..n with no
gap and no tie (the database says so too), stable as cases come and go."""

import pytest
from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import reverse

from applications.models import Case
from reviews.models import RankingEntry, RankingTable
from reviews.ranking.services import ranking_move, ranking_set_order, ranking_set_ranks, table_for
from workflow.exceptions import TransitionRefused
from workflow.services import apply_transition


@pytest.fixture
def three(cast, case_at):
    """Three recommended cases of city A, in the order they were recommended."""
    return [case_at("recommended") for _ in range(3)]


def _order(table):
    return list(table.entries.order_by("rank").values_list("case_id", "rank"))


def test_recommending_appends_and_revoking_closes_the_gap(cast, three):
    table = table_for(campaign=cast.campaign, authority=cast.city_a)
    assert _order(table) == [(three[0].pk, 1), (three[1].pk, 2), (three[2].pk, 3)]
    apply_transition(subject=three[1], action="revoke_recommendation", actor=cast.reviewer_a, comment="再斟酌")
    assert _order(table) == [(three[0].pk, 1), (three[2].pk, 2)]
    apply_transition(subject=three[1], action="recommend", actor=cast.reviewer_a)
    assert _order(table) == [(three[0].pk, 1), (three[2].pk, 2), (three[1].pk, 3)]


def test_one_order_across_categories(cast, case_at):
    from tests.factories import make_case

    services = make_case(campaign=cast.campaign, applicant=cast.applicant_a, category_code="services")
    apply_transition(subject=services, action="submit", actor=cast.applicant_a)
    apply_transition(subject=services, action="recommend", actor=cast.reviewer_a)
    platform = case_at("recommended")
    table = table_for(campaign=cast.campaign, authority=cast.city_a)
    assert [case_id for case_id, _rank in _order(table)] == [services.pk, platform.pk]


def test_reorder_move_and_typed_ranks(cast, three):
    table = table_for(campaign=cast.campaign, authority=cast.city_a)
    a, b, c = (case.pk for case in three)
    ranking_set_order(table=table, actor=cast.reviewer_a, case_ids=[c, a, b])
    assert _order(table) == [(c, 1), (a, 2), (b, 3)]
    ranking_move(table=table, actor=cast.reviewer_a, case_id=b, to_rank=1)
    assert _order(table) == [(b, 1), (c, 2), (a, 3)]
    ranking_move(table=table, actor=cast.reviewer_a, case_id=b, to_rank=99)  # clamped
    assert _order(table) == [(c, 1), (a, 2), (b, 3)]
    ranking_set_ranks(table=table, actor=cast.reviewer_a, ranks={a: 1, b: 2, c: 3})
    assert _order(table) == [(a, 1), (b, 2), (c, 3)]


@pytest.mark.parametrize(
    ("ranks", "message"),
    [
        ({0: 1, 1: 1, 2: 2}, "排序号重复：1。"),
        ({0: 1, 1: 2, 2: 5}, "须为 1 至 3 的连续整数"),
        ({0: 1, 1: 2}, "推荐案例已有变化"),
    ],
)
def test_bad_typed_ranks_are_refused_and_nothing_changes(cast, three, ranks, message):
    table = table_for(campaign=cast.campaign, authority=cast.city_a)
    before = _order(table)
    with pytest.raises(TransitionRefused) as refused:
        ranking_set_ranks(table=table, actor=cast.reviewer_a, ranks={three[i].pk: r for i, r in ranks.items()})
    assert message in refused.value.reasons[0]
    assert _order(table) == before


def test_the_database_refuses_ties(cast, three):
    with pytest.raises(IntegrityError), transaction.atomic():
        RankingEntry.objects.filter(case=three[2]).update(rank=1)
    assert RankingEntry.objects.get(case=three[2]).rank == 3


def test_the_database_refuses_gaps(cast, three):
    table = table_for(campaign=cast.campaign, authority=cast.city_a)
    with pytest.raises(IntegrityError), transaction.atomic():
        RankingEntry.objects.filter(case=three[2]).update(rank=7)
        RankingTable.objects.filter(pk=table.pk).update(status="submitted")  # any write of the table checks
    with pytest.raises(IntegrityError), transaction.atomic():
        RankingEntry.objects.filter(case=three[0]).delete()
        RankingTable.objects.filter(pk=table.pk).update(order_version=table.order_version + 1)
    assert _order(table) == [(three[0].pk, 1), (three[1].pk, 2), (three[2].pk, 3)]


def test_only_the_authoritys_reviewers_arrange_its_order(cast, three):
    table = table_for(campaign=cast.campaign, authority=cast.city_a)
    for user in ("reviewer_b", "applicant_a", "province_admin", "expert_assigned"):
        with pytest.raises(Exception) as refused:
            ranking_set_order(table=table, actor=getattr(cast, user), case_ids=[c.pk for c in reversed(three)])
        assert "只有本推荐单位的审核人员" in str(refused.value)
    assert [case_id for case_id, _ in _order(table)] == [c.pk for c in three]


def test_keyboard_buttons_and_rank_numbers_through_the_page(client, cast, three):
    a, b, c = (case.pk for case in three)
    client.force_login(cast.reviewer_a)
    client.post(reverse("reviews:ranking_step", args=[2024]), {"case": c, "direction": "up"})
    table = table_for(campaign=cast.campaign, authority=cast.city_a)
    assert _order(table) == [(a, 1), (c, 2), (b, 3)]
    client.post(reverse("reviews:ranking_order", args=[2024]), {f"rank__{a}": 3, f"rank__{b}": 1, f"rank__{c}": 2})
    assert _order(table) == [(b, 1), (c, 2), (a, 3)]
    client.post(reverse("reviews:ranking_order", args=[2024]), {"order": f"{a},{b},{c}"})
    assert _order(table) == [(a, 1), (b, 2), (c, 3)]
    page = client.post(
        reverse("reviews:ranking_order", args=[2024]), {f"rank__{a}": 1, f"rank__{b}": 1, f"rank__{c}": 2}, follow=True
    )
    assert "排序号重复：1。" in page.content.decode()


def test_the_page_lists_the_order_with_its_controls_only_while_the_table_is_open(client, cast, three):
    a, b, c = (case.pk for case in three)
    client.force_login(cast.reviewer_a)
    page = client.get(reverse("reviews:ranking", args=[2024])).content.decode()
    rows = [page.index(f'id="case-{pk}"') for pk in (a, b, c)]
    assert rows == sorted(rows), "in the order's ranks"
    assert f'href="{reverse("case_detail", args=[c])}"' in page
    assert f'name="rank__{c}" value="3"' in page and f'id="step-{c}-up"' in page
    # Submitted: the order is read-only, with no field, button or form to move a case.
    RankingTable.objects.filter(authority=cast.city_a).update(status="submitted")
    page = client.get(reverse("reviews:ranking", args=[2024])).content.decode()
    assert f'id="case-{c}"' in page and f'href="{reverse("case_detail", args=[c])}"' in page
    assert "rank__" not in page and "step-" not in page


def test_another_authoritys_reviewer_cannot_touch_this_order(client, cast, three):
    table = table_for(campaign=cast.campaign, authority=cast.city_a)
    client.force_login(cast.reviewer_b)
    client.post(reverse("reviews:ranking_step", args=[2024]), {"case": three[2].pk, "direction": "up"})
    client.post(reverse("reviews:ranking_order", args=[2024]), {"order": ",".join(str(c.pk) for c in reversed(three))})
    assert [case_id for case_id, _ in _order(table)] == [c.pk for c in three]
    # City B's own table is what city B's pages show: empty.
    page = client.get(reverse("reviews:ranking", args=[2024]))
    assert not page.context["entries"] and three[0].title not in page.content.decode()


@pytest.mark.parametrize("user", ["applicant_a", "expert_assigned", "expert_unassigned"])
def test_review_pages_answer_404_to_other_roles(client, cast, three, user):
    client.force_login(getattr(cast, user))
    for name in ("reviews:queue", "reviews:ranking", "reviews:ranking_pdf", "reviews:ranking_xlsx"):
        assert client.get(reverse(name, args=[2024])).status_code == 404
    for name in ("reviews:ranking_order", "reviews:ranking_step", "reviews:ranking_scan", "reviews:ranking_submit"):
        assert client.post(reverse(name, args=[2024]), {"order": "1"}).status_code == 404
    assert client.get(reverse("reviews:overview", args=[2024])).status_code == 404


def _overview_figures(campaign) -> dict[int, tuple[list[int], int]]:
    """What the overview shows per authority: its ranked cases per category, their sum."""
    from reviews.ranking.selectors import campaign_overview

    rows, _categories = campaign_overview(campaign=campaign)
    return {row["authority"].pk: (row["per_category"], row["recommended"]) for row in rows}


def _recounted(campaign) -> dict[int, tuple[list[int], int]]:
    """The same figures counted plainly: every entry of the campaign's tables joined to
    its case, by its table's authority and its case's category (never the stored copy)."""
    from accounts.enums import AUTHORITY_KINDS
    from accounts.models import Organisation

    categories = list(campaign.categories.values_list("pk", flat=True))
    counts: dict[tuple[int, int], int] = {}
    for key in RankingEntry.objects.filter(table__campaign=campaign).values_list(
        "table__authority_id", "case__category_id"
    ):
        counts[key] = counts.get(key, 0) + 1
    figures = {}
    for authority in Organisation.objects.filter(kind__in=AUTHORITY_KINDS):
        per_category = [counts.get((authority.pk, category), 0) for category in categories]
        figures[authority.pk] = (per_category, sum(per_category))
    return figures


def _assert_exact(campaign):
    campaign.refresh_from_db()
    stale = RankingEntry.objects.exclude(category_id=F("case__category_id"))
    assert not stale.exists(), list(stale.values_list("case_id", "category_id", "case__category_id"))
    assert _overview_figures(campaign) == _recounted(campaign)


def test_the_overviews_ranked_counts_equal_a_plain_recount_after_every_kind_of_change(cast, case_at):
    """The overview counts the entries per (table, category) from the category each
    entry holds: after each kind of change to the tables it equals counting every entry
    joined to its case."""
    from reviews.ranking.services import case_return_to_authority, ranking_return, ranking_scan_upload, ranking_submit
    from tests.factories import close_submissions, make_case, pdf_upload

    def recommended(*, applicant, category_code):
        case = make_case(campaign=cast.campaign, applicant=applicant, category_code=category_code)
        apply_transition(subject=case, action="submit", actor=applicant)
        reviewer = cast.reviewer_a if applicant == cast.applicant_a else cast.reviewer_b
        apply_transition(subject=case, action="recommend", actor=reviewer)
        return case

    a1 = recommended(applicant=cast.applicant_a, category_code="platform")
    a2 = recommended(applicant=cast.applicant_a, category_code="services")
    a3 = recommended(applicant=cast.applicant_a, category_code="services")
    b1 = recommended(applicant=cast.applicant_b, category_code="platform")
    _assert_exact(cast.campaign)  # recommended
    assert _overview_figures(cast.campaign)[cast.city_a.pk][1] == 3
    table_a = table_for(campaign=cast.campaign, authority=cast.city_a)
    ranking_move(table=table_a, actor=cast.reviewer_a, case_id=a3.pk, to_rank=1)
    _assert_exact(cast.campaign)  # reordered
    apply_transition(subject=a2, action="revoke_recommendation", actor=cast.reviewer_a, comment="再斟酌")
    _assert_exact(cast.campaign)  # revoked
    rejected = case_at("submitted")
    apply_transition(subject=rejected, action="reject", actor=cast.reviewer_a, comment="不推荐")
    _assert_exact(cast.campaign)  # rejected: never in a table
    apply_transition(subject=a2, action="recommend", actor=cast.reviewer_a)
    _assert_exact(cast.campaign)  # recommended again
    close_submissions(cast.campaign)
    ranking_scan_upload(table=table_a, actor=cast.reviewer_a, uploaded=pdf_upload())
    ranking_submit(campaign=cast.campaign, authority=cast.city_a, actor=cast.reviewer_a)
    _assert_exact(cast.campaign)  # the table submitted
    case_return_to_authority(case=a1, actor=cast.province_admin, reason="请补充材料")
    supplementary = table_for(campaign=cast.campaign, authority=cast.city_a)
    assert supplementary.sequence == 2 and list(supplementary.entries.values_list("case_id", flat=True)) == [a1.pk]
    _assert_exact(cast.campaign)  # one case returned: into a supplementary table
    ranking_scan_upload(table=supplementary, actor=cast.reviewer_a, uploaded=pdf_upload())
    ranking_submit(campaign=cast.campaign, authority=cast.city_a, actor=cast.reviewer_a)
    _assert_exact(cast.campaign)  # the supplementary table submitted
    ranking_return(table=RankingTable.objects.get(pk=table_a.pk), actor=cast.province_admin, reason="请核实")
    _assert_exact(cast.campaign)  # the main table returned
    assert _overview_figures(cast.campaign)[cast.city_a.pk][1] == 3
    # No service changes a case's category; a save that does carries its entry along.
    b1.category = cast.campaign.categories.get(code="services")
    b1.save()
    _assert_exact(cast.campaign)
    Case.objects.get(pk=a3.pk).save(update_fields=["title"])  # a save not naming it: untouched
    _assert_exact(cast.campaign)

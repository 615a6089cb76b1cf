"""The statistics page: figures equal to counts made here from what the test built,
a constant number of queries, and each role seeing only what it may."""

from collections import Counter
from datetime import timedelta

import pytest
from django.urls import reverse

from applications.enums import CaseState
from reviews.models import LeagueWeights
from reviews.statistics.selectors import RECOMMENDED_STATES, SELECTED_STATES, campaign_statistics
from workflow.models import TransitionRecord

REACHED = {  # the states a case has once its authority has it, and what they count as
    "submitted",
    "returned",
    "not_recommended",
    "recommended",
    "in_expert_review",
    "reviewed",
    "selected",
    "not_selected",
}


@pytest.fixture
def built(cast, case_in, case_at):
    """Cases of both cities and the province in several states, and the list of what
    was built: (authority name, category name, unit type, state)."""
    made = []
    plan = [
        ("applicant_a", "draft"),
        ("applicant_a", "submitted"),
        ("applicant_a", "recommended"),
        ("applicant_a", "selected"),
        ("applicant_a", "not_selected"),
        ("applicant_b", "submitted"),
        ("applicant_b", "selected"),
        ("applicant_p", "recommended"),
    ]
    for who, state in plan:
        case = case_in(state, applicant=getattr(cast, who))
        made.append((case.authority.name, case.category.name, case.unit.unit_type, state))
    returned = case_at("returned")  # a real return, in the history
    made.append((returned.authority.name, returned.category.name, returned.unit.unit_type, "returned"))
    return made


def expected_counts(made, index):
    submitted, recommended, selected = Counter(), Counter(), Counter()
    for row in made:
        if row[3] in REACHED:
            submitted[row[index]] += 1
            if row[3] in {str(s) for s in RECOMMENDED_STATES}:
                recommended[row[index]] += 1
            if row[3] in {str(s) for s in SELECTED_STATES}:
                selected[row[index]] += 1
    return submitted, recommended, selected


def test_the_figures_equal_counts_made_independently(cast, built):
    statistics = campaign_statistics(campaign=cast.campaign)
    submitted, recommended, selected = expected_counts(built, 0)
    rows = {row[0]: row for row in statistics.table("authority").rows}
    for name in {cast.city_a.name, cast.city_b.name, cast.province.name}:
        assert rows[name][1] == submitted[name], name
        assert rows[name][3] == recommended[name], name
        assert rows[name][4] == selected[name], name
    # City A: one case returned, ever (the history says so, not the state alone).
    assert rows[cast.city_a.name][2] == 1
    assert rows[cast.city_b.name][2] == 0
    assert rows[cast.city_a.name][5] == f"{recommended[cast.city_a.name] * 100 / submitted[cast.city_a.name]:.1f}%"
    sub_c, rec_c, sel_c = expected_counts(built, 1)
    for row in statistics.table("category").rows:
        assert (row[1], row[3], row[4]) == (sub_c[row[0]], rec_c[row[0]], sel_c[row[0]])
    assert statistics.totals.submitted == sum(submitted.values())
    assert statistics.totals.selected == sum(selected.values())
    years = statistics.table("years").rows
    assert years == [
        ["2024", sum(submitted.values()), sum(recommended.values()), sum(selected.values()), *years[0][4:]]
    ]


def test_timeliness_counts_first_submissions_by_days_before_the_deadline(cast, built):
    # The one case with a history was submitted now; the deadline is ten days on.
    first = TransitionRecord.objects.get(from_state=CaseState.DRAFT, to_state=CaseState.SUBMITTED)
    assert timedelta(days=7) < cast.campaign.submission_deadline - first.created_at < timedelta(days=14)
    row = campaign_statistics(campaign=cast.campaign).table("timeliness").rows
    assert row == [[cast.city_a.name, 0, 1, 0, 0, 0, 0]]


def test_the_authority_sees_its_own_units_only(cast, built):
    statistics = campaign_statistics(campaign=cast.campaign, authority=cast.city_a)
    mine = [row for row in built if row[0] == cast.city_a.name]
    submitted, _recommended, selected = expected_counts(mine, 0)
    assert statistics.totals.submitted == submitted[cast.city_a.name]
    assert statistics.totals.selected == selected[cast.city_a.name]
    keys = [table.key for table in statistics.tables]
    assert "authority" not in keys and "experts" not in keys and "scores" not in keys and "league" not in keys


def test_the_query_count_does_not_grow_with_the_cases(cast, case_in, django_assert_max_num_queries):
    case_in("selected")
    with django_assert_max_num_queries(20) as few:
        campaign_statistics(campaign=cast.campaign)
    for state in ["submitted", "recommended", "selected", "not_selected", "reviewed"] * 3:
        case_in(state, applicant=cast.applicant_b)
    with django_assert_max_num_queries(len(few.captured_queries)):
        campaign_statistics(campaign=cast.campaign)
    with django_assert_max_num_queries(9):  # the authority's page reads fewer
        campaign_statistics(campaign=cast.campaign, authority=cast.city_b)


def test_the_league_ranks_by_the_weights_the_province_sets(client, cast, built):
    url = reverse("reviews:league_weights", args=[2024])
    client.force_login(cast.province_admin)
    response = client.post(url, {"submissions": 30, "timeliness": 30, "selections": 30, "scores": 30})
    assert response.status_code == 400
    assert "四项权重之和应为100，现为120。" in response.content.decode()
    assert not LeagueWeights.objects.exists()
    response = client.post(url, {"submissions": 100, "timeliness": 0, "selections": 0, "scores": 0})
    assert response.status_code == 302
    league = campaign_statistics(campaign=cast.campaign).table("league").rows
    submitted, _r, _s = expected_counts(built, 0)
    best = max(submitted.values())
    by_name = {row[1]: row for row in league}
    for name, count in submitted.items():
        assert by_name[name][6] == count
        assert float(by_name[name][10]) == pytest.approx(count * 100 / best, abs=0.01)
    assert league[0][0] == 1 and league[0][6] == best


@pytest.mark.parametrize("who", ["applicant_a", "expert_assigned", "expert_unassigned"])
def test_units_and_experts_see_no_statistics(client, cast, built, who):
    client.force_login(getattr(cast, who))
    for url in [
        reverse("reviews:statistics_home"),
        reverse("reviews:statistics", args=[2024]),
        reverse("reviews:statistics_xlsx", args=[2024]),
    ]:
        assert client.get(url).status_code == 404, url
    assert "统计分析" not in client.get(reverse("dashboard")).content.decode()


@pytest.mark.parametrize("who", ["applicant_a", "reviewer_a", "expert_assigned"])
def test_only_the_province_sets_the_weights(client, cast, who):
    client.force_login(getattr(cast, who))
    url = reverse("reviews:league_weights", args=[2024])
    assert client.post(url, {"submissions": 100, "timeliness": 0, "selections": 0, "scores": 0}).status_code == 404
    assert not LeagueWeights.objects.exists()


def test_the_authority_page_shows_its_own_figures_and_no_other_city(client, cast, built):
    client.force_login(cast.reviewer_b)
    page = client.get(reverse("reviews:statistics", args=[2024])).content.decode()
    main = page.split("<main", 1)[1].split("</main>", 1)[0]  # the header names the organiser, the province
    assert cast.city_b.name in main
    assert cast.city_a.name not in main and cast.province.name not in main
    assert "推荐单位综合排名" not in page and "专家评审进度" not in page
    assert 'id="statistics-data"' in page and "<script>" not in page  # data by json_script, no inline script


def test_the_province_page_and_its_excel(client, cast, built):
    client.force_login(cast.province_admin)
    assert client.get(reverse("reviews:statistics_home")).url == reverse("reviews:statistics", args=[2024])
    page = client.get(reverse("reviews:statistics", args=[2024])).content.decode()
    for title in ["各推荐单位申报、推荐与入选", "专家评审进度", "推荐单位综合排名", "历年对比"]:
        assert title in page
    response = client.get(reverse("reviews:statistics_xlsx", args=[2024]))
    assert response.status_code == 200 and response.content.startswith(b"PK")
    from io import BytesIO

    from openpyxl import load_workbook

    workbook = load_workbook(BytesIO(response.content))
    sheet = workbook["各推荐单位申报、推荐与入选"]
    values = {sheet.cell(row=r, column=1).value: sheet.cell(row=r, column=2).value for r in range(3, sheet.max_row + 1)}
    submitted, _r, _s = expected_counts(built, 0)
    assert values[cast.city_b.name] == submitted[cast.city_b.name]


def test_the_page_costs_the_same_queries_however_many_cases(client, cast, case_in, django_assert_max_num_queries):
    client.force_login(cast.province_admin)
    url = reverse("reviews:statistics", args=[2024])
    case_in("selected")
    with django_assert_max_num_queries(30) as few:
        assert client.get(url).status_code == 200
    for state in ["submitted", "recommended", "selected", "not_selected"] * 3:
        case_in(state, applicant=cast.applicant_b)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(url).status_code == 200

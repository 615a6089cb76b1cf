"""Search, filters and the Excel export of the dashboard (every role's case list) and
the expert's queue: what is exported is what the page lists, only what the user may
see, in the state it shows them; hostile parameters are ignored, never a 500."""

from io import BytesIO

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from reviews.models import ExpertAssignment
from tests.factories import submit_review


def _exported(response):
    sheet = load_workbook(BytesIO(response.content)).active
    header = [cell.value for cell in sheet[2]]
    return header, [list(row) for row in sheet.iter_rows(min_row=3, values_only=True)]


def _listed(client, url, **query):
    response = client.get(url, query)
    assert response.status_code == 200
    return response, [case.pk for case in response.context["page"].object_list]


def test_the_applicant_searches_and_exports_only_its_own_cases(client, cast, case_in):
    mine = case_in("submitted", title="松花江短视频矩阵")
    case_in("submitted", title="查干湖冬捕直播")
    case_in("submitted", title="松花江夜景", applicant=cast.applicant_b)
    client.force_login(cast.applicant_a)
    _response, listed = _listed(client, reverse("dashboard"), q="松花江")
    assert listed == [mine.pk]
    header, rows = _exported(client.get(reverse("dashboard_xlsx"), {"q": "松花江"}))
    assert header == ["编号", "年度", "案例名称", "类别", "状态", "更新时间"]
    assert [row[0] for row in rows] == listed


def test_the_applicants_export_hides_the_outcome_as_the_page_does(client, cast, case_in):
    case_in("not_selected")
    client.force_login(cast.applicant_a)
    page = client.get(reverse("dashboard"))
    shown = [case.shown_state.label for case in page.context["page"].object_list]
    _header, rows = _exported(client.get(reverse("dashboard_xlsx")))
    assert [row[4] for row in rows] == [str(label) for label in shown] == ["专家评审中"]


def test_the_province_exports_every_case_the_page_lists_in_order(client, cast, case_in):
    cases = [case_in("submitted", title=f"融媒案例{n}") for n in range(3)]
    cases.append(case_in("recommended", applicant=cast.applicant_b, title="融媒案例外市"))
    client.force_login(cast.province_admin)
    _response, listed = _listed(client, reverse("dashboard"), q="融媒案例", state="submitted")
    assert sorted(listed) == sorted(c.pk for c in cases[:3])
    header, rows = _exported(client.get(reverse("dashboard_xlsx"), {"q": "融媒案例", "state": "submitted"}))
    assert header == ["编号", "年度", "案例名称", "类别", "申报单位", "推荐单位", "状态", "更新时间"]
    assert [row[0] for row in rows] == listed


def test_the_dashboard_sorts_as_the_url_says_and_the_export_follows(client, cast, case_in):
    b, a, c = (case_in("submitted", title=title) for title in ("乙案例", "甲案例", "丙案例"))
    client.force_login(cast.province_admin)
    _response, by_number = _listed(client, reverse("dashboard"), sort="number")
    assert by_number == [b.pk, a.pk, c.pk]
    _response, by_title = _listed(client, reverse("dashboard"), sort="title")
    _header, rows = _exported(client.get(reverse("dashboard_xlsx"), {"sort": "title"}))
    assert [row[0] for row in rows] == by_title and sorted(by_title) == sorted(by_number)


def test_a_reviewer_exports_only_its_city(client, cast, case_in):
    mine = case_in("submitted")
    case_in("submitted", applicant=cast.applicant_b)
    client.force_login(cast.reviewer_a)
    _header, rows = _exported(client.get(reverse("dashboard_xlsx")))
    assert [row[0] for row in rows] == [mine.pk]


@pytest.mark.parametrize(
    "query",
    [
        {"state": "bogus"},
        {"q": "x" * 200},
        {"q": "\x00"},
        {"page": "x"},
        {"page": "-1"},
        {"state": "<b>"},
        {"sort": "password"},
        {"sort": "-id"},
    ],
)
def test_hostile_dashboard_parameters_are_ignored(client, cast, case_in, query):
    case = case_in("submitted")
    for user in (cast.applicant_a, cast.province_admin):
        client.force_login(user)
        response, listed = _listed(client, reverse("dashboard"), **query)
        assert listed == [case.pk]
        assert client.get(reverse("dashboard_xlsx"), query).status_code == 200
        if "page" not in query:
            assert any("已忽略" in str(m) for m in get_messages(response.wsgi_request))


def test_the_dashboard_costs_the_same_queries_when_searching_more_cases(client, cast, case_in):
    case_in("submitted")
    client.force_login(cast.province_admin)
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("dashboard"), {"q": "案例"})
    for _ in range(5):
        case_in("submitted")
    with CaptureQueriesContext(connection) as many:
        client.get(reverse("dashboard"), {"q": "案例"})
    assert len(many.captured_queries) <= len(few.captured_queries)


def test_the_expert_searches_by_name_and_number_but_never_by_unit(client, cast, case_in):
    river = case_in("in_expert_review", title="松花江融媒体")
    lake = case_in("in_expert_review", title="查干湖冬捕")
    submit_review(ExpertAssignment.objects.get(case=lake))
    client.force_login(cast.expert_assigned)
    url = reverse("reviews:expert_queue")

    def listed(**query):
        return [a.case_id for a in client.get(url, query).context["assignments"]]

    assert listed(q="松花江") == [river.pk]
    assert listed(q=str(lake.pk)) == [lake.pk]
    assert listed(q=cast.unit_a.name) == []  # a blind round must not tell the unit
    assert listed(status="submitted") == [lake.pk]
    assert sorted(listed(status="nonsense")) == sorted([river.pk, lake.pk])
    header, rows = _exported(client.get(reverse("reviews:expert_queue_xlsx"), {"status": "pending"}))
    assert header == ["编号", "轮次", "案例名称", "类别", "状态"]
    assert [(row[0], row[2], row[4]) for row in rows] == [(river.pk, "松花江融媒体", "待评审")]


def test_the_experts_page_counts_what_each_filter_lists(client, cast, case_in):
    """The queue's count comes from its progress figures, not a COUNT of its own: it
    must still be what the filter lists (pending, submitted, all, searched)."""
    cases = [case_in("in_expert_review", title=f"案例{n}") for n in range(3)]
    submit_review(ExpertAssignment.objects.get(case=cases[0]))
    case_in("in_expert_review", expert=cast.expert_unassigned)  # another expert's: not counted
    client.force_login(cast.expert_assigned)
    url = reverse("reviews:expert_queue")
    for query, expected in [({}, 3), ({"status": "pending"}, 2), ({"status": "submitted"}, 1), ({"q": "案例1"}, 1)]:
        page = client.get(url, query).context["page"]
        assert page.paginator.count == expected == len(page.object_list), query


def test_the_experts_queue_keeps_its_order_under_every_filter(client, cast, case_in):
    """Newest campaign first, then the round, the category's position, the case's
    number: the order the queue lists (and exports) whatever the filter or search."""
    from django.utils import timezone

    from reviews.models import ReviewStage
    from tests.factories import make_case, open_campaign, put_in_state

    codes = ["reform", "platform", "production", "platform", "services", "reform"]
    cases = [case_in("in_expert_review", title=f"案例{n}", category_code=code) for n, code in enumerate(codes)]
    case_in("in_expert_review", title="案例别人", expert=cast.expert_unassigned)  # another expert's
    later = ReviewStage.objects.create(campaign=cast.campaign, order=2, name="复评", reviewers_per_case=1)
    for case in (cases[5], cases[1]):
        ExpertAssignment.objects.create(stage=later, case=case, expert=cast.expert_assigned)
    newer = open_campaign(year=cast.campaign.year + 1)
    for code in ("services", "platform"):
        case = make_case(campaign=newer, applicant=cast.applicant_a, category_code=code, title=f"案例新{code}")
        put_in_state(case, "in_expert_review", expert=cast.expert_assigned)
    mine = ExpertAssignment.objects.filter(expert=cast.expert_assigned)
    mine.filter(case__in=[cases[0], cases[3]], stage__order=1).update(submitted_at=timezone.now())
    mine.filter(stage=later, case=cases[1]).update(submitted_at=timezone.now())
    client.force_login(cast.expert_assigned)
    url = reverse("reviews:expert_queue")
    rows = mine.select_related("stage__campaign", "case__category")

    def expected(keep):
        kept = [a for a in rows if keep(a)]
        kept.sort(key=lambda a: (-a.stage.campaign.year, a.stage.order, a.case.category.position, a.case_id))
        return [a.pk for a in kept]

    filters = [
        ({}, lambda a: True),
        ({"status": "pending"}, lambda a: a.submitted_at is None),
        ({"status": "submitted"}, lambda a: a.submitted_at is not None),
        ({"q": "案例"}, lambda a: True),
        ({"q": "案例新"}, lambda a: a.stage.campaign_id == newer.pk),
        ({"q": "案例", "status": "pending"}, lambda a: a.submitted_at is None),
    ]
    assert len(expected(lambda a: True)) == 10
    for query, keep in filters:
        listed = [a.pk for a in client.get(url, query).context["assignments"]]
        assert listed == expected(keep), query
        _header, exported = _exported(client.get(reverse("reviews:expert_queue_xlsx"), query))
        assert [row[0] for row in exported] == [rows.get(pk=pk).case_id for pk in expected(keep)], query


def test_the_experts_export_holds_only_its_own_assignments(client, cast, case_in):
    case_in("in_expert_review")
    case_in("in_expert_review", expert=cast.expert_unassigned)
    client.force_login(cast.expert_unassigned)
    _header, rows = _exported(client.get(reverse("reviews:expert_queue_xlsx")))
    assert len(rows) == 1


@pytest.mark.parametrize("who", ["applicant_a", "reviewer_a", "province_admin"])
def test_the_experts_export_answers_404_to_other_roles(client, cast, who):
    client.force_login(getattr(cast, who))
    assert client.get(reverse("reviews:expert_queue_xlsx")).status_code == 404


def test_the_dashboard_export_answers_404_to_experts_and_sends_visitors_to_log_in(client, cast):
    assert client.get(reverse("dashboard_xlsx")).status_code == 302
    client.force_login(cast.expert_assigned)
    assert client.get(reverse("dashboard_xlsx")).status_code == 404

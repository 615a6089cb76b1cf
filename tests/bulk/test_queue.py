"""The authority's queue: bulk 推荐 / 不予推荐 (each case its own transaction, each
refusal named), search and filters in the URL (hostile values ignored with a message),
the Excel export equal to the list, constant queries."""

from io import BytesIO

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from openpyxl import load_workbook

from applications.models import Case
from workflow.models import TransitionRecord


def _states(*cases):
    return [Case.objects.get(pk=case.pk).state for case in cases]


def _messages(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


def _bulk(client, year, **data):
    return client.post(reverse("reviews:queue_bulk", args=[year]), data)


def test_bulk_recommend_moves_every_chosen_case(client, cast, case_in):
    cases = [case_in("submitted") for _ in range(3)]
    client.force_login(cast.reviewer_a)
    response = _bulk(client, 2024, action="recommend", cases=[c.pk for c in cases], q="融合", sort="title")
    assert _states(*cases) == ["recommended"] * 3
    assert response.url == reverse("reviews:queue", args=[2024]) + "?q=%E8%9E%8D%E5%90%88&sort=title"
    assert "已对3个案例执行「推荐」。" in _messages(response)


def test_bulk_reject_lists_each_refusal_and_does_the_rest(client, cast, case_in):
    first, returned, last = case_in("submitted"), case_in("returned"), case_in("submitted")
    client.force_login(cast.reviewer_a)
    response = _bulk(client, 2024, action="reject", comment="创新性不足。", cases=[first.pk, returned.pk, last.pk])
    assert _states(first, returned, last) == ["not_recommended", "returned", "not_recommended"]
    shown = _messages(response)
    assert "已对2个案例执行「不予推荐」。" in shown
    refusal = [m for m in shown if f"#{returned.pk}" in m]
    assert len(refusal) == 1 and "当前状态为「退回修改」" in refusal[0]
    # Nothing half-done: the refused case has no record, each moved case exactly one.
    assert not TransitionRecord.objects.filter(case=returned).exists()
    assert TransitionRecord.objects.filter(case__in=[first, last], action="reject").count() == 2


def test_bulk_reject_without_a_reason_changes_nothing(client, cast, case_in):
    cases = [case_in("submitted") for _ in range(2)]
    client.force_login(cast.reviewer_a)
    response = _bulk(client, 2024, action="reject", comment="  ", cases=[c.pk for c in cases])
    assert _states(*cases) == ["submitted", "submitted"]
    assert any("需要填写理由" in m for m in _messages(response))


@pytest.mark.parametrize(
    "data",
    [
        {"action": "recommend", "cases": ["abc"]},
        {"action": "recommend", "cases": ["99999999999999999999999"]},
        {"action": "select", "cases": []},
        {"action": "<script>", "cases": ["1"]},
        {},
    ],
)
def test_hostile_bulk_posts_change_nothing(client, cast, case_in, data):
    case = case_in("submitted")
    client.force_login(cast.reviewer_a)
    response = _bulk(client, 2024, **data)
    assert response.status_code == 302 and _states(case) == ["submitted"]


def test_another_citys_case_in_the_selection_refuses_the_whole_form(client, cast, case_in):
    mine, theirs = case_in("submitted"), case_in("submitted", applicant=cast.applicant_b)
    client.force_login(cast.reviewer_a)
    response = _bulk(client, 2024, action="recommend", cases=[mine.pk, theirs.pk])
    assert _states(mine, theirs) == ["submitted", "submitted"]
    assert any("不在本列表中" in m for m in _messages(response))


@pytest.mark.parametrize("who", ["applicant_a", "expert_assigned", "expert_unassigned"])
@pytest.mark.parametrize("name", ["reviews:queue", "reviews:queue_xlsx", "reviews:queue_bulk"])
def test_the_queue_and_its_bulk_and_export_answer_404_to_other_roles(client, cast, case_in, who, name):
    case = case_in("submitted")
    client.force_login(getattr(cast, who))
    url = reverse(name, args=[2024])
    posted = {"action": "recommend", "cases": [case.pk]}
    response = client.post(url, posted) if name.endswith("bulk") else client.get(url)
    assert response.status_code == 404 and _states(case) == ["submitted"]


def _listed(client, **query):
    response = client.get(reverse("reviews:queue", args=[2024]), query)
    assert response.status_code == 200
    return response, [case.pk for case in response.context["page"].object_list]


def test_search_by_name_unit_and_number(client, cast, case_in):
    river = case_in("submitted", title="松花江融媒体直播")
    other = case_in("submitted", title="乡村振兴短视频")
    client.force_login(cast.reviewer_a)
    assert _listed(client, q="松花江")[1] == [river.pk]
    assert _listed(client, q="松花江 ")[1] == [river.pk]
    assert _listed(client, q=f"#{other.pk}")[1] == [other.pk]
    assert sorted(_listed(client, q="九台区")[1]) == sorted([river.pk, other.pk])
    assert _listed(client, q="不存在的案例")[1] == []


@pytest.mark.parametrize(
    "query",
    [
        {"category": "abc"},
        {"category": "99999999999999999999999"},
        {"unit": "-1"},
        {"state": "<script>"},
        {"sort": "password"},
        {"unit_type": "x" * 500},
        {"q": "x" * 101},
        {"q": "\x00"},
        {"page": "abc"},
        {"page": "999999"},
    ],
)
def test_hostile_parameters_are_ignored_with_a_message(client, cast, case_in, query):
    case = case_in("submitted")
    client.force_login(cast.reviewer_a)
    response, listed = _listed(client, **query)
    assert listed == [case.pk]
    if "page" not in query:
        assert any("已忽略" in m for m in _messages(response))


def test_undecodable_bytes_in_the_url_are_no_500(client, cast, case_in):
    case = case_in("submitted")
    client.force_login(cast.reviewer_a)
    response = client.get(reverse("reviews:queue", args=[2024]) + "?q=%ED%A0%80&category=%FF&sort=%00")
    assert response.status_code == 200 and case.pk  # the search finds nothing; no 500
    assert any("category" in m for m in _messages(response))


def test_another_citys_unit_is_no_filter_here(client, cast, case_in):
    case_in("submitted", applicant=cast.applicant_b)
    client.force_login(cast.reviewer_a)
    response, listed = _listed(client, unit=cast.unit_b.pk)
    assert listed == [] and any("已忽略" in m for m in _messages(response))


def test_the_export_lists_what_the_page_lists(client, cast, case_in):
    kept = [case_in("submitted", title=f"直播带货案例{n}") for n in range(3)]
    case_in("submitted", title="另一个案例")
    case_in("submitted", applicant=cast.applicant_b, title="直播带货案例外市")
    client.force_login(cast.reviewer_a)
    query = {"q": "直播带货", "sort": "title"}
    _response, listed = _listed(client, **query)
    response = client.get(reverse("reviews:queue_xlsx", args=[2024]), query)
    sheet = load_workbook(BytesIO(response.content)).active
    exported = [row[0] for row in sheet.iter_rows(min_row=3, values_only=True)]
    assert exported == listed == [c.pk for c in kept]
    assert sheet.cell(row=3, column=2).value == "直播带货案例0"


def test_the_queue_costs_the_same_queries_for_more_cases(client, cast, case_in, django_assert_max_num_queries):
    case_in("submitted")
    client.force_login(cast.reviewer_a)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        client.get(reverse("reviews:queue", args=[2024]), {"q": "案例"})
    for _ in range(6):
        case_in("submitted")
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse("reviews:queue", args=[2024]), {"q": "案例"})

"""入选 / 不入选 for several cases of the results page at once."""

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from applications.models import Case
from workflow.models import TransitionRecord


def _states(*cases):
    return [Case.objects.get(pk=case.pk).state for case in cases]


def _messages(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


def _decide(client, **data):
    return client.post(reverse("reviews:results_decide", args=[2024]), data)


def test_the_results_page_offers_the_bulk_form_for_cases_to_decide(client, cast, case_in):
    reviewed, waiting = case_in("reviewed"), case_in("in_expert_review")
    client.force_login(cast.province_admin)
    page = client.get(reverse("reviews:results", args=[2024])).content.decode()
    assert f'id="decide-{reviewed.pk}"' in page and f'id="decide-{waiting.pk}"' not in page


def test_bulk_select_decides_each_case_and_names_each_refusal(client, cast, case_in):
    first, waiting, last = case_in("reviewed"), case_in("in_expert_review"), case_in("reviewed")
    client.force_login(cast.province_admin)
    response = _decide(client, action="select", cases=[first.pk, waiting.pk, last.pk], stage="1")
    assert _states(first, waiting, last) == ["selected", "in_expert_review", "selected"]
    shown = _messages(response)
    assert "已对2个案例执行「入选」。" in shown
    assert [m for m in shown if f"#{waiting.pk}" in m] == [
        f"「#{waiting.pk} {waiting.title}」未处理：案例当前状态为「专家评审中」，不能执行「确定入选」。"
    ]
    assert not TransitionRecord.objects.filter(case=waiting).exists()
    assert response.url == reverse("reviews:results", args=[2024]) + "?stage=1"


def test_bulk_not_selected_needs_a_reason_and_records_it(client, cast, case_in):
    cases = [case_in("reviewed") for _ in range(2)]
    client.force_login(cast.province_admin)
    _decide(client, action="reject_selection", cases=[c.pk for c in cases])
    assert _states(*cases) == ["reviewed", "reviewed"]
    _decide(client, action="reject_selection", cases=[c.pk for c in cases], comment="得分未进入名额。")
    assert _states(*cases) == ["not_selected", "not_selected"]
    comments = TransitionRecord.objects.filter(case__in=cases).values_list("comment", flat=True)
    assert set(comments) == {"得分未进入名额。"}


@pytest.mark.parametrize("who", ["reviewer_a", "applicant_a", "expert_assigned"])
def test_other_roles_get_404(client, cast, case_in, who):
    case = case_in("reviewed")
    client.force_login(getattr(cast, who))
    assert _decide(client, action="select", cases=[case.pk]).status_code == 404
    assert _states(case) == ["reviewed"]


def test_a_case_of_another_campaign_refuses_the_whole_form(client, cast, case_in):
    case = case_in("reviewed")
    client.force_login(cast.province_admin)
    response = client.post(reverse("reviews:results_decide", args=[2023]), {"action": "select", "cases": [case.pk]})
    assert response.status_code == 404 and _states(case) == ["reviewed"]

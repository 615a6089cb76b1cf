"""Each role's dashboard lists exactly the cases it may read; every other case answers 404."""

import pytest
from django.urls import reverse

from applications.models import Case
from tests.factories import PASSWORD, grant_case_permissions


def _listed(client, user) -> set[int]:
    client.force_login(user)
    response = client.get(reverse("dashboard"), follow=True)
    assert response.status_code == 200
    if user.is_expert:  # an expert's landing page is the queue of assigned cases
        return {assignment.case_id for assignment in response.context["assignments"]}
    return {case.pk for case in response.context["page"].object_list}


@pytest.fixture
def world(cast, case_at):
    """Cases of both cities in a spread of states. City A's table is submitted first:
    after that it has no more recommendations to make."""
    return {
        "a_in_review": case_at("in_expert_review"),
        "a_draft": case_at("draft"),
        "a_submitted": case_at("submitted"),
        "b_draft": case_at("draft", applicant=cast.applicant_b),
        "b_submitted": case_at("submitted", applicant=cast.applicant_b),
        "b_returned": case_at("returned", applicant=cast.applicant_b),
    }


def test_each_role_sees_exactly_its_cases(client, cast, world):
    w = {name: case.pk for name, case in world.items()}
    assert _listed(client, cast.applicant_a) == {w["a_draft"], w["a_submitted"], w["a_in_review"]}
    assert _listed(client, cast.applicant_b) == {w["b_draft"], w["b_submitted"], w["b_returned"]}
    # Authorities: their own units' cases once submitted, never drafts, never another city's.
    assert _listed(client, cast.reviewer_a) == {w["a_submitted"], w["a_in_review"]}
    assert _listed(client, cast.reviewer_b) == {w["b_submitted"], w["b_returned"]}
    # The province oversees every case that reached an authority.
    assert _listed(client, cast.province_admin) == {
        w["a_submitted"],
        w["a_in_review"],
        w["b_submitted"],
        w["b_returned"],
    }
    # Experts: what is assigned to them.
    assert _listed(client, cast.expert_assigned) == {w["a_in_review"]}
    assert _listed(client, cast.expert_unassigned) == set()


@pytest.mark.parametrize(
    ("user", "forbidden"),
    [
        ("applicant_a", ["b_draft", "b_submitted"]),
        ("applicant_b", ["a_draft", "a_submitted"]),
        ("reviewer_a", ["a_draft", "b_submitted", "b_draft"]),
        ("reviewer_b", ["a_submitted", "a_in_review", "b_draft"]),
        ("province_admin", ["a_draft", "b_draft"]),
        ("expert_assigned", ["a_submitted", "b_submitted"]),
        ("expert_unassigned", ["a_in_review"]),
    ],
)
def test_cases_out_of_reach_answer_404_on_every_url(client, cast, world, user, forbidden):
    client.force_login(getattr(cast, user))
    for name in forbidden:
        case = world[name]
        assert client.get(reverse("case_detail", args=[case.pk])).status_code == 404
        for action in ("submit", "withdraw", "recommend", "reject", "select"):
            response = client.post(reverse("case_transition", args=[case.pk, action]), {"comment": "x"})
            assert response.status_code == 404
        assert Case.objects.get(pk=case.pk).state == case.state


def test_anonymous_visitors_are_sent_to_login(client, world):
    for url in (reverse("dashboard"), reverse("case_detail", args=[world["a_submitted"].pk])):
        response = client.get(url)
        assert response.status_code == 302 and response.url.startswith(reverse("accounts:login"))
    response = client.post(reverse("case_transition", args=[world["a_submitted"].pk, "recommend"]))
    assert response.status_code == 302
    assert Case.objects.get(pk=world["a_submitted"].pk).state == "submitted"


def test_transition_urls_refuse_get(client, cast, world):
    client.force_login(cast.reviewer_a)
    assert client.get(reverse("case_transition", args=[world["a_submitted"].pk, "recommend"])).status_code == 405


def test_login_lands_on_the_dashboard(client, cast):
    response = client.post(reverse("accounts:login"), {"username": "reviewer_a", "password": PASSWORD}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("dashboard")
    assert "本地区申报案例" in response.content.decode()


def test_case_page_offers_the_buttons_the_state_machine_allows_this_user(client, cast, world):
    url = reverse("case_detail", args=[world["a_submitted"].pk])
    client.force_login(cast.reviewer_a)
    actions = {item["action"]: item["blocked_by"] for item in client.get(url).context["actions"]}
    assert list(actions) == ["return_for_revision", "reject", "recommend"]
    # City A's ranking table is already submitted: a recommendation goes into a
    # supplementary table (补充推荐表), so deciding stays open.
    assert actions["return_for_revision"] == []
    assert actions["recommend"] == []
    client.force_login(cast.applicant_a)
    assert [item["action"] for item in client.get(url).context["actions"]] == ["withdraw"]
    client.force_login(cast.province_admin)
    assert client.get(url).context["actions"] == []


def test_a_button_posts_through_the_service_and_reports_refusals(client, cast, world):
    case = world["b_submitted"]
    client.force_login(cast.reviewer_b)
    response = client.post(reverse("case_transition", args=[case.pk, "reject"]), {"comment": ""}, follow=True)
    assert "「不予推荐」需要填写意见或理由。" in response.content.decode()
    assert Case.objects.get(pk=case.pk).state == "submitted"
    response = client.post(
        reverse("case_transition", args=[case.pk, "recommend"]), {"comment": "同意推荐"}, follow=True
    )
    assert "已完成「推荐」" in response.content.decode()
    assert Case.objects.get(pk=case.pk).state == "recommended"
    assert "同意推荐" in response.content.decode()  # the history shows the comment


def test_user_text_is_escaped(client, cast, case_at):
    case = case_at("submitted")
    client.force_login(cast.reviewer_a)
    client.post(
        reverse("case_transition", args=[case.pk, "return_for_revision"]), {"comment": "<script>alert(1)</script>"}
    )
    body = client.get(reverse("case_detail", args=[case.pk])).content.decode()
    assert "<script>alert(1)</script>" not in body and "&lt;script&gt;" in body


def _bulk_cases(cast, n: int, state: str):
    category = cast.campaign.categories.get(code="platform")
    schema = category.schemas.latest()
    cases = Case.objects.bulk_create(
        Case(
            campaign=cast.campaign,
            category=category,
            schema=schema,
            unit=cast.unit_a,
            authority=cast.city_a,
            title=f"批量案例{i}",
            state=state,
            created_by=cast.applicant_a,
        )
        for i in range(n)
    )
    grant_case_permissions(cases)


@pytest.mark.parametrize("user", ["applicant_a", "reviewer_a", "province_admin", "expert_assigned"])
def test_dashboard_query_count_does_not_grow_with_the_data(client, cast, case_at, django_assert_max_num_queries, user):
    case_at("in_expert_review")
    client.force_login(getattr(cast, user))
    url = reverse("reviews:expert_queue") if user == "expert_assigned" else reverse("dashboard")
    _bulk_cases(cast, 10, "submitted")
    with django_assert_max_num_queries(12) as small:
        client.get(url)
    _bulk_cases(cast, 190, "submitted")
    with django_assert_max_num_queries(12) as large:
        response = client.get(url)
    assert len(small.captured_queries) == len(large.captured_queries)
    if user in ("applicant_a", "reviewer_a", "province_admin"):
        assert response.context["page"].paginator.count >= 200

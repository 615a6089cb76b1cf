"""The assignment matrix: experts × the cases of a round and category, loads and
conflicts; ticking assigns and unticking unassigns, pair by pair through the services."""

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from accounts.enums import Role
from reviews.models import ConflictDeclaration, ExpertAssignment, ReviewStage
from tests.factories import UserFactory, submit_review


@pytest.fixture
def matrix(cast, case_in):
    """Two cases in review (expert_assigned on both), a declared conflict of
    expert_unassigned on the second, and an expert of unit A's city (conflicted on both)."""
    first, second = case_in("in_expert_review"), case_in("in_expert_review")
    ConflictDeclaration.objects.create(case=second, expert=cast.expert_unassigned, reason="曾参与该项目")
    pool = cast.expert_assigned.organisation
    local = UserFactory(username="expert_local", organisation=pool, role=Role.EXPERT, affiliation=cast.unit_a)
    stage = ReviewStage.objects.get(campaign=cast.campaign, order=1)
    return first, second, local, stage


def _pairs(stage):
    return set(ExpertAssignment.objects.filter(stage=stage).values_list("case_id", "expert_id"))


def _messages(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


def _save(client, stage, shown, ticked, **extra):
    data = {"stage": stage.pk, "shown": [f"{c}-{e}" for c, e in shown], "pair": [f"{c}-{e}" for c, e in ticked]}
    return client.post(reverse("reviews:assignment_matrix_save", args=[2024]), {**data, **extra})


def test_the_matrix_shows_assignments_loads_and_conflicts(client, cast, matrix):
    first, second, local, stage = matrix
    client.force_login(cast.province_admin)
    response = client.get(reverse("reviews:assignment_matrix", args=[2024]), {"stage": stage.pk})
    page = response.content.decode()
    assigned, free = cast.expert_assigned.pk, cast.expert_unassigned.pk
    assert f'id="pair-{first.pk}-{assigned}" checked' in page
    assert f'id="pair-{first.pk}-{free}"' in page and f'id="pair-{first.pk}-{free}" checked' not in page
    assert f'id="pair-{second.pk}-{free}"' not in page  # declared conflict: no checkbox
    assert f'id="pair-{first.pk}-{local.pk}"' not in page  # same city: no checkbox
    loads = {expert.pk: expert.load for expert in response.context["experts"]}
    assert (loads[assigned], loads[free], loads[local.pk]) == (2, 0, 0)


def test_ticking_and_unticking_assigns_and_unassigns(client, cast, matrix):
    first, second, _local, stage = matrix
    assigned, free = cast.expert_assigned.pk, cast.expert_unassigned.pk
    client.force_login(cast.province_admin)
    shown = {(first.pk, assigned), (first.pk, free), (second.pk, assigned)}
    response = _save(client, stage, shown, ticked={(first.pk, free), (second.pk, assigned)})
    assert _pairs(stage) == {(first.pk, free), (second.pk, assigned)}
    assert "已保存2项分配调整。" in _messages(response)


def test_each_refusal_is_named_and_the_rest_is_saved(client, cast, matrix):
    first, second, local, stage = matrix
    assigned, free = cast.expert_assigned.pk, cast.expert_unassigned.pk
    submit_review(ExpertAssignment.objects.get(case=second, expert_id=assigned))
    client.force_login(cast.province_admin)
    # A hand-made post: the conflicted pairs and the submitted review the page never offers.
    shown = {(first.pk, free), (second.pk, free), (first.pk, local.pk), (second.pk, assigned)}
    response = _save(client, stage, shown, ticked={(first.pk, free), (second.pk, free), (first.pk, local.pk)})
    assert _pairs(stage) == {(first.pk, assigned), (second.pk, assigned), (first.pk, free)}
    shown_messages = _messages(response)
    assert "已保存1项分配调整。" in shown_messages
    refusals = [m for m in shown_messages if "未处理" in m]
    assert len(refusals) == 3
    assert any("需回避" in m and f"#{second.pk}" in m for m in refusals)
    assert any("需回避" in m and f"#{first.pk}" in m for m in refusals)
    assert any("已提交评审" in m for m in refusals)


@pytest.mark.parametrize(
    "shown",
    [["abc"], ["1-"], ["-1-2"], ["99999999999999-1"], ["1-99999999999999999999"]],
)
def test_hostile_cells_change_nothing(client, cast, matrix, shown):
    *_cases, stage = matrix
    before = _pairs(stage)
    client.force_login(cast.province_admin)
    response = client.post(reverse("reviews:assignment_matrix_save", args=[2024]), {"stage": stage.pk, "shown": shown})
    assert response.status_code == 302 and _pairs(stage) == before
    assert any("请刷新页面" in m for m in _messages(response))


def test_a_case_outside_the_round_is_refused_whole(client, cast, matrix, case_in):
    first, _second, _local, stage = matrix
    draft = case_in("submitted")
    client.force_login(cast.province_admin)
    free = cast.expert_unassigned.pk
    _save(client, stage, {(first.pk, free), (draft.pk, free)}, {(first.pk, free), (draft.pk, free)})
    assert (first.pk, free) not in _pairs(stage)


@pytest.mark.parametrize(
    "hostile", [{"stage": "abc"}, {"category": "x"}, {"page": "-3"}, {"stage": "9" * 30}, {"category": "\x00"}]
)
def test_hostile_parameters_are_no_500(client, cast, matrix, hostile):
    client.force_login(cast.province_admin)
    assert client.get(reverse("reviews:assignment_matrix", args=[2024]), hostile).status_code == 200


@pytest.mark.parametrize("who", ["reviewer_a", "applicant_a", "expert_assigned"])
def test_other_roles_get_404(client, cast, matrix, who):
    first, _second, _local, stage = matrix
    client.force_login(getattr(cast, who))
    assert client.get(reverse("reviews:assignment_matrix", args=[2024])).status_code == 404
    free = cast.expert_unassigned.pk
    assert _save(client, stage, {(first.pk, free)}, {(first.pk, free)}).status_code == 404
    assert (first.pk, free) not in _pairs(stage)


def test_the_matrix_costs_the_same_queries_for_more_cases_and_experts(
    client, cast, matrix, case_in, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    *_cases, stage = matrix
    client.force_login(cast.province_admin)
    url = reverse("reviews:assignment_matrix", args=[2024])
    with CaptureQueriesContext(connection) as few:
        client.get(url, {"stage": stage.pk})
    for n in range(4):
        case_in("in_expert_review")
        UserFactory(username=f"expert_more{n}", organisation=cast.expert_assigned.organisation, role=Role.EXPERT)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(url, {"stage": stage.pk})


def test_the_export_lists_every_case_of_the_category_with_its_experts(client, cast, matrix):
    from io import BytesIO

    from openpyxl import load_workbook

    first, second, local, stage = matrix
    submit_review(ExpertAssignment.objects.get(case=second, expert=cast.expert_assigned))
    client.force_login(cast.province_admin)
    response = client.get(reverse("reviews:assignment_matrix_xlsx", args=[2024]), {"stage": stage.pk})
    rows = list(load_workbook(BytesIO(response.content)).active.iter_rows(min_row=3, values_only=True))
    expert = str(cast.expert_assigned)
    assert [(row[0], row[4], row[5]) for row in rows] == [
        (first.pk, "1/3", f"{expert}（待评审）"),
        (second.pk, "1/3", f"{expert}（已提交）"),
    ]
    assert str(local) in rows[0][6] and str(cast.expert_unassigned) in rows[1][6]
    for who in ("reviewer_a", "expert_assigned", "applicant_a"):
        client.force_login(getattr(cast, who))
        assert client.get(reverse("reviews:assignment_matrix_xlsx", args=[2024])).status_code == 404


def test_the_matrix_searches_and_keeps_the_search_after_saving(client, cast, matrix):
    first, second, _local, stage = matrix
    client.force_login(cast.province_admin)
    url = reverse("reviews:assignment_matrix", args=[2024])
    response = client.get(url, {"stage": stage.pk, "q": f"#{second.pk}"})
    assert [case.pk for case, _cells in response.context["rows"]] == [second.pk]
    free = cast.expert_unassigned.pk
    response = _save(client, stage, {(first.pk, free)}, {(first.pk, free)}, q="松花江", category="")
    assert response.url == f"{url}?stage={stage.pk}&q=%E6%9D%BE%E8%8A%B1%E6%B1%9F"

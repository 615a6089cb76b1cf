"""The results page reads stored rows (reviews.models.ResultRow): after every kind of
change they equal a fresh computation from the assignments (the live SQL the figures
came from), and the page's figures and places equal the live case_figures."""

from decimal import Decimal as D

import pytest

from accounts.enums import Role
from applications.models import Case
from reviews.enums import Aggregation
from reviews.experts.result_rows import result_rows_batched
from reviews.experts.results import case_figures, case_id_of, category_page, result_rows_refresh
from reviews.experts.rounds import stage_advance
from reviews.experts.services import (
    assignment_create,
    assignment_remove,
    assignment_reopen,
    assignment_totals_refresh,
    auto_assign,
    conflict_declare,
)
from reviews.models import ExpertAssignment, Panel, ResultRow, ReviewStage, Rubric
from tests.factories import UserFactory, natural_phase, open_first_stage, set_phase, submit_review
from workflow.services import apply_transition

COLUMNS = [f.attname for f in ResultRow._meta.concrete_fields if f.attname != "id"]
SHOWN = ("result", "scored", "assigned", "excluded", "category_rank", "shared_rank", "tied", "position", "flagged")


def _stored(stage):
    return sorted(ResultRow.objects.filter(stage=stage).values_list(*COLUMNS))


def _shown(result):
    return (case_id_of(result), *(getattr(result, name) for name in SHOWN), result.spread, result.authority_rank)


def assert_fresh(campaign):
    """Every round's stored rows are what a computation from scratch writes, and a page
    read from them shows what the live SQL computes, whole or by state, in pages."""
    rubric = Rubric.objects.get(campaign=campaign)
    for stage in ReviewStage.objects.filter(campaign=campaign):
        stored = _stored(stage)
        result_rows_refresh(stage=stage)
        assert stored == _stored(stage), stage.name
        categories = set(ResultRow.objects.filter(stage=stage).values_list("category_id", flat=True))
        for category_id in categories:
            for states in (None, ("in_expert_review",), ("reviewed", "selected")):
                live = case_figures(stage=stage, rubric=rubric, category_id=category_id, states=states, names=True)
                read = category_page(
                    stage=stage, rubric=rubric, category_id=category_id, states=states, limit=1000, offset=0
                )
                assert [_shown(r) for r in read] == [_shown(r) for r in live], (stage.name, states)
                assert [r.case.title for r in read] == [r.case.title for r in live]
                # A later page keeps the category-wide places.
                tail = category_page(
                    stage=stage, rubric=rubric, category_id=category_id, states=states, limit=2, offset=1
                )
                assert [_shown(r) for r in tail] == [_shown(r) for r in live[1:3]]


@pytest.fixture
def world(cast, case_in):
    """Six cases in expert review, three experts each assigned to all, some scored."""
    stage = open_first_stage(cast.campaign)
    pool = cast.expert_assigned.organisation
    experts = [UserFactory(username=f"rows_expert_{i}", organisation=pool, role=Role.EXPERT) for i in range(3)]
    cases = [case_in("in_expert_review", expert=None, title=f"结果行{i}") for i in range(6)]
    assignments = {}
    for case in cases:
        for expert in experts:
            assignments[case.pk, expert.pk] = assignment_create(
                stage=stage, case=case, expert=expert, actor=cast.province_admin
            )
    return stage, cases, experts, assignments


def test_every_kind_of_change_keeps_the_rows_fresh(cast, world):
    stage, cases, experts, assignments = world
    admin = cast.province_admin
    assert ResultRow.objects.filter(stage=stage).count() == 6
    assert_fresh(cast.campaign)
    # Submitted reviews: equal results (a tie), a gate failure, one case half scored.
    for i, case in enumerate(cases[:4]):
        for j, expert in enumerate(experts):
            value = (85, 85, 70, 90)[i] + j
            submit_review(assignments[case.pk, expert.pk], value=value, passed=not (i == 3 and j == 1))
    submit_review(assignments[cases[4].pk, experts[0].pk], value=77)
    assert_fresh(cast.campaign)
    # Reopened.
    assignment_reopen(assignment=assignments[cases[0].pk, experts[2].pk], actor=admin)
    assert_fresh(cast.campaign)
    # Unassigned (not yet submitted).
    assignment_remove(assignment=assignments[cases[5].pk, experts[0].pk], actor=admin)
    assert_fresh(cast.campaign)
    # A conflict declared: the assignment goes (no other panel expert to take it).
    conflict_declare(assignment=assignments[cases[5].pk, experts[1].pk], actor=experts[1], reason="曾参与该项目。")
    assert not ExpertAssignment.objects.filter(pk=assignments[cases[5].pk, experts[1].pk].pk).exists()
    assert_fresh(cast.campaign)
    # The method switched, each way.
    rubric = Rubric.objects.get(campaign=cast.campaign)
    for method in (Aggregation.MEDIAN, Aggregation.MEAN, Aggregation.TRIMMED_MEAN):
        rubric.aggregation = method
        rubric.trim_min_experts = 3
        rubric.save()
        assert_fresh(cast.campaign)
    # The stored totals written again in bulk (after a write that bypassed them).
    ExpertAssignment.objects.filter(stage=stage).update(total=D("1"))
    assignment_totals_refresh(stage=stage)
    assert_fresh(cast.campaign)
    # The case's state: review completed, selected, sent back to its authority.
    apply_transition(subject=Case.objects.get(pk=cases[1].pk), action="complete_review", actor=admin)
    assert_fresh(cast.campaign)
    assert ResultRow.objects.get(stage=stage, case=cases[1]).state == "reviewed"
    for assignment in ExpertAssignment.objects.filter(case=cases[5]):
        assignment_remove(assignment=assignment, actor=admin)
    apply_transition(
        subject=Case.objects.get(pk=cases[5].pk), action="return_to_authority", actor=admin, comment="退回。"
    )
    assert not ResultRow.objects.filter(case=cases[5]).exists()
    assert_fresh(cast.campaign)
    # The next round: created with its shortlist (晋级).
    following = stage_advance(stage=stage, actor=admin, case_ids=[cases[0].pk, cases[2].pk])
    assert set(ResultRow.objects.filter(stage=following).values_list("case_id", flat=True)) == {
        cases[0].pk,
        cases[2].pk,
    }
    assert_fresh(cast.campaign)
    following.shortlist.remove(cases[2])
    assert_fresh(cast.campaign)
    # Selected, in the phase of the decisions.
    set_phase(cast.campaign, natural_phase("selected"))
    apply_transition(subject=Case.objects.get(pk=cases[1].pk), action="select", actor=admin, comment="入选。")
    assert ResultRow.objects.get(stage=stage, case=cases[1]).state == "selected"
    assert_fresh(cast.campaign)


def test_auto_assignment_and_a_batch_keep_the_rows_fresh(cast, case_in):
    stage = open_first_stage(cast.campaign)
    cases = [case_in("in_expert_review", expert=None, title=f"自动分配{i}") for i in range(3)]
    panel = Panel.objects.create(campaign=cast.campaign, name="评审组")
    pool = cast.expert_assigned.organisation
    panel.experts.set([UserFactory(username=f"auto_{i}", organisation=pool, role=Role.EXPERT) for i in range(3)])
    auto_assign(stage=stage, actor=cast.province_admin)
    assert ExpertAssignment.objects.filter(stage=stage, case__in=cases).count() > 0
    assert_fresh(cast.campaign)
    with result_rows_batched():
        ExpertAssignment.objects.filter(stage=stage, case=cases[0]).first().delete()
        # Not yet: refreshed at the end of the batch.
        assert ResultRow.objects.get(stage=stage, case=cases[0]).assigned == stage.reviewers_per_case
    assert_fresh(cast.campaign)

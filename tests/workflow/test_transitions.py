"""Every edge of the state machine: taken by the right actor, refused for everyone else
(other roles and the same role in another jurisdiction), with nothing changed."""

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone

from applications.enums import CampaignPhase, CaseState
from applications.models import Case
from reviews.enums import PublicationKind, RankingTableStatus
from reviews.models import ExpertAssignment, Objection, Publication, RankingTable
from tests.factories import set_phase, submit_review
from workflow.exceptions import TransitionRefused
from workflow.graph import edges
from workflow.models import TransitionRecord
from workflow.services import apply_transition

S = CaseState
CAST_USERS = [
    "applicant_a",
    "applicant_b",
    "applicant_p",
    "reviewer_a",
    "reviewer_b",
    "province_admin",
    "expert_assigned",
    "expert_unassigned",
]
# (action, source state, who may take it). Must list every edge of workflow/machine.py.
EDGES = [
    ("submit", S.DRAFT, "applicant_a"),
    ("submit", S.WITHDRAWN, "applicant_a"),
    ("resubmit", S.RETURNED, "applicant_a"),
    ("withdraw", S.SUBMITTED, "applicant_a"),
    ("return_for_revision", S.SUBMITTED, "reviewer_a"),
    ("reject", S.SUBMITTED, "reviewer_a"),
    ("recommend", S.SUBMITTED, "reviewer_a"),
    ("revoke_recommendation", S.RECOMMENDED, "reviewer_a"),
    ("forward_to_province", S.RECOMMENDED, "reviewer_a"),
    ("return_to_authority", S.IN_EXPERT_REVIEW, "province_admin"),
    ("complete_review", S.IN_EXPERT_REVIEW, "province_admin"),
    ("select", S.REVIEWED, "province_admin"),
    ("reject_selection", S.REVIEWED, "province_admin"),
    ("reconsider_selection", S.SELECTED, "province_admin"),
    ("reconsider_selection", S.NOT_SELECTED, "province_admin"),
    ("uphold_objection", S.SELECTED, "province_admin"),
    ("recommend_to_nrta", S.SELECTED, "province_admin"),
]


def test_the_edge_table_covers_the_state_machine():
    assert {(e.action, e.source) for e in edges(Case)} == {(action, source) for action, source, _who in EDGES}


def _prepare(cast, case_at, action, source):
    """A case in `source` with the situation around it that `action` needs."""
    case = case_at(source)
    if action == "forward_to_province":
        # The authority's table is submitted (normally ranking_submit does this and the move together).
        RankingTable.objects.filter(authority=case.authority).update(status=RankingTableStatus.SUBMITTED)
    if action == "return_to_authority":
        # Only what no expert holds yet goes back (reviews.ranking.services.ranking_return).
        ExpertAssignment.objects.filter(case=case).delete()
        RankingTable.objects.filter(authority=case.authority).update(status=RankingTableStatus.RETURNED)
    if action == "recommend_to_nrta":
        set_phase(cast.campaign, CampaignPhase.NRTA)
    if action == "complete_review":
        submit_review(ExpertAssignment.objects.get(case=case))
    if action == "uphold_objection":
        # During the 公示 an objection against the case was upheld.
        notice = Publication.objects.create(
            campaign=case.campaign,
            kind=PublicationKind.NOTICE,
            title="公示",
            starts_on=timezone.localdate(),
            ends_on=timezone.localdate(),
            published_at=timezone.now(),
            published_by=cast.province_admin,
        )
        Objection.objects.create(
            publication=notice,
            case=case,
            objector="某单位",
            content="数据有误",
            received_at=timezone.now(),
            recorded_by=cast.province_admin,
            answer="经核实，异议成立。",
            answered_at=timezone.now(),
            upheld=True,
        )
    return case


def _snapshot(case):
    case = Case.objects.get(pk=case.pk)
    perms = sorted(case.casegroupobjectpermission_set.values_list("group_id", "permission__codename"))
    user_perms = sorted(case.caseuserobjectpermission_set.values_list("user_id", "permission__codename"))
    return case.state, perms, user_perms, TransitionRecord.objects.filter(case=case).count()


@pytest.mark.parametrize(("action", "source", "actor"), EDGES, ids=[f"{a}-from-{s}" for a, s, _ in EDGES])
def test_edge_is_taken_by_its_actor_and_refused_for_everyone_else(cast, case_at, action, source, actor):
    case = _prepare(cast, case_at, action, source)
    before = _snapshot(case)

    for other in CAST_USERS:
        if other == actor:
            continue
        with pytest.raises(TransitionRefused):
            apply_transition(subject=case, action=action, actor=getattr(cast, other), comment="理由")
        assert _snapshot(case) == before, f"{other} changed something while being refused {action}"

    record = apply_transition(subject=case, action=action, actor=getattr(cast, actor), comment="理由")
    case.refresh_from_db()
    target = next(e.target for e in edges(Case) if e.action == action and e.source == source)
    assert case.state == target
    assert (record.from_state, record.to_state, record.actor, record.action) == (
        source,
        target,
        getattr(cast, actor),
        action,
    )
    assert record.organisation == getattr(cast, actor).organisation


def test_the_province_acts_as_authority_for_provincial_units_only(cast, case_at):
    provincial = case_at("submitted", applicant=cast.applicant_p)
    city_case = case_at("submitted")
    with pytest.raises(TransitionRefused):
        apply_transition(subject=city_case, action="recommend", actor=cast.province_admin)
    apply_transition(subject=provincial, action="recommend", actor=cast.province_admin)
    assert Case.objects.get(pk=provincial.pk).state == S.RECOMMENDED


def test_refusal_says_why_in_chinese(cast, case_at):
    case = case_at("submitted")
    with pytest.raises(TransitionRefused) as refused:
        apply_transition(subject=case, action="recommend", actor=cast.reviewer_b)
    assert refused.value.reasons == ["您无权对该案例执行「推荐」。"]
    with pytest.raises(TransitionRefused) as refused:
        apply_transition(subject=case, action="select", actor=cast.province_admin)
    assert refused.value.reasons == ["案例当前状态为「待初审」，不能执行「确定入选」。"]
    with pytest.raises(TransitionRefused) as refused:
        apply_transition(subject=case, action="no_such_action", actor=cast.province_admin)
    assert "未知的操作" in refused.value.reasons[0]


def test_a_reason_is_required_to_return_or_reject(cast, case_at):
    case = case_at("submitted")
    for action in ("return_for_revision", "reject"):
        with pytest.raises(TransitionRefused) as refused:
            apply_transition(subject=case, action=action, actor=cast.reviewer_a, comment="   ")
        assert "需要填写意见或理由" in refused.value.reasons[0]
    assert Case.objects.get(pk=case.pk).state == S.SUBMITTED


def test_incomplete_case_cannot_be_submitted_and_every_problem_is_listed(cast):
    from tests.factories import make_case

    case = make_case(campaign=cast.campaign, applicant=cast.applicant_a, complete=False)
    with pytest.raises(TransitionRefused) as refused:
        apply_transition(subject=case, action="submit", actor=cast.applicant_a)
    reasons = refused.value.reasons
    definition = case.schema.definition
    for number, section in enumerate(definition["sections"], start=1):
        assert f"第{number}部分「{section['title']}」未填写。" in reasons
    assert "基本信息「联系人」未填写。" in reasons
    assert any("量化数据「平台（账号）用户总量」未填写" in reason for reason in reasons)
    assert Case.objects.get(pk=case.pk).state == S.DRAFT


def test_permissions_follow_the_state(cast, case_at):
    from guardian.shortcuts import get_perms

    case = case_at("draft")
    unit_group, authority_group = cast.unit_a.group, cast.city_a.group
    assert {"view_case", "change_case", "submit_case"} <= set(get_perms(unit_group, case))
    assert get_perms(authority_group, case) == []

    apply_transition(subject=case, action="submit", actor=cast.applicant_a)
    assert set(get_perms(unit_group, case)) == {"view_case", "withdraw_case"}
    assert set(get_perms(authority_group, case)) == {"view_case", "review_case"}
    assert get_perms(cast.city_b.group, case) == []
    assert not Group.objects.filter(
        casegroupobjectpermission__content_object=case, name=cast.unit_b.group.name
    ).exists()


def test_experts_hold_permissions_only_on_cases_assigned_to_them(cast, case_at):
    case = case_at("in_expert_review")
    assert cast.expert_assigned.has_perm("applications.score_case", case)
    assert cast.expert_assigned.has_perm("applications.view_case", case)
    assert not cast.expert_unassigned.has_perm("applications.view_case", case)


def test_a_superuser_is_no_party_to_cases(cast, case_at, admin_user, client):
    case = case_at("submitted")
    with pytest.raises(TransitionRefused):
        apply_transition(subject=case, action="recommend", actor=admin_user)
    client.force_login(admin_user)
    assert client.get(f"/cases/{case.pk}/").status_code == 404


def test_members_of_a_deactivated_organisation_cannot_act(cast, case_at):
    case = case_at("submitted")
    cast.city_a.is_active = False
    cast.city_a.save()
    reviewer = type(cast.reviewer_a).objects.get(pk=cast.reviewer_a.pk)
    with pytest.raises(TransitionRefused):
        apply_transition(subject=case, action="recommend", actor=reviewer)
    assert Case.objects.get(pk=case.pk).state == S.SUBMITTED

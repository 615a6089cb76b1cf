"""The campaign's phases: each move allowed and refused with what blocks it, who may
move it, the case's moves consulting the phase, extensions, the ranking-table rules,
the supplementary table and single-case returns."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from applications.enums import FIRST_PHASE, CampaignPhase, CaseState
from applications.models import Campaign, DeadlineExtension
from applications.phases.conditions import blocking_cases
from applications.phases.services import extension_grant
from applications.services import campaign_create
from reviews.experts.services import assignment_create
from reviews.models import ExpertAssignment, Publication, RankingTable
from reviews.outcome.publication import announcement_publish, notice_publish
from reviews.ranking.services import (
    case_return_to_authority,
    ranking_return,
    ranking_scan_upload,
    ranking_submit,
    table_for,
)
from tests.factories import close_submissions, make_case, open_first_stage, pdf_upload, set_phase, submit_review
from workflow.exceptions import TransitionRefused
from workflow.models import TransitionRecord
from workflow.services import apply_transition, available_actions

P = CampaignPhase
OTHERS = ("applicant_a", "reviewer_a", "reviewer_b", "expert_assigned")


def move(cast, action, *, actor=None):
    return apply_transition(subject=cast.campaign, action=action, actor=actor or cast.province_admin)


def refused(cast, action) -> list[str]:
    with pytest.raises(TransitionRefused) as refusal:
        move(cast, action)
    return refusal.value.reasons


def submit_table(cast, authority, reviewer):
    table = table_for(campaign=cast.campaign, authority=authority)
    ranking_scan_upload(table=table, actor=reviewer, uploaded=pdf_upload("推荐排序表.pdf"))
    return ranking_submit(campaign=cast.campaign, authority=authority, actor=reviewer)


def extend(cast, *, until_in=timedelta(days=3), **whom):
    return extension_grant(
        campaign=cast.campaign,
        actor=cast.province_admin,
        until=timezone.now() + until_in,
        reason="机房搬迁，材料未能按期盖章。",
        **whom,
    )


def expire_extensions(cast):
    # Time passes: every extension has run out.
    DeadlineExtension.objects.filter(campaign=cast.campaign).update(until=timezone.now() - timedelta(seconds=1))


# --- who moves, and the record -------------------------------------------------------


def test_a_new_campaign_starts_in_the_first_phase(cast):
    later = campaign_create(
        year=2025,
        title="2025年度征集",
        submission_deadline=timezone.now() + timedelta(days=30),
        ranking_deadline=timezone.now() + timedelta(days=40),
    )
    assert later.state == FIRST_PHASE == P.PREPARING


@pytest.mark.parametrize("who", OTHERS)
def test_only_the_provinces_administrator_moves_a_phase(cast, who):
    set_phase(cast.campaign, P.PRELIMINARY)
    with pytest.raises(TransitionRefused, match="您无权对该征集活动执行「进入专家评审」"):
        move(cast, "start_expert_review", actor=getattr(cast, who))
    assert Campaign.objects.get(pk=cast.campaign.pk).state == P.PRELIMINARY
    assert available_actions(subject=cast.campaign, user=getattr(cast, who)) == []


def test_open_collection_needs_a_deadline_ahead_and_is_recorded(cast):
    campaign = campaign_create(
        year=2025,
        title="2025年度征集",
        submission_deadline=timezone.now() - timedelta(days=1),
        ranking_deadline=timezone.now() + timedelta(days=10),
    )
    with pytest.raises(TransitionRefused) as refusal:
        apply_transition(subject=campaign, action="open_collection", actor=cast.province_admin)
    assert "已过，请先修改截止时间" in refusal.value.reasons[0]
    Campaign.objects.filter(pk=campaign.pk).update(submission_deadline=timezone.now() + timedelta(days=5))
    record = apply_transition(subject=campaign, action="open_collection", actor=cast.province_admin, comment="开始")
    assert campaign.state == P.COLLECTING
    assert (record.campaign_id, record.case_id, record.from_state, record.to_state) == (
        campaign.pk,
        None,
        P.PREPARING,
        P.COLLECTING,
    )
    assert record.action_label == "开始征集" and record.to_state_label == "征集中"
    assert list(campaign.transitions.all()) == [record]


def test_close_collection_waits_for_the_deadline(cast):
    assert refused(cast, "close_collection")[0].startswith("申报截止时间为")
    Campaign.objects.filter(pk=cast.campaign.pk).update(submission_deadline=timezone.now() - timedelta(minutes=1))
    cast.campaign.refresh_from_db()
    move(cast, "close_collection")
    assert cast.campaign.state == P.PRELIMINARY


# --- every blocker named -------------------------------------------------------------


def test_expert_review_waits_for_every_case_table_and_extension(cast, case_at):
    waiting = case_at("submitted")
    recommended = case_at("recommended", applicant=cast.applicant_b)
    case_at("not_recommended")
    draft = case_at("draft")
    close_submissions(cast.campaign)
    extend(cast, organisation=cast.unit_b)
    reasons = refused(cast, "start_expert_review")
    assert any(r.startswith("桦甸市融媒体中心的延期（至") and r.endswith("尚未到期。") for r in reasons)
    assert f"1个案例待推荐单位初审：《{waiting.title}》（九台区融媒体中心）。" in reasons
    assert f"1个案例已推荐，所在推荐排序表尚未报送省局：《{recommended.title}》（桦甸市融媒体中心）。" in reasons
    assert draft.pk not in blocking_cases(cast.campaign, P.EXPERT_REVIEW)  # out of the selection, carried

    apply_transition(subject=waiting, action="reject", actor=cast.reviewer_a, comment="不予推荐")
    expire_extensions(cast)
    submit_table(cast, cast.city_b, cast.reviewer_b)
    assert blocking_cases(cast.campaign, P.EXPERT_REVIEW) == {}
    move(cast, "start_expert_review")
    assert cast.campaign.state == P.EXPERT_REVIEW


def test_an_unsubmitted_case_with_an_extension_blocks_as_still_open(cast, case_at):
    returned = case_at("returned")
    close_submissions(cast.campaign)
    extend(cast, case=returned)
    assert blocking_cases(cast.campaign, P.EXPERT_REVIEW) == {returned.pk: "申报单位的延期尚未到期，仍可提交"}


def test_decision_waits_for_the_expert_review(cast, case_at):
    case = case_at("in_expert_review")
    assert refused(cast, "start_decision") == [
        f"1个案例专家评审尚未完成或尚未确认评审完成：《{case.title}》（九台区融媒体中心）。"
    ]
    submit_review(ExpertAssignment.objects.get(case=case))
    apply_transition(subject=case, action="complete_review", actor=cast.province_admin)
    move(cast, "start_decision")
    assert cast.campaign.state == P.DECIDING


def test_the_public_notice_waits_for_every_decision_and_the_notice(cast, case_at):
    selected = case_at("selected")
    undecided = case_at("reviewed", applicant=cast.applicant_b)
    reasons = refused(cast, "start_public_notice")
    assert reasons == [
        f"1个案例尚未作出入选决定：《{undecided.title}》（桦甸市融媒体中心）。",
        "公示尚未发布（在「公示与通报」页发布）。",
    ]
    apply_transition(subject=undecided, action="reject_selection", actor=cast.province_admin, comment="未达入选线")
    assert refused(cast, "start_public_notice") == ["公示尚未发布（在「公示与通报」页发布）。"]
    today = timezone.localdate()
    notice = notice_publish(
        campaign=cast.campaign, actor=cast.province_admin, title="公示", starts_on=today,
        ends_on=today + timedelta(days=6),
    )  # fmt: skip
    move(cast, "start_public_notice")
    # The seven days go by (a 公示 starts today at the earliest: its dates are moved).
    Publication.objects.filter(pk=notice.pk).update(
        starts_on=today - timedelta(days=7), ends_on=today - timedelta(days=1)
    )
    assert refused(cast, "announce") == ["通报尚未发布（公示期满后在「公示与通报」页发布）。"]
    announcement_publish(campaign=cast.campaign, actor=cast.province_admin, title="通报")
    move(cast, "announce")
    # 推荐至总局 only once the 通报 is out and the campaign is in 推荐总局.
    with pytest.raises(TransitionRefused, match="进入「推荐总局」阶段后方可推荐至总局"):
        apply_transition(subject=selected, action="recommend_to_nrta", actor=cast.province_admin)
    move(cast, "start_nrta")
    apply_transition(subject=selected, action="recommend_to_nrta", actor=cast.province_admin)
    move(cast, "archive")
    assert cast.campaign.state == P.ARCHIVED
    assert available_actions(subject=cast.campaign, user=cast.province_admin) == []


# --- the case's moves consult the phase ---------------------------------------------


def test_selection_only_while_deciding(cast, case_at):
    case = case_at("reviewed")
    set_phase(cast.campaign, P.EXPERT_REVIEW)
    with pytest.raises(TransitionRefused, match="只在「结果审定」阶段作出入选决定"):
        apply_transition(subject=case, action="select", actor=cast.province_admin)


def test_authorities_decide_only_while_the_phase_allows(cast, case_at):
    case = case_at("submitted")
    set_phase(cast.campaign, P.DECIDING)
    with pytest.raises(TransitionRefused, match="推荐单位的初审和排序已结束"):
        apply_transition(subject=case, action="recommend", actor=cast.reviewer_a)


def test_submission_after_the_deadline_needs_an_extension_of_the_unit_or_the_case(cast):
    first = make_case(campaign=cast.campaign, applicant=cast.applicant_a)
    second = make_case(campaign=cast.campaign, applicant=cast.applicant_b)
    close_submissions(cast.campaign)
    with pytest.raises(TransitionRefused, match="截止"):
        apply_transition(subject=first, action="submit", actor=cast.applicant_a)
    extend(cast, organisation=cast.unit_a)
    extend(cast, case=second)
    apply_transition(subject=first, action="submit", actor=cast.applicant_a)
    apply_transition(subject=second, action="submit", actor=cast.applicant_b)
    # A unit's extension lets it file a new case too; it ends with the phase.
    make_case(campaign=cast.campaign, applicant=cast.applicant_a)
    set_phase(cast.campaign, P.EXPERT_REVIEW)
    assert not cast.campaign.submission_window_open(unit_id=cast.unit_a.pk)


# --- extensions ------------------------------------------------------------------------


def test_an_extension_is_granted_by_the_province_only_with_a_reason(cast, case_at):
    close_submissions(cast.campaign)
    for who in OTHERS:
        with pytest.raises(Exception, match="只有省局管理员可以批准延期"):
            extension_grant(
                campaign=cast.campaign, actor=getattr(cast, who), organisation=cast.unit_a,
                until=timezone.now() + timedelta(days=1), reason="理由",
            )  # fmt: skip
    with pytest.raises(TransitionRefused) as refusal:
        extension_grant(
            campaign=cast.campaign, actor=cast.province_admin, organisation=cast.unit_a,
            until=timezone.now() - timedelta(days=1), reason=" ",
        )  # fmt: skip
    assert refusal.value.reasons == ["延期截止时间须晚于现在。", "请填写延期理由。"]
    set_phase(cast.campaign, P.EXPERT_REVIEW)
    with pytest.raises(TransitionRefused, match="只在「征集中」和「初审排序」阶段批准延期"):
        extend(cast, organisation=cast.unit_a)
    assert not DeadlineExtension.objects.exists()


def test_the_phase_page_is_the_provinces_alone(client, cast):
    url = reverse("campaign_phase", args=[cast.campaign.year])
    for who in OTHERS:
        client.force_login(getattr(cast, who))
        assert client.get(url).status_code == 404
        move_url = reverse("campaign_phase_move", args=[cast.campaign.year, "close_collection"])
        assert client.post(move_url).status_code == 404
        assert client.post(reverse("extension_create", args=[cast.campaign.year])).status_code == 404
    client.force_login(cast.province_admin)
    page = client.get(url).content.decode()
    assert "当前阶段：征集中" in page and "截止征集，进入初审排序" in page and "尚未到期" in page


def test_the_page_moves_the_phase_and_grants_an_extension(client, cast, case_at):
    case = case_at("returned")
    close_submissions(cast.campaign)
    client.force_login(cast.province_admin)
    year = cast.campaign.year
    until = timezone.localtime() + timedelta(days=2)
    response = client.post(
        reverse("extension_create", args=[year]),
        {"case": case.pk, "until": until.strftime("%Y-%m-%dT%H:%M"), "reason": "补充数据"},
    )
    assert response.status_code == 302
    assert DeadlineExtension.objects.get().case == case
    response = client.post(reverse("extension_create", args=[year]), {"until": "", "reason": ""})
    assert response.status_code == 400
    assert "请填写延期截止时间" in response.content.decode()
    client.force_login(cast.applicant_a)
    assert "省局同意延期提交" in client.get(reverse("case_detail", args=[case.pk])).content.decode()
    assert "省局同意案例" in client.get(reverse("dashboard")).content.decode()
    client.force_login(cast.province_admin)
    response = client.post(reverse("campaign_phase_move", args=[year, "start_expert_review"]), follow=True)
    assert "申报单位的延期尚未到期，仍可提交" in response.content.decode()
    expire_extensions(cast)
    client.post(reverse("campaign_phase_move", args=[year, "start_expert_review"]))
    assert Campaign.objects.get(pk=cast.campaign.pk).state == P.EXPERT_REVIEW
    assert TransitionRecord.objects.filter(campaign=cast.campaign, action="start_expert_review").count() == 1


# --- ranking tables: none leaves a case behind -----------------------------------------


def test_no_table_while_units_can_still_submit(cast, case_at):
    case_at("recommended")
    table = table_for(campaign=cast.campaign, authority=cast.city_a)
    ranking_scan_upload(table=table, actor=cast.reviewer_a, uploaded=pdf_upload())
    with pytest.raises(TransitionRefused) as refusal:
        ranking_submit(campaign=cast.campaign, authority=cast.city_a, actor=cast.reviewer_a)
    assert refusal.value.reasons[0].endswith("所辖单位仍可提交案例，截止后方可报送。")
    close_submissions(cast.campaign)
    extend(cast, organisation=cast.unit_a)
    with pytest.raises(TransitionRefused) as refusal:
        ranking_submit(campaign=cast.campaign, authority=cast.city_a, actor=cast.reviewer_a)
    assert refusal.value.reasons[0].startswith("九台区融媒体中心获准延期至")
    # Another city's extension does not hold city A back.
    expire_extensions(cast)
    extend(cast, organisation=cast.unit_b)
    ranking_submit(campaign=cast.campaign, authority=cast.city_a, actor=cast.reviewer_a)


def test_a_late_case_goes_into_a_supplementary_table(cast, case_at):
    first = case_at("recommended")
    close_submissions(cast.campaign)
    main = submit_table(cast, cast.city_a, cast.reviewer_a)
    extend(cast, organisation=cast.unit_a)
    late = make_case(campaign=cast.campaign, applicant=cast.applicant_a)
    apply_transition(subject=late, action="submit", actor=cast.applicant_a)
    apply_transition(subject=late, action="recommend", actor=cast.reviewer_a)
    supplementary = table_for(campaign=cast.campaign, authority=cast.city_a)
    assert (supplementary.sequence, supplementary.title, supplementary.is_locked) == (2, "补充推荐表（1）", False)
    assert list(supplementary.entries.values_list("case_id", flat=True)) == [late.pk]
    assert list(main.entries.values_list("case_id", flat=True)) == [first.pk]
    expire_extensions(cast)
    submit_table(cast, cast.city_a, cast.reviewer_a)
    late.refresh_from_db()
    assert late.state == CaseState.IN_EXPERT_REVIEW
    assert blocking_cases(cast.campaign, P.EXPERT_REVIEW) == {}


def test_the_province_returns_a_single_case_not_yet_assigned(cast, case_at):
    kept = case_at("recommended")
    returned = case_at("recommended")
    close_submissions(cast.campaign)
    table = submit_table(cast, cast.city_a, cast.reviewer_a)
    set_phase(cast.campaign, P.EXPERT_REVIEW)
    kept.refresh_from_db()
    returned.refresh_from_db()
    stage = open_first_stage(cast.campaign)
    assignment_create(stage=stage, case=kept, expert=cast.expert_assigned, actor=cast.province_admin)
    with pytest.raises(TransitionRefused, match=f"已分配评审专家，不能随排序表退回.*《{kept.title}》"):
        ranking_return(table=table, actor=cast.province_admin, reason="请核实")
    with pytest.raises(TransitionRefused, match="已分配评审专家"):
        case_return_to_authority(case=kept, actor=cast.province_admin, reason="请核实")
    case_return_to_authority(case=returned, actor=cast.province_admin, reason="请补充盖章材料")
    returned.refresh_from_db()
    assert returned.state == CaseState.RECOMMENDED
    supplementary = returned.ranking_entry.table
    assert supplementary.sequence == 2 and not supplementary.is_locked
    assert list(table.entries.values_list("case_id", "rank")) == [(kept.pk, 1)]
    assert f"1个案例已推荐，所在推荐排序表尚未报送省局：《{returned.title}》（九台区融媒体中心）。" in refused(
        cast, "start_decision"
    )
    # The authority resubmits it in the supplementary table; nothing is left behind.
    submit_table(cast, cast.city_a, cast.reviewer_a)
    returned.refresh_from_db()
    assert returned.state == CaseState.IN_EXPERT_REVIEW
    assert RankingTable.objects.filter(authority=cast.city_a).count() == 2


def test_the_case_page_returns_a_single_case_for_the_province_only(client, cast, case_at):
    case = case_at("in_expert_review")
    ExpertAssignment.objects.filter(case=case).delete()
    url = reverse("reviews:case_return", args=[cast.campaign.year, case.pk])
    for who in OTHERS:
        client.force_login(getattr(cast, who))
        assert client.post(url, {"reason": "请核实"}).status_code == 404
    client.force_login(cast.province_admin)
    page = client.get(reverse("case_detail", args=[case.pk])).content.decode()
    assert "退回推荐单位（单个案例）" in page
    response = client.post(url, {"reason": ""}, follow=True)
    assert "退回推荐排序表需要填写理由" in response.content.decode() or "需要填写理由" in response.content.decode()
    client.post(url, {"reason": "请补充盖章材料"})
    case.refresh_from_db()
    assert case.state == CaseState.RECOMMENDED
    table = case.ranking_entry.table
    assert table.is_supplementary
    from reviews.ranking.documents import ranking_document, ranking_filename

    assert ranking_document(table).title.endswith("（补充推荐表（1））")
    assert "补充推荐表" in ranking_filename(table, "pdf")


def test_the_phase_page_costs_the_same_queries_whatever_the_number_of_blockers(client, cast, case_in):
    client.force_login(cast.province_admin)
    url = reverse("campaign_phase", args=[cast.campaign.year])

    def count() -> int:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        close_submissions(cast.campaign)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    case_in("submitted")
    few = count()
    for _ in range(4):
        case_in("submitted", applicant=cast.applicant_b)
        case_in("recommended")
    assert count() == few

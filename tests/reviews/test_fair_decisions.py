"""The rules of the selection, enforced by the services (issue #9): a failed gate is
never selected; quotas hard or soft; a decision changed with a reason until the 公示,
by an upheld objection until the 通报; the 公示's period; the aggregation rule named as
applied; advancing a round."""

from datetime import timedelta
from decimal import Decimal as D

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from accounts.enums import Role
from applications.enums import CampaignPhase, CaseState
from applications.models import CampaignSettingChange, Case
from reviews.enums import Aggregation, PublicationKind, QuotaMode
from reviews.experts.aggregation import panel_result, rule_label
from reviews.experts.results import stage_results
from reviews.experts.rounds import stage_advance
from reviews.experts.services import assignment_create
from reviews.models import ExpertAssignment, Objection, Publication, ReviewStage, Rubric, SelectionRules
from reviews.outcome.publication import announcement_publish, notice_publish, objection_answer, objection_record
from reviews.outcome.rules import quota_warnings
from tests.factories import UserFactory, open_first_stage, set_phase, submit_review
from tests.reviews.outcome_world import score
from workflow.exceptions import TransitionRefused
from workflow.models import TransitionRecord
from workflow.services import apply_transition

S = CaseState


def _select(cast, case, comment="入选"):
    return apply_transition(subject=case, action="select", actor=cast.province_admin, comment=comment)


def _state(case) -> str:
    return Case.objects.get(pk=case.pk).state


def _reviewed_with_failed_gate(cast, case_in):
    case = case_in("in_expert_review")
    submit_review(ExpertAssignment.objects.get(case=case), passed=False)
    apply_transition(subject=case, action="complete_review", actor=cast.province_admin, comment="评审完成")
    set_phase(cast.campaign, CampaignPhase.DECIDING)  # reviewed: the province decides in 结果审定
    return case


def _publish_notice(cast):
    today = timezone.localdate()
    return notice_publish(
        campaign=cast.campaign,
        actor=cast.province_admin,
        title="公示",
        starts_on=today,
        ends_on=today + timedelta(days=6),
    )


def _announce(cast, notice):
    """The 公示's days gone by, the campaign in 公示, the 通报 published."""
    Publication.objects.filter(pk=notice.pk).update(ends_on=timezone.localdate() - timedelta(days=1))
    set_phase(cast.campaign, CampaignPhase.PUBLIC_NOTICE)
    return announcement_publish(campaign=cast.campaign, actor=cast.province_admin, title="通报")


def _rules(cast, **fields) -> SelectionRules:
    rules, _created = SelectionRules.objects.update_or_create(campaign=cast.campaign, defaults=fields)
    return rules


# --- the gate ---------------------------------------------------------------------------------


def test_a_case_that_failed_the_gate_is_never_selected(cast, case_in):
    case = _reviewed_with_failed_gate(cast, case_in)
    with pytest.raises(TransitionRefused) as refused:
        _select(cast, case)
    assert refused.value.reasons == ["该案例「政治性」评审不通过，不能入选。"]
    assert _state(case) == S.REVIEWED
    assert not TransitionRecord.objects.filter(case=case, action="select").exists()
    # It can still be decided the other way.
    apply_transition(subject=case, action="reject_selection", actor=cast.province_admin, comment="政治性不通过")
    assert _state(case) == S.NOT_SELECTED


def test_the_gate_refuses_through_the_page_too(client, cast, case_in):
    case = _reviewed_with_failed_gate(cast, case_in)
    client.force_login(cast.province_admin)
    results = client.get(reverse("reviews:results", args=[2024])).content.decode()
    assert "否决项不通过，不能入选" in results
    assert reverse("case_transition", args=[case.pk, "select"]) not in results  # no 入选 button
    response = client.post(reverse("case_transition", args=[case.pk, "select"]), {"comment": "入选"})
    assert response.status_code == 302
    assert [m.message for m in get_messages(response.wsgi_request)] == ["该案例「政治性」评审不通过，不能入选。"]
    assert _state(case) == S.REVIEWED


# --- quotas ----------------------------------------------------------------------------------


@pytest.fixture
def two_reviewed(cast, case_in):
    """Two reviewed cases of unit A (a county centre, city A), same category."""
    return case_in("reviewed"), case_in("reviewed", title="第二个案例")


def test_a_hard_category_quota_refuses_the_case_beyond_it(cast, two_reviewed):
    first, second = two_reviewed
    category = first.category
    category.selection_quota = 1
    category.save()
    _select(cast, first)
    with pytest.raises(TransitionRefused) as refused:
        _select(cast, second)
    assert refused.value.reasons == ["超出名额，不能入选：「新媒体平台建设」名额1个，已入选1个。"]
    assert _state(second) == S.REVIEWED
    assert quota_warnings(campaign=cast.campaign) == []


def test_a_soft_category_quota_warns_and_allows(cast, two_reviewed):
    first, second = two_reviewed
    _rules(cast, category_quota_mode=QuotaMode.SOFT)
    category = first.category
    category.selection_quota = 1
    category.save()
    _select(cast, first)
    _select(cast, second)
    assert _state(second) == S.SELECTED
    assert quota_warnings(campaign=cast.campaign) == ["「新媒体平台建设」已入选2个，超过名额1个。"]


def test_per_authority_and_per_unit_level_caps(cast, two_reviewed):
    first, second = two_reviewed
    _rules(cast, authority_quota=1)
    _select(cast, first)
    with pytest.raises(TransitionRefused) as refused:
        _select(cast, second)
    assert refused.value.reasons == ["超出名额，不能入选：长春市文广旅局推荐的案例最多入选1个，已入选1个。"]

    # Unit A is a county centre: 县级 ≤1 binds; 市级 and 省级 caps do not concern it.
    _rules(cast, authority_quota=None, county_unit_quota=1, city_unit_quota=0, provincial_unit_quota=0)
    with pytest.raises(TransitionRefused) as refused:
        _select(cast, second)
    assert refused.value.reasons == ["超出名额，不能入选：九台区融媒体中心（县级单位）最多入选1个，已入选1个。"]

    _rules(cast, county_unit_quota=1, unit_quota_mode=QuotaMode.SOFT)
    _select(cast, second)
    assert quota_warnings(campaign=cast.campaign) == ["九台区融媒体中心（县级单位）已入选2个，超过上限1个。"]


def test_a_provincial_unit_has_the_provincial_cap(cast, case_in):
    _rules(cast, provincial_unit_quota=0, county_unit_quota=5)
    case = case_in("reviewed", applicant=cast.applicant_p)
    with pytest.raises(TransitionRefused, match="吉林广播电视台（省级单位）最多入选0个"):
        _select(cast, case)


# --- changing a decision -----------------------------------------------------------------------


def test_a_decision_is_changed_with_a_reason_until_the_notice(cast, two_reviewed):
    first, second = two_reviewed
    _select(cast, first)
    with pytest.raises(TransitionRefused, match="需要填写意见或理由"):
        apply_transition(subject=first, action="reconsider_selection", actor=cast.province_admin, comment=" ")
    record = apply_transition(
        subject=first, action="reconsider_selection", actor=cast.province_admin, comment="复核后调整"
    )
    assert (record.from_state, record.to_state, record.comment) == (S.SELECTED, S.REVIEWED, "复核后调整")
    apply_transition(subject=first, action="reject_selection", actor=cast.province_admin, comment="名额所限")
    # Not selected, and back again: the province may decide a not-selected case.
    apply_transition(subject=first, action="reconsider_selection", actor=cast.province_admin, comment="再议")
    _select(cast, first)
    _select(cast, second)
    assert _state(first) == S.SELECTED
    assert list(TransitionRecord.objects.filter(case=first).values_list("action", flat=True))[-5:] == [
        "select",
        "reconsider_selection",
        "reject_selection",
        "reconsider_selection",
        "select",
    ]


def test_no_decision_changes_once_the_notice_is_published(client, cast, two_reviewed):
    first, second = two_reviewed
    _select(cast, first)
    apply_transition(subject=second, action="reject_selection", actor=cast.province_admin, comment="名额所限")
    _publish_notice(cast)
    for case in (first, second):
        with pytest.raises(TransitionRefused) as refused:
            apply_transition(subject=case, action="reconsider_selection", actor=cast.province_admin, comment="再议")
        assert "评选结果已公示，入选决定不能再更改" in refused.value.reasons[0]
    assert (_state(first), _state(second)) == (S.SELECTED, S.NOT_SELECTED)
    client.force_login(cast.province_admin)
    page = client.get(reverse("reviews:results", args=[2024])).content.decode()
    assert "reconsider_selection" not in page


def test_an_upheld_objection_withdraws_the_selection_with_a_record(cast, two_reviewed):
    first, second = two_reviewed
    _select(cast, first)
    _select(cast, second)
    notice = _publish_notice(cast)
    kept = objection_record(
        publication=notice, case=second, actor=cast.province_admin, objector="甲", contact="", content="有出入"
    )
    upheld = objection_record(
        publication=notice, case=first, actor=cast.province_admin, objector="乙", contact="", content="数据不实"
    )
    objection_answer(objection=kept, actor=cast.province_admin, answer="经核实，数据无误。")
    assert _state(second) == S.SELECTED
    objection_answer(objection=upheld, actor=cast.province_admin, answer="经核实，数据不实，取消入选。", upheld=True)
    assert _state(first) == S.NOT_SELECTED
    record = TransitionRecord.objects.get(case=first, action="uphold_objection")
    assert (record.from_state, record.to_state, record.actor) == (S.SELECTED, S.NOT_SELECTED, cast.province_admin)
    assert record.comment == "经核实，数据不实，取消入选。"
    # The answer is final: it cannot be taken back.
    with pytest.raises(TransitionRefused, match="已认定成立"):
        objection_answer(objection=upheld, actor=cast.province_admin, answer="改判")


def test_no_objection_changes_a_decision_after_the_announcement(cast, case_in):
    case = case_in("reviewed")
    _select(cast, case)
    notice = _publish_notice(cast)
    objection = objection_record(
        publication=notice, case=case, actor=cast.province_admin, objector="乙", contact="", content="数据不实"
    )
    objection_answer(objection=objection, actor=cast.province_admin, answer="暂不成立。")
    _announce(cast, notice)
    late = objection_record(
        publication=notice, case=case, actor=cast.province_admin, objector="丙", contact="", content="补充异议"
    )
    with pytest.raises(TransitionRefused, match="通报已发布，入选结果不能再更改"):
        objection_answer(objection=late, actor=cast.province_admin, answer="成立", upheld=True)
    assert _state(case) == S.SELECTED
    assert not Objection.objects.get(pk=late.pk).upheld  # nothing half-written


def test_an_objection_is_upheld_from_the_publication_page(client, cast, case_in):
    case = case_in("reviewed")
    _select(cast, case)
    notice = _publish_notice(cast)
    objection = objection_record(
        publication=notice, case=case, actor=cast.province_admin, objector="乙", contact="", content="数据不实"
    )
    client.force_login(cast.province_admin)
    page = client.get(reverse("reviews:publication", args=[2024])).content.decode()
    assert f'id="id_objection{objection.pk}_upheld"' in page
    data = {"objection": objection.pk, "answer": "异议成立。", "upheld": "on"}
    assert client.post(reverse("reviews:objection_answer", args=[2024]), data).status_code == 302
    assert _state(case) == S.NOT_SELECTED
    assert "异议成立，已取消入选" in client.get(reverse("reviews:publication", args=[2024])).content.decode()


# --- the 公示's period ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "end", "message"),
    [
        (-7, -1, "公示开始日期不能早于今天"),
        (-1, 6, "公示开始日期不能早于今天"),
        (0, 5, "公示期不少于7天（含首尾两日），所填为6天。"),
        (1, 0, "公示结束日期不能早于开始日期。"),
    ],
)
def test_a_past_dated_or_short_notice_is_refused(cast, case_in, start, end, message):
    _select(cast, case_in("reviewed"))
    today = timezone.localdate()
    with pytest.raises(TransitionRefused, match=message):
        notice_publish(
            campaign=cast.campaign,
            actor=cast.province_admin,
            title="公示",
            starts_on=today + timedelta(days=start),
            ends_on=today + timedelta(days=end),
        )
    assert not Publication.objects.filter(kind=PublicationKind.NOTICE).exists()


def test_the_campaign_sets_the_shortest_notice(cast, case_in):
    _select(cast, case_in("reviewed"))
    _rules(cast, notice_min_days=10)
    today = timezone.localdate()
    with pytest.raises(TransitionRefused, match="公示期不少于10天"):
        notice_publish(
            campaign=cast.campaign,
            actor=cast.province_admin,
            title="公示",
            starts_on=today,
            ends_on=today + timedelta(days=6),
        )
    # A 公示 starting later is fine.
    notice_publish(
        campaign=cast.campaign,
        actor=cast.province_admin,
        title="公示",
        starts_on=today + timedelta(days=2),
        ends_on=today + timedelta(days=11),
    )


# --- the aggregation, named as applied -----------------------------------------------------------


def test_three_experts_get_the_plain_mean_and_are_told_so():
    totals = [D("86.85"), D("83.65"), D("85.60")]
    assert panel_result(totals, Aggregation.TRIMMED_MEAN) == D("85.37")  # (86.85+83.65+85.60)/3
    assert rule_label(Aggregation.TRIMMED_MEAN, 3) == "3位专家，算术平均"
    assert rule_label(Aggregation.MEDIAN, 3) == "3位专家，中位数"
    assert panel_result(totals, Aggregation.MEDIAN) == D("85.60")


def test_five_experts_get_the_trimmed_mean_and_are_told_so():
    totals = [D("86.85"), D("83.65"), D("85.60"), D("70.00"), D("95.00")]
    # 95.00 and 70.00 dropped: (86.85+83.65+85.60)/3
    assert panel_result(totals, Aggregation.TRIMMED_MEAN) == D("85.37")
    assert rule_label(Aggregation.TRIMMED_MEAN, 5) == "5位专家，去掉一个最高分和一个最低分后平均"
    assert rule_label(Aggregation.MEAN, 5) == "5位专家，算术平均"
    # The campaign's threshold decides: from 6 experts on, five get the mean.
    assert panel_result(totals, Aggregation.TRIMMED_MEAN, 6) == D("84.22")
    assert rule_label(Aggregation.TRIMMED_MEAN, 5, 6) == "5位专家，算术平均"


def _experts(cast, n):
    pool = cast.expert_assigned.organisation
    return [cast.expert_assigned] + [
        UserFactory(username=f"expert_{i}", organisation=pool, role=Role.EXPERT) for i in range(2, n + 1)
    ]


@pytest.mark.parametrize(
    ("bases", "label"),
    [
        ((90, 80, 85), "3位专家，算术平均"),
        ((90, 80, 85, 60, 95), "5位专家，去掉一个最高分和一个最低分后平均"),
    ],
)
def test_the_results_page_names_the_rule_behind_each_figure(client, cast, case_in, bases, label):
    case = case_in("in_expert_review", expert=None)
    stage = open_first_stage(cast.campaign)
    for expert, base in zip(_experts(cast, len(bases)), bases, strict=True):
        score(assignment_create(stage=stage, case=case, expert=expert, actor=cast.province_admin), base)
    rubric = Rubric.objects.get(campaign=cast.campaign)
    (result,) = [r for items in stage_results(stage=stage, rubric=rubric).values() for r in items]
    totals = sorted(s.total for s in result.scores)
    kept = totals[1:-1] if len(totals) >= 5 else totals
    assert result.result == (sum(kept) / len(kept)).quantize(D("0.01"))
    assert result.rule == label
    client.force_login(cast.province_admin)
    page = client.get(reverse("reviews:results", args=[2024])).content.decode()
    assert f'{result.result}</span><div class="small text-muted">{label}</div>' in page
    assert "5位及以上专家评分时去掉一个最高分和一个最低分后平均，不足5位时算术平均" in page


# --- rounds -------------------------------------------------------------------------------------


@pytest.fixture
def first_round(cast, case_in):
    """Three cases of one category scored by one expert in the first round (80, 90, 70)
    and a fourth that failed the gate."""
    stage = open_first_stage(cast.campaign)
    cases = []
    for title, value, passed in (
        ("甲案例", 80, True),
        ("乙案例", 90, True),
        ("丙案例", 70, True),
        ("丁案例", 95, False),
    ):
        case = case_in("in_expert_review", title=title)
        submit_review(ExpertAssignment.objects.get(case=case), value=value, passed=passed)
        cases.append(case)
    return stage, cases


def test_the_top_n_advance_to_the_next_round(cast, first_round):
    stage, (a, b, c, d) = first_round
    following = stage_advance(stage=stage, actor=cast.province_admin, top_n=2)
    assert (following.order, following.name) == (2, "第2轮")
    assert set(following.shortlist.values_list("pk", flat=True)) == {a.pk, b.pk}  # never the failed gate
    # An advanced case waits for the next round; the others can be completed now.
    with pytest.raises(TransitionRefused, match="尚未分配评审专家"):
        apply_transition(subject=a, action="complete_review", actor=cast.province_admin)
    apply_transition(subject=c, action="complete_review", actor=cast.province_admin)
    # The second round scores them; then they complete, with both rounds' figures.
    ReviewStage.objects.filter(pk=stage.pk).update(status="closed")
    following.status = "open"
    following.save()
    for case, value in ((a, 95), (b, 75)):
        submit_review(
            assignment_create(stage=following, case=case, expert=cast.expert_unassigned, actor=cast.province_admin),
            value=value,
        )
        apply_transition(subject=case, action="complete_review", actor=cast.province_admin)
    rubric = Rubric.objects.get(campaign=cast.campaign)
    second = {r.case.pk: r for items in stage_results(stage=following, rubric=rubric).values() for r in items}
    assert set(second) == {a.pk, b.pk}
    assert (second[a.pk].category_rank, second[b.pk].category_rank) == (1, 2)


def test_chosen_cases_advance_and_the_rounds_show_side_by_side(client, cast, first_round):
    stage, (a, b, c, d) = first_round
    client.force_login(cast.province_admin)
    url = reverse("reviews:stage_advance", args=[2024])
    # A case that failed the gate cannot advance; nothing is written.
    response = client.post(url, {"stage": stage.pk, "cases": [c.pk, d.pk]})
    assert response.status_code == 400 and "有1个所选案例不能晋级" in response.content.decode()
    assert ReviewStage.objects.filter(campaign=cast.campaign).count() == 1
    response = client.post(url, {"stage": stage.pk})
    assert response.status_code == 400 and "二选一" in response.content.decode()

    response = client.post(url, {"stage": stage.pk, "cases": [c.pk]})
    following = ReviewStage.objects.get(campaign=cast.campaign, order=2)
    assert response.status_code == 302 and response.url.endswith(f"?stage={following.pk}")
    assert list(following.shortlist.values_list("pk", flat=True)) == [c.pk]
    page = client.get(reverse("reviews:results", args=[2024]), {"stage": following.pk}).content.decode()
    assert "初评得分" in page and c.title in page and a.title not in page
    first_figure = stage_results(stage=stage, rubric=Rubric.objects.get(campaign=cast.campaign))
    (c_result,) = [r for items in first_figure.values() for r in items if r.case.pk == c.pk]
    assert f"{c_result.result}<div" in page  # the first round's figure beside the second's

    # Once the next round assigns experts, its shortlist is fixed.
    assignment_create(stage=following, case=c, expert=cast.expert_unassigned, actor=cast.province_admin)
    with pytest.raises(TransitionRefused, match="已开始分配专家或已结束"):
        stage_advance(stage=stage, actor=cast.province_admin, case_ids=[a.pk])


# --- the rules page ---------------------------------------------------------------------------------


def test_the_province_edits_the_selection_rules(client, cast):
    client.force_login(cast.province_admin)
    url = reverse("reviews:selection_rules", args=[2024])
    assert client.get(url).status_code == 200
    categories = list(cast.campaign.categories.order_by("position"))
    data = {
        "aggregation": Aggregation.TRIMMED_MEAN,
        "trim_min_experts": 7,
        "category_quota_mode": QuotaMode.SOFT,
        "authority_quota": 3,
        "authority_quota_mode": QuotaMode.HARD,
        "provincial_unit_quota": 3,
        "city_unit_quota": 2,
        "county_unit_quota": 1,
        "unit_quota_mode": QuotaMode.HARD,
        "notice_min_days": 7,
        **{f"category_{c.pk}": 5 for c in categories},
        f"category_{categories[0].pk}": "",
    }
    assert client.post(url, data).status_code == 302
    rules = SelectionRules.objects.get(campaign=cast.campaign)
    assert (rules.category_quota_mode, rules.authority_quota, rules.county_unit_quota) == (QuotaMode.SOFT, 3, 1)
    assert Rubric.objects.get(campaign=cast.campaign).trim_min_experts == 7
    assert [c.selection_quota for c in cast.campaign.categories.order_by("position")] == [None, 5, 5, 5]
    # Recorded in the campaign's settings history like every other setting (who, old → new).
    history = CampaignSettingChange.objects.filter(campaign=cast.campaign, actor=cast.province_admin)
    shown = {(row.field, row.old_value, row.new_value) for row in history}
    trim = Rubric._meta.get_field("trim_min_experts").verbose_name
    mode = SelectionRules._meta.get_field("category_quota_mode").verbose_name
    assert (str(trim), "5", "7") in shown
    assert any(field == str(mode) and new == str(QuotaMode.SOFT.label) for field, _old, new in shown)
    assert history.filter(subject__contains=categories[1].name, new_value="5").exists()

    bad = {**data, "trim_min_experts": 2, "notice_min_days": 0, "authority_quota": "很多"}
    response = client.post(url, bad)
    page = response.content.decode()
    assert response.status_code == 400 and "请修改以下问题" in page
    assert "不能小于3" in page and "不能小于1" in page and "请填写整数" in page
    assert SelectionRules.objects.get(campaign=cast.campaign).authority_quota == 3  # unchanged


def test_the_aggregation_is_fixed_once_an_expert_has_scored(client, cast, case_at):
    case_at("reviewed")
    client.force_login(cast.province_admin)
    url = reverse("reviews:selection_rules", args=[2024])
    page = client.get(url).content.decode()
    assert "已有专家评分，汇总方法不能再更改。" in page
    data = {
        "aggregation": Aggregation.MEDIAN,
        "trim_min_experts": 5,
        "category_quota_mode": QuotaMode.HARD,
        "authority_quota_mode": QuotaMode.HARD,
        "unit_quota_mode": QuotaMode.HARD,
        "notice_min_days": 7,
    }
    assert client.post(url, data).status_code == 302
    assert Rubric.objects.get(campaign=cast.campaign).aggregation == Aggregation.TRIMMED_MEAN  # disabled field


@pytest.mark.parametrize("user", ["applicant_a", "reviewer_a", "expert_assigned"])
def test_the_new_pages_answer_404_to_everyone_else(client, cast, first_round, user):
    stage, (a, *_rest) = first_round
    client.force_login(getattr(cast, user))
    assert client.get(reverse("reviews:selection_rules", args=[2024])).status_code == 404
    assert client.post(reverse("reviews:selection_rules", args=[2024]), {"notice_min_days": 1}).status_code == 404
    response = client.post(reverse("reviews:stage_advance", args=[2024]), {"stage": stage.pk, "top_n": 1})
    assert response.status_code == 404
    assert not SelectionRules.objects.exists()
    assert ReviewStage.objects.filter(campaign=cast.campaign).count() == 1


# --- the NRTA candidates -------------------------------------------------------------------------


def test_nrta_candidates_are_the_announced_cases_in_the_announcements_order(client, cast, case_in):
    from reviews.outcome.nrta import nrta_candidates

    first, second = case_in("reviewed", title="甲案例"), case_in("reviewed", title="乙案例")
    _select(cast, first)
    _select(cast, second)
    client.force_login(cast.province_admin)
    assert nrta_candidates(cast.campaign) == []
    page = client.get(reverse("reviews:nrta", args=[2024])).content.decode()
    assert "通报发布后，可从通报名单中择优推荐。" in page and first.title not in page
    notice = _publish_notice(cast)
    _announce(cast, notice)
    # Unscored: the 通报's order falls back to the titles (as the 通报 document sorts them).
    assert nrta_candidates(cast.campaign) == [second, first]
    page = client.get(reverse("reviews:nrta", args=[2024])).content.decode()
    assert page.index(second.title) < page.index(first.title)


def test_the_results_page_with_two_rounds_takes_as_many_queries_for_more_cases(client, cast, case_in, first_round):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    stage, _cases = first_round
    stage_advance(stage=stage, actor=cast.province_admin, top_n=2)
    client.force_login(cast.province_admin)
    url = reverse("reviews:results", args=[2024])

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url, {"stage": stage.pk}).status_code == 200
        return len(captured)

    before = queries()
    for n in range(3):
        case = case_in("in_expert_review", title=f"新增案例{n}")
        submit_review(ExpertAssignment.objects.get(case=case), value=60 + n)
    assert queries() == before

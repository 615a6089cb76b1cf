"""The province's operations, one view each, through their forms: each works for the
administrator, and what a page should never send (a word or a huge number for an id,
nothing at all, another campaign's object) is a clear error beside the field and at
the top of the page, never an error page, and changes nothing."""

import re
from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.enums import Role
from applications.enums import CampaignPhase
from reviews.enums import PublicationKind, StageStatus
from reviews.models import ExpertAssignment, NrtaEntry, Objection, Publication, ReviewStage
from reviews.outcome.publication import notice_publish, objection_record
from tests.factories import UserFactory, make_case, open_campaign, set_phase, submit_review
from workflow.services import apply_transition

HUGE = "99999999999999999999"
TOP = "请修改以下问题"


@pytest.fixture
def admin(client, cast):
    client.force_login(cast.province_admin)
    return client


@pytest.fixture
def elsewhere(cast):
    """Objects of another campaign, whose ids this year's pages must refuse."""
    campaign = open_campaign(year=2023)
    stage = ReviewStage.objects.get(campaign=campaign, order=1)
    case = make_case(campaign=campaign, applicant=cast.applicant_a)
    assignment = ExpertAssignment.objects.create(stage=stage, case=case, expert=cast.expert_unassigned)
    notice = Publication.objects.create(
        campaign=campaign,
        kind=PublicationKind.NOTICE,
        title="往年公示",
        starts_on=timezone.localdate(),
        ends_on=timezone.localdate(),
        published_at=timezone.now(),
        published_by=cast.province_admin,
    )
    objection = Objection.objects.create(
        publication=notice,
        case=case,
        objector="某单位",
        content="异议",
        received_at=timezone.now(),
        recorded_by=cast.province_admin,
    )
    return SimpleNamespace(stage=stage, case=case, assignment=assignment, objection=objection)


@pytest.fixture
def world(cast, case_at, elsewhere):
    """A case in expert review, its round, its assignment; the other campaign's objects."""
    case = case_at("in_expert_review")
    assignment = ExpertAssignment.objects.get(case=case)
    return SimpleNamespace(case=case, stage=assignment.stage, assignment=assignment, other=elsewhere)


def _state():
    """What none of the refused posts may change."""
    return (
        sorted(ExpertAssignment.objects.values_list("pk", "submitted_at")),
        sorted(ReviewStage.objects.values_list("pk", "status")),
        Publication.objects.count(),
        sorted(Objection.objects.values_list("pk", "answer")),
        sorted(NrtaEntry.objects.values_list("case_id", "rank")),
    )


def _refused(client, name, data, *, message, field=None):
    before = _state()
    response = client.post(reverse(f"reviews:{name}", args=[2024]), data)
    page = response.content.decode()
    assert response.status_code == 400
    assert TOP in page and message in page
    if field:
        # Beside the field, tied to it, and linked from the top.
        assert f'id="id_{field}_error"' in page
        assert re.search(rf'aria-describedby="[^"]*\bid_{field}_error"', page)
        assert f'href="#id_{field}"' in page
    assert _state() == before
    return page


# --- the rounds and the assignment ----------------------------------------------------------


def test_a_round_is_closed_and_opened_from_its_own_urls(admin, world):
    response = admin.post(reverse("reviews:stage_close", args=[2024]), {"stage": world.stage.pk})
    assert response.status_code == 302 and response.url.endswith(f"?stage={world.stage.pk}")
    assert ReviewStage.objects.get(pk=world.stage.pk).status == StageStatus.CLOSED
    admin.post(reverse("reviews:stage_open", args=[2024]), {"stage": world.stage.pk})
    assert ReviewStage.objects.get(pk=world.stage.pk).status == StageStatus.OPEN


def test_automatic_and_manual_assignment_and_their_undoing(admin, cast, world):
    response = admin.post(reverse("reviews:auto_assign", args=[2024]), {"stage": world.stage.pk}, follow=True)
    assert "已自动分配" in response.content.decode()

    expert = UserFactory(organisation=cast.expert_assigned.organisation, role=Role.EXPERT)
    data = {"stage": world.stage.pk, "cases": [world.case.pk], "expert": expert.pk}
    response = admin.post(reverse("reviews:assign", args=[2024]), data, follow=True)
    assert "已为" in response.content.decode()
    added = ExpertAssignment.objects.get(case=world.case, expert=expert)

    # The same again: the service's refusal is named beside the cases, nothing added.
    page = _refused(admin, "assign", data, message="该专家已分配到此案例。", field="cases")
    assert world.case.title in page

    admin.post(reverse("reviews:assignment_remove", args=[2024]), {"assignment": added.pk})
    assert not ExpertAssignment.objects.filter(pk=added.pk).exists()

    submit_review(world.assignment)
    admin.post(reverse("reviews:assignment_reopen", args=[2024]), {"assignment": world.assignment.pk})
    assert not ExpertAssignment.objects.get(pk=world.assignment.pk).is_submitted


@pytest.mark.parametrize("name", ["stage_open", "stage_close", "auto_assign"])
@pytest.mark.parametrize(
    ("value", "message"),
    [
        (None, "请选择评审轮次。"),
        ("abc", "所选评审轮次不属于本次征集"),
        (HUGE, "所选评审轮次不属于本次征集"),
        ("other", "所选评审轮次不属于本次征集"),
    ],
)
def test_a_round_that_is_not_this_campaigns_is_refused(admin, world, name, value, message):
    data = {} if value is None else {"stage": world.other.stage.pk if value == "other" else value}
    _refused(admin, name, data, message=message)


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"expert": "abc"}, "expert", "所选评审专家不存在或已停用"),
        ({"expert": HUGE}, "expert", "所选评审专家不存在或已停用"),
        ({"expert": ""}, "expert", "请选择评审专家。"),
        ({"cases": ["abc"]}, "cases", "所选案例不属于本次征集"),
        ({"cases": [HUGE]}, "cases", "所选案例不属于本次征集"),
        ({"cases": []}, "cases", "请至少选择一个案例。"),
        ({"cases": "other"}, "cases", "所选案例不属于本次征集"),
        ({"stage": "abc"}, None, "所选评审轮次不属于本次征集"),
    ],
)
def test_manual_assignment_refuses_bad_ids_beside_the_field(admin, cast, world, change, field, message):
    data = {"stage": world.stage.pk, "cases": [world.case.pk], "expert": cast.expert_unassigned.pk, **change}
    if data["cases"] == "other":
        data["cases"] = [world.other.case.pk]
    _refused(admin, "assign", data, message=message, field=field)


def test_an_empty_manual_assignment_names_every_missing_field(admin, world):
    page = _refused(admin, "assign", {}, message="请选择评审专家。", field="expert")
    assert "请至少选择一个案例。" in page and "请选择评审轮次。" in page


@pytest.mark.parametrize("name", ["assignment_remove", "assignment_reopen"])
@pytest.mark.parametrize(
    ("value", "message"),
    [
        (None, "请选择评审分配。"),
        ("abc", "该评审分配不存在或已取消"),
        (HUGE, "该评审分配不存在或已取消"),
        ("other", "该评审分配不存在或已取消"),
    ],
)
def test_an_assignment_that_is_not_this_campaigns_is_refused(admin, world, name, value, message):
    data = {} if value is None else {"assignment": world.other.assignment.pk if value == "other" else value}
    _refused(admin, name, data, message=message)


def test_a_refused_undoing_is_told_at_the_top(admin, world):
    submit_review(world.assignment)
    _refused(admin, "assignment_remove", {"assignment": world.assignment.pk}, message="专家已提交评审，不能取消分配")


# --- the 公示, its objections and the 通报 -----------------------------------------------------


@pytest.fixture
def published(cast, case_at, elsewhere):
    case = case_at("reviewed")
    apply_transition(subject=case, action="select", actor=cast.province_admin, comment="入选")
    today = timezone.localdate()
    notice = notice_publish(
        campaign=cast.campaign,
        actor=cast.province_admin,
        title="公示",
        starts_on=today,
        ends_on=today + timedelta(days=6),
    )
    set_phase(cast.campaign, CampaignPhase.PUBLIC_NOTICE)
    return SimpleNamespace(case=case, notice=notice, other=elsewhere)


def official() -> dict:
    """The parts of the 公文 a publication form asks for besides its title."""
    return {
        "issuer": "吉林省广播电视局",
        "addressee": "各市（州）文广旅局",
        "body": "第一段。\n第二段。",
        "issued_on": timezone.localdate().isoformat(),
    }


def test_the_notice_is_published_from_its_form(admin, cast, case_at):
    case = case_at("reviewed")
    apply_transition(subject=case, action="select", actor=cast.province_admin, comment="入选")
    page = admin.get(reverse("reviews:publication", args=[2024])).content.decode()
    assert 'type="date"' in page and f'value="{timezone.localdate().isoformat()}"' in page
    today = timezone.localdate()
    data = {
        "title": "公示",
        "document_number": "吉广发[2024]1号",
        "starts_on": today,
        "ends_on": today + timedelta(days=6),
        **official(),
    }
    assert admin.post(reverse("reviews:notice_publish", args=[2024]), data).status_code == 302
    notice = Publication.objects.get(kind=PublicationKind.NOTICE)
    assert notice.document_number == "吉广发〔2024〕1号"  # the year in 六角括号, as GB/T 9704 writes it
    assert (notice.issuer, notice.addressee, notice.body) == (
        "吉林省广播电视局",
        "各市（州）文广旅局",
        "第一段。\n第二段。",
    )
    assert notice.issued_on == today


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({}, "title", "请填写公示标题。"),
        ({}, "starts_on", "请填写公示开始日期。"),
        ({"starts_on": "2024-13-45"}, "starts_on", "请填写有效的日期。"),
        ({"ends_on": "明天"}, "ends_on", "请填写有效的日期。"),
        (
            {"title": "公", "starts_on": "2024-06-10", "ends_on": "2024-06-01"},
            "ends_on",
            "公示结束日期不能早于开始日期。",
        ),
        ({"title": "公" * 201}, "title", "不超过200字"),
        # Past-dated: the period must start today or later.
        (
            {"title": "公", "starts_on": "2024-06-01", "ends_on": "2024-06-07"},
            "starts_on",
            "公示开始日期不能早于今天",
        ),
        # Too short: at least the campaign's 7 days, both ends counted.
        ("six_days", "ends_on", "公示期不少于7天（含首尾两日），所填为6天。"),
        ({"body": "正" * 5001}, "body", "不超过5000字"),
        ({"addressee": "各" * 301}, "addressee", "不超过300字"),
        ({}, "issuer", "请填写发文机关。"),
        ({}, "issued_on", "请填写成文日期。"),
        ({"document_number": "吉广发〔2024〕第01号"}, "document_number", "文号应为「机关代字〔年份〕序号号」"),
    ],
)
def test_a_bad_notice_is_refused_beside_the_field(admin, cast, case_at, data, field, message):
    case = case_at("reviewed")
    apply_transition(subject=case, action="select", actor=cast.province_admin, comment="入选")
    if data == "six_days":
        today = timezone.localdate()
        data = {"title": "公", "starts_on": today, "ends_on": today + timedelta(days=5)}
    page = _refused(admin, "notice_publish", data, message=message, field=field)
    if "title" in data:
        assert data["title"] in page  # what was typed is kept


def test_a_notice_the_service_refuses_keeps_what_was_typed(admin, cast):
    today = timezone.localdate()
    data = {"title": "公示标题草稿", "starts_on": today, "ends_on": today + timedelta(days=6), **official()}
    page = _refused(admin, "notice_publish", data, message="还没有确定入选的案例，不能发布公示。")
    assert 'value="公示标题草稿"' in page


def test_objections_are_recorded_and_answered_from_their_forms(admin, published):
    data = {"case": published.case.pk, "objector": "某单位", "contact": "0431-1234567", "content": "数据有出入"}
    assert admin.post(reverse("reviews:objection_record", args=[2024]), data).status_code == 302
    objection = Objection.objects.get(publication=published.notice)
    page = admin.get(reverse("reviews:publication", args=[2024])).content.decode()
    assert f'id="id_objection{objection.pk}_answer"' in page
    data = {"objection": objection.pk, "answer": "经核实，数据无误。"}
    assert admin.post(reverse("reviews:objection_answer", args=[2024]), data).status_code == 302
    assert Objection.objects.get(pk=objection.pk).answer == "经核实，数据无误。"


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"case": "abc"}, "case", "所选案例不在本次公示名单中"),
        ({"case": HUGE}, "case", "所选案例不在本次公示名单中"),
        ({"case": "other"}, "case", "所选案例不在本次公示名单中"),
        ({"case": ""}, "case", "请选择异议针对的案例。"),
        ({"objector": ""}, "objector", "请填写异议人和异议内容。"),
        ({"content": "异" * 2001}, "content", "不超过2000字"),
    ],
)
def test_a_bad_objection_is_refused_beside_the_field(admin, published, change, field, message):
    data = {"case": published.case.pk, "objector": "某单位", "content": "数据有出入", **change}
    if data["case"] == "other":
        data["case"] = published.other.case.pk
    _refused(admin, "objection_record", data, message=message, field=field)


def test_an_objection_without_a_notice_is_refused(admin, cast, case_at):
    case = case_at("reviewed")
    apply_transition(subject=case, action="select", actor=cast.province_admin, comment="入选")
    data = {"case": case.pk, "objector": "某单位", "content": "数据有出入"}
    _refused(admin, "objection_record", data, message="尚未发布公示，不能登记异议。")


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (None, "请选择要处理的异议。"),
        ("abc", "该异议不属于本次公示"),
        (HUGE, "该异议不属于本次公示"),
        ("other", "该异议不属于本次公示"),
    ],
)
def test_an_answer_to_an_objection_that_is_not_this_campaigns_is_refused(admin, published, value, message):
    data = {"answer": "已处理"}
    if value is not None:
        data["objection"] = published.other.objection.pk if value == "other" else value
    _refused(admin, "objection_answer", data, message=message)


def test_an_empty_answer_is_refused_beside_its_own_objection(admin, cast, published):
    objection = objection_record(
        publication=published.notice,
        case=published.case,
        actor=cast.province_admin,
        objector="某单位",
        contact="",
        content="异议",
    )
    _refused(
        admin,
        "objection_answer",
        {"objection": objection.pk, "answer": ""},
        message="请填写处理意见。",
        field=f"objection{objection.pk}_answer",
    )


def test_the_announcement_is_refused_beside_its_title_or_at_the_top(admin, published):
    _refused(admin, "announcement_publish", {}, message="请填写通报标题。", field="title")
    # The notice period is not over: the service's reason, at the top.
    _refused(admin, "announcement_publish", {"title": "通报", **official()}, message="期满后方可发布通报")
    notice = published.notice
    notice.ends_on = timezone.localdate() - timedelta(days=1)
    notice.save()
    response = admin.post(reverse("reviews:announcement_publish", args=[2024]), {"title": "通报", **official()})
    assert response.status_code == 302 and Publication.objects.filter(kind=PublicationKind.ANNOUNCEMENT).exists()


# --- the recommendation to the NRTA -------------------------------------------------------------


@pytest.fixture
def recommended(cast, case_at, elsewhere):
    first = case_at("recommended_to_nrta")
    second = case_at("recommended_to_nrta", applicant=cast.applicant_b)
    return SimpleNamespace(first=first, second=second, other=elsewhere)


def _order():
    return list(NrtaEntry.objects.order_by("rank").values_list("case_id", flat=True))


def test_the_recommendation_order_moves_one_place_at_a_time(admin, recommended):
    assert _order() == [recommended.first.pk, recommended.second.pk]
    admin.post(reverse("reviews:nrta_move_down", args=[2024]), {"case": recommended.first.pk})
    assert _order() == [recommended.second.pk, recommended.first.pk]
    admin.post(reverse("reviews:nrta_move_up", args=[2024]), {"case": recommended.first.pk})
    assert _order() == [recommended.first.pk, recommended.second.pk]


@pytest.mark.parametrize("name", ["nrta_move_up", "nrta_move_down"])
@pytest.mark.parametrize(
    ("value", "message"),
    [
        (None, "请选择要移动的案例。"),
        ("abc", "该案例不在本次推荐名单中"),
        (HUGE, "该案例不在本次推荐名单中"),
        ("other", "该案例不在本次推荐名单中"),
    ],
)
def test_a_case_that_is_not_on_the_list_is_refused(admin, recommended, name, value, message):
    data = {} if value is None else {"case": recommended.other.case.pk if value == "other" else value}
    _refused(admin, name, data, message=message)


def test_a_package_without_recommended_cases_is_refused_with_a_message(admin):
    response = admin.post(reverse("reviews:nrta_package_request", args=[2024]), follow=True)
    assert response.status_code == 200
    assert "尚无推荐至总局的案例，不能生成推荐材料包。" in response.content.decode()

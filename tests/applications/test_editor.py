"""The applicant's editor: schema-driven, forgiving (drafts always save), safe against
two tabs overwriting each other, and refusing what the applicant may not edit."""

import copy

import pytest
from django.urls import reverse

from applications.models import Case
from applications.services import schema_add_version
from core.text import counted_length
from tests.factories import make_case
from workflow.services import apply_transition

# Real applicant prose from the seeds: ideographic-space indents, full-width punctuation,
# numbers inside the text, a line break.
SEED_TEXT = (
    "　　山西文旅融媒体中心充分发挥在内容生产方面的专业性、高质量特点，已累计制作原创图文 388 条、"
    "原创短视频作品 261 条、原创直播 5 场和拍摄 25 家景区文旅素材库，总阅读量达 2500 万。\n"
    "　　较项目合作前文旅报道数量增长 300%以上。"
)


def _post_data(case, **changes):
    from applications.forms import CaseContentForm

    data = {k: v for k, v in CaseContentForm.initial_for(case).items()}
    data.update(changes)
    return data


def test_counted_length_counts_every_character_but_whitespace():
    stripped = "".join(SEED_TEXT.split())  # Python's split() also drops \u3000
    assert counted_length(SEED_TEXT) == len(stripped) == 109
    assert counted_length("“四全媒体”，388条。") == 12
    assert counted_length("a\u3000b\u00a0c\td\ne") == 5


def test_a_new_schema_version_changes_the_form_with_no_code_change(client, cast):
    category = cast.campaign.categories.get(code="platform")
    definition = copy.deepcopy(category.schemas.latest().definition)
    definition["sections"].append({"key": "party_building", "title": "党建引领与队伍建设情况", "required": True})
    schema_add_version(category=category, definition=definition)
    case = make_case(campaign=cast.campaign, applicant=cast.applicant_a)
    assert case.schema.version == 2
    Case.objects.filter(pk=case.pk).update(sections={**case.sections, "party_building": ""})

    client.force_login(cast.applicant_a)
    page = client.get(reverse("case_edit", args=[case.pk])).content.decode()
    assert "7. 党建引领与队伍建设情况" in page and 'name="section__party_building"' in page
    # The new required section is missing, so the case cannot go yet.
    assert "第7部分「党建引领与队伍建设情况」未填写。" in page

    client.post(reverse("case_edit", args=[case.pk]), _post_data(case, section__party_building=SEED_TEXT))
    assert Case.objects.get(pk=case.pk).sections["party_building"] == SEED_TEXT


def test_saving_keeps_the_text_exactly_and_bumps_the_version(client, cast):
    case = make_case(campaign=cast.campaign, applicant=cast.applicant_a, complete=False)
    client.force_login(cast.applicant_a)
    response = client.post(
        reverse("case_edit", args=[case.pk]),
        _post_data(case, title="  “掌上融媒”客户端  ", section__overview=SEED_TEXT, figure__users="12.5", bogus="x"),
    )
    assert response.status_code == 302
    saved = Case.objects.get(pk=case.pk)
    assert saved.title == "“掌上融媒”客户端"
    assert saved.sections["overview"] == SEED_TEXT  # indents and line breaks are the author's
    assert saved.figures["users"] == "12.5" and "bogus" not in saved.header
    assert saved.version == case.version + 1


def test_an_incomplete_draft_always_saves(client, cast):
    case = make_case(campaign=cast.campaign, applicant=cast.applicant_a, complete=False)
    client.force_login(cast.applicant_a)
    response = client.post(reverse("case_edit", args=[case.pk]), _post_data(case, section__overview="半"))
    assert response.status_code == 302
    page = client.get(reverse("case_edit", args=[case.pk])).content.decode()
    assert "量化数据「平台（账号）用户总量」未填写；没有此项数据请选「不适用/暂无」。" in page


def test_a_figure_that_is_not_a_number_is_refused_beside_its_field_and_nothing_saved(client, cast):
    case = make_case(campaign=cast.campaign, applicant=cast.applicant_a, complete=False)
    client.force_login(cast.applicant_a)
    data = _post_data(case, figure__users="很多", section__overview="新写的")
    response = client.post(reverse("case_edit", args=[case.pk]), data)
    assert response.status_code == 400
    page = response.content.decode()
    assert 'id="id_figure__users_error"' in page
    assert "「平台（账号）用户总量」应为数字（可用千位分隔符，如 1,286.5），现为「很多」。" in page
    assert "新写的" in page  # what was typed stays on the page
    assert Case.objects.get(pk=case.pk).sections.get("overview", "") == ""
    autosave = client.post(reverse("case_autosave", args=[case.pk]), data)
    assert autosave.status_code == 400 and "应为数字" in autosave.json()["message"]


def test_two_tabs_do_not_overwrite_each_other(client, cast):
    case = make_case(campaign=cast.campaign, applicant=cast.applicant_a, complete=False)
    client.force_login(cast.applicant_a)
    first_tab, second_tab = (
        _post_data(case, section__overview="第一个标签页"),
        _post_data(case, section__overview="第二个"),
    )

    assert client.post(reverse("case_autosave", args=[case.pk]), first_tab).status_code == 200
    stale = client.post(reverse("case_autosave", args=[case.pk]), second_tab)
    assert stale.status_code == 409 and stale.json()["error"] == "stale"
    assert stale.json()["version"] == case.version + 1
    # The plain form says so too, and shows the user's own text back, unsaved.
    page = client.post(reverse("case_edit", args=[case.pk]), second_tab)
    assert page.status_code == 409 and "第二个" in page.content.decode()
    assert Case.objects.get(pk=case.pk).sections["overview"] == "第一个标签页"


def test_autosave_answers_with_the_new_version_and_what_is_missing(client, cast):
    case = make_case(campaign=cast.campaign, applicant=cast.applicant_a, complete=False)
    client.force_login(cast.applicant_a)
    answer = client.post(reverse("case_autosave", args=[case.pk]), _post_data(case, section__overview=SEED_TEXT)).json()
    assert answer["version"] == case.version + 1 and answer["total"] == 109
    assert (
        "第2部分「平台建设、账号运营、矩阵打造或协同机制等方面的主要创新做法与实践（可选择其中一方面或多方面）」未填写。"
        in answer["problems"]
    )


def test_an_expired_session_changes_nothing(client, cast):
    case = make_case(campaign=cast.campaign, applicant=cast.applicant_a, complete=False)
    response = client.post(reverse("case_autosave", args=[case.pk]), _post_data(case, section__overview="丢失？"))
    assert response.status_code == 302 and "/accounts/login/" in response.url
    assert Case.objects.get(pk=case.pk).sections == case.sections


@pytest.mark.parametrize("user", ["applicant_b", "reviewer_b", "expert_assigned", "province_admin"])
def test_other_people_cannot_reach_the_editor(client, cast, user):
    case = make_case(campaign=cast.campaign, applicant=cast.applicant_a, complete=False)
    client.force_login(getattr(cast, user))
    for name in ("case_edit", "case_autosave"):
        assert client.post(reverse(name, args=[case.pk]), _post_data(case, section__overview="x")).status_code == 404
    assert Case.objects.get(pk=case.pk).sections == case.sections


@pytest.mark.parametrize("pk", [0, 999_999_999, 99_999_999_999_999_999_999])
def test_an_unknown_or_impossible_case_number_is_not_found(client, cast, pk):
    """The editor reads the case and the user's rights in one query: a number no row can
    have (beyond the database's integers) is a 404 before it reaches the database."""
    client.force_login(cast.applicant_a)
    assert client.get(f"/cases/{pk}/edit/").status_code == 404
    assert client.post(f"/cases/{pk}/edit/", {"version": "1"}).status_code == 404


def test_a_submitted_case_is_not_editable_until_returned(client, cast, case_at):
    case = case_at("submitted")
    client.force_login(cast.applicant_a)
    assert client.get(reverse("case_edit", args=[case.pk])).status_code == 403
    assert client.post(reverse("case_autosave", args=[case.pk]), _post_data(case)).status_code == 403
    apply_transition(subject=case, action="return_for_revision", actor=cast.reviewer_a, comment="请补充数据")
    assert client.get(reverse("case_edit", args=[case.pk])).status_code == 200


def test_a_returned_case_shows_the_comments_next_to_the_sections(client, cast, case_at):
    case = case_at("submitted")
    apply_transition(
        subject=case,
        action="return_for_revision",
        actor=cast.reviewer_a,
        comment="请补充对比数据。",
        section_comments={"results": "缺少经营收入的对比数据。", "no_such_section": "忽略"},
    )
    client.force_login(cast.applicant_a)
    page = client.get(reverse("case_edit", args=[case.pk])).content.decode()
    assert "请补充对比数据。" in page
    comment_at = page.index("缺少经营收入的对比数据。")
    assert page.index("3. 取得的成效成果") > comment_at > page.index("2. 平台建设")
    assert "忽略" not in page


def test_creating_a_case_needs_an_approved_unit_in_an_open_campaign(client, cast):
    client.force_login(cast.applicant_a)
    category = cast.campaign.categories.get(code="services")
    response = client.post(reverse("case_new"), {"title": "城市生活服务总入口", "category": category.pk})
    case = Case.objects.get(title="城市生活服务总入口")
    assert response.url == reverse("case_edit", args=[case.pk])
    assert case.unit == cast.unit_a and case.authority == cast.city_a and case.schema.category == category

    cast.unit_a.registration_status = "pending"
    cast.unit_a.save()
    assert client.get(reverse("case_new")).status_code == 404
    client.force_login(cast.reviewer_a)
    assert client.get(reverse("case_new")).status_code == 404


def test_submission_lists_every_problem_at_once(client, cast):
    case = make_case(campaign=cast.campaign, applicant=cast.applicant_a, complete=False)
    client.force_login(cast.applicant_a)
    page = client.post(reverse("case_transition", args=[case.pk, "submit"]), follow=True).content.decode()
    for number in range(1, 7):
        assert f"第{number}部分「" in page
    assert "基本信息「联系人」未填写。" in page and "尚未上传加盖申报单位公章的申请表扫描件（PDF）。" in page
    assert Case.objects.get(pk=case.pk).state == "draft"


def test_my_cases_show_what_is_missing_and_the_deadline(client, cast):
    make_case(campaign=cast.campaign, applicant=cast.applicant_a, complete=False, title="缺材料的案例")
    client.force_login(cast.applicant_a)
    page = client.get(reverse("dashboard")).content.decode()
    assert "缺材料的案例" in page and "还缺" in page and "截止，还有" in page and "新建案例" in page


def test_submission_names_an_over_long_narrative_and_a_figure_that_is_not_a_number(client, cast):
    long_text = "融" * 900
    case = make_case(campaign=cast.campaign, applicant=cast.applicant_a)
    Case.objects.filter(pk=case.pk).update(
        sections=dict.fromkeys(case.sections, long_text), figures={**case.figures, "users": "十二万"}
    )
    client.force_login(cast.applicant_a)
    page = client.post(reverse("case_transition", args=[case.pk, "submit"]), follow=True).content.decode()
    assert "申报材料正文共5400字，超过5000字的上限，请删减400字。" in page
    assert "量化数据「平台（账号）用户总量」应为数字（可用千位分隔符，如 1,286.5），现为「十二万」。" in page
    assert Case.objects.get(pk=case.pk).state == "draft"

"""The experts' review sheets 专家评审表 (PDF): blind or open, drafts, and all of an
expert's sheets of a round."""

from io import BytesIO

from pypdf import PdfReader

from accounts.enums import Role
from reviews.experts.review_sheets import render_expert_sheets_pdf, render_review_sheet_pdf
from reviews.models import ExpertAssignment
from tests.factories import UserFactory
from tests.reading import (
    PAGE_NUMBER,
    assert_a4_portrait,
    assert_subset_cjk_fonts,
    compact,
    in_order,
    pdf_pages,
    pdf_text,
)
from tests.reviews.outcome_world import CONTACT, by_hand

SHEET_TITLE = "吉林省2024年广播电视媒体融合典型案例专家评审表"


def test_review_sheet_of_a_blind_stage_shows_no_unit_authority_or_contact(reviewed, cast):
    assignment = ExpertAssignment.objects.get(case=reviewed.cases.a1, expert=reviewed.experts[1])
    pdf = render_review_sheet_pdf(assignment)
    assert_a4_portrait(pdf)
    assert_subset_cjk_fonts(pdf)
    assert len(PdfReader(BytesIO(pdf)).pages) == 1

    text = pdf_text(pdf)
    assert in_order(
        text,
        [
            SHEET_TITLE,
            "（初评）",
            "案例名称“指尖上的九台”新媒体矩阵建设",
            "征集类别新媒体平台建设",
            "（匿名评审）",
            "序号评审项及评分要点权重满分得分评语",
            "1政治性",
            "否决项—通过导向正确。",
            "2创新性",
            "25%10088做法可推广。",
            "3实效性",
            "25%10086",
            "加权总分（百分制）",
            str(
                by_hand({"创新性": 88, "实效性": 86, "典型性": 89, "发展前景": 88, "申报材料完整性": 92}, cast.campaign)
            ),
            "评审专家：王建国",
            "评审专家（签字）：",
            "年月日",
        ],
    )
    for secret in (
        cast.unit_a.name,
        cast.city_a.name,
        "九台区",
        "长春",
        *CONTACT.values(),
        "申报单位九",
        "推荐单位",
    ):
        assert secret not in text, secret
    metadata = PdfReader(BytesIO(pdf)).metadata
    assert cast.unit_a.name not in str(dict(metadata or {}))


def test_review_sheet_of_an_open_stage_names_the_unit_and_authority(reviewed, cast):
    reviewed.stage.blind = False
    reviewed.stage.save(update_fields=["blind"])
    assignment = ExpertAssignment.objects.get(case=reviewed.cases.a3, expert=reviewed.experts[2])

    text = pdf_text(render_review_sheet_pdf(assignment))
    assert in_order(
        text, [f"申报单位{cast.unit_a.name}", f"推荐单位{cast.city_a.name}", "1政治性", "不通过存在导向问题。"]
    )
    assert "（匿名评审）" not in text
    # The contact data are not the expert's business, blind or not.
    assert CONTACT["contact_phone"] not in text


def test_review_sheet_of_a_draft_says_it_is_not_submitted(cast, case_at):
    case = case_at("in_expert_review")
    assignment = ExpertAssignment.objects.get(case=case)
    text = pdf_text(render_review_sheet_pdf(assignment))
    assert "注：本评审尚未提交" in text
    assert in_order(text, ["加权总分（百分制）", "评审专家："])


def test_expert_sheets_have_a_page_per_assignment(reviewed, cast):
    expert = reviewed.experts[0]
    pdf = render_expert_sheets_pdf(expert, reviewed.stage)
    pages = pdf_pages(pdf)
    assert len(pages) - 1 == ExpertAssignment.objects.filter(expert=expert, stage=reviewed.stage).count() == 6
    assert_a4_portrait(pdf)
    # In the campaign's category order, each page one case; the expert signs once, on
    # the summary page after them, which lists every case with its total.
    c = reviewed.cases
    order = [c.a1, c.b1, c.b3, c.a2, c.a3, c.b2]
    for number, (page, case) in enumerate(zip(pages, order, strict=False), start=1):
        text = compact(page)
        assert in_order(text, [SHEET_TITLE, compact(case.title), f"评审专家：{expert}", "（签字见评审汇总签字页）"])
        assert "评审专家（签字）" not in text
        assert [int(n) for n in PAGE_NUMBER.findall(page)] == [number]
    summary = compact(pages[-1])
    assert in_order(
        summary,
        [
            SHEET_TITLE,
            "评审汇总签字页",
            *[f"{number}{compact(case.title)}" for number, case in enumerate(order, start=1)],
            "本人对以上6个案例独立作出评审",
            f"评审专家：{expert}",
            "评审专家（签字）：",
        ],
    )
    assert summary.count("评审专家（签字）") == 1

    nobody = UserFactory(
        username="expert_idle", display_name="赵敏", organisation=expert.organisation, role=Role.EXPERT
    )
    assert "评审专家赵敏在本轮次无评审任务" in pdf_text(render_expert_sheets_pdf(nobody, reviewed.stage))

"""Documents of the provincial review's outcome: the 通报 list of selected cases (PDF
and Excel), the consolidated score sheet 评分汇总表 (Excel), the experts' review sheets
专家评审表 (PDF), and the export command. PDFs are read back with poppler's
pdftotext/pdffonts and pypdf, Excel files with openpyxl."""

import re
import subprocess
from decimal import ROUND_HALF_UP, Decimal
from io import BytesIO, StringIO
from types import SimpleNamespace

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone
from openpyxl import load_workbook
from pypdf import PdfReader

from accounts.enums import Role
from applications.models import Campaign
from reviews.enums import PublicationKind
from reviews.experts.results import stage_results
from reviews.experts.review_sheets import render_expert_sheets_pdf, render_review_sheet_pdf
from reviews.experts.score_sheet import render_score_sheet_xlsx, score_sheet_filename
from reviews.experts.services import assignment_create, score_save
from reviews.models import ExpertAssignment, Publication, Rubric
from reviews.outcome.announcement_documents import (
    announcement_filename,
    current_stage,
    render_announcement_pdf,
    render_announcement_xlsx,
)
from reviews.ranking.services import ranking_scan_upload, ranking_submit, table_for
from tests.factories import UserFactory, complete_content, make_case, open_first_stage, pdf_upload
from workflow.services import apply_transition

A4_PORTRAIT_POINTS = (595.28, 841.89)
PAGE_NUMBER = re.compile(r"—\s*(\d+)\s*—")
TITLE = "吉林省2024年广播电视媒体融合典型案例名单"
SCORE_TITLE = "吉林省2024年广播电视媒体融合典型案例评分汇总表"
SHEET_TITLE = "吉林省2024年广播电视媒体融合典型案例专家评审表"
CATEGORIES = ["新媒体平台建设", "融合生产传播", "综合信息服务", "体制机制改革"]
CONTACT = {
    "contact_name": "王晓明",
    "contact_position": "副主任",
    "contact_phone": "13904318866",
    "contact_email": "wangxm@jiutai.example.cn",
}
# Per-criterion scores of one expert, around a base: 创新性, 实效性, 典型性, 发展前景, 申报材料完整性.
OFFSETS = {"创新性": 0, "实效性": -2, "典型性": 1, "发展前景": 0, "申报材料完整性": 4}


# --- helpers -----------------------------------------------------------------------


def compact(text: str) -> str:
    return "".join(text.split())


def pdf_pages(pdf: bytes) -> list[str]:
    result = subprocess.run(
        ["pdftotext", "-raw", "-enc", "UTF-8", "-", "-"], input=pdf, capture_output=True, check=True
    )
    pages = result.stdout.decode("utf-8").split("\f")
    return pages[:-1] if pages and not pages[-1].strip() else pages


def pdf_text(pdf: bytes) -> str:
    return compact("".join(pdf_pages(pdf)))


def in_order(text: str, parts: list[str]) -> bool:
    position = 0
    for part in parts:
        found = text.find(part, position)
        if found < 0:
            return False
        position = found + len(part)
    return True


def assert_subset_cjk_fonts(pdf: bytes) -> None:
    result = subprocess.run(["pdffonts", "-"], input=pdf, capture_output=True, check=True)
    fonts = result.stdout.decode().splitlines()[2:]
    cjk = [line for line in fonts if "CJK" in line]
    assert cjk
    for line in cjk:
        name, *_middle, emb, sub, _uni, _object, _generation = line.split()
        assert re.match(r"^[A-Z]{6}\+", name)
        assert (emb, sub) == ("yes", "yes")
    assert len(fonts) == len(cjk), "a font other than Noto CJK was used"


def assert_a4_portrait(pdf: bytes) -> None:
    for page in PdfReader(BytesIO(pdf)).pages:
        box = page.mediabox
        assert (round(float(box.width), 2), round(float(box.height), 2)) == A4_PORTRAIT_POINTS


def recommend(cast, *, title, applicant, reviewer, category_code="platform"):
    definition = cast.campaign.categories.get(code=category_code).schemas.latest().definition
    header = {**complete_content(definition)["header"], **CONTACT}
    case = make_case(
        campaign=cast.campaign, applicant=applicant, category_code=category_code, title=title, header=header
    )
    apply_transition(subject=case, action="submit", actor=applicant)
    apply_transition(subject=case, action="recommend", actor=reviewer, comment="同意推荐")
    return case


def forward(cast, authority, reviewer):
    """The authority submits its stamped ranking table: its cases go to the province."""
    table = table_for(campaign=cast.campaign, authority=authority)
    ranking_scan_upload(table=table, actor=reviewer, uploaded=pdf_upload("推荐排序表.pdf"))
    ranking_submit(campaign=cast.campaign, authority=authority, actor=reviewer)


def criteria_by_name(campaign) -> dict:
    return {criterion.name: criterion for criterion in Rubric.objects.get(campaign=campaign).criteria.all()}


def score(assignment, base: int, *, passed: bool = True, comment: str = "做法可推广。", submit: bool = True):
    """The expert scores the criteria around `base` (OFFSETS) and submits."""
    entries = {}
    for name, criterion in criteria_by_name(assignment.stage.campaign).items():
        if criterion.is_gate:
            entries[criterion.pk] = ("pass" if passed else "fail", "导向正确。" if passed else "存在导向问题。")
        else:
            entries[criterion.pk] = (base + OFFSETS[name], comment)
    problems = score_save(assignment=assignment, actor=assignment.expert, entries=entries, submit=submit)
    assert not problems, problems
    return assignment


def by_hand(values: dict[str, Decimal], campaign) -> Decimal:
    """An expert's weighted total computed as the rubric says, from the raw scores."""
    criteria = [c for c in criteria_by_name(campaign).values() if not c.is_gate]
    weights = sum(c.weight for c in criteria)
    total = sum(c.weight * values[c.name] / c.max_score for c in criteria) * 100 / weights
    return total.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


@pytest.fixture
def experts(cast):
    pool = cast.expert_assigned.organisation
    return [
        cast.expert_assigned,
        UserFactory(username="expert_2", display_name="王建国", organisation=pool, role=Role.EXPERT),
        UserFactory(username="expert_3", display_name="李慧敏", organisation=pool, role=Role.EXPERT),
    ]


@pytest.fixture
def reviewed(cast, experts):
    """Six cases of two cities through the whole review, three experts each:

    新媒体平台建设  A1 selected (rank 1), B1 selected (rank 2), B3 recommended to NRTA
                   (rank 3): the ranks do not follow the titles' order;
    融合生产传播    A2 selected, experts far apart (flagged);
    综合信息服务    A3 not selected, one expert fails 政治性 (excluded);
    体制机制改革    B2 reviewed, not yet decided.
    """
    a = dict(applicant=cast.applicant_a, reviewer=cast.reviewer_a)
    b = dict(applicant=cast.applicant_b, reviewer=cast.reviewer_b)
    cases = SimpleNamespace(
        a1=recommend(cast, title="“指尖上的九台”新媒体矩阵建设", **a),
        a2=recommend(cast, title="乡村振兴融合传播行动", category_code="production", **a),
        a3=recommend(cast, title="智慧政务“一网通办”综合服务平台", category_code="services", **a),
        b1=recommend(cast, title="“人参之乡”短视频账号矩阵运营", **b),
        b2=recommend(cast, title="县域融媒体考核激励机制改革", category_code="reform", **b),
        b3=recommend(cast, title="长白山下的融媒体平台", **b),
    )
    forward(cast, cast.city_a, cast.reviewer_a)
    forward(cast, cast.city_b, cast.reviewer_b)
    for case in vars(cases).values():
        case.refresh_from_db()
    stage = open_first_stage(cast.campaign)
    bases = {
        "a1": (90, 88, 92),
        "b1": (85, 84, 86),
        "b3": (70, 72, 74),
        "a2": (95, 70, 80),
        "a3": (80, 80, 80),
        "b2": (75, 76, 77),
    }
    for key, values in bases.items():
        case = getattr(cases, key)
        for expert, base in zip(experts, values, strict=True):
            assignment = assignment_create(stage=stage, case=case, expert=expert, actor=cast.province_admin)
            score(assignment, base, passed=not (key == "a3" and expert == experts[2]))
        apply_transition(subject=case, action="complete_review", actor=cast.province_admin, comment="评审完成")
    for key in ("a1", "a2", "b1", "b3"):
        apply_transition(subject=getattr(cases, key), action="select", actor=cast.province_admin, comment="入选")
    apply_transition(subject=cases.b3, action="recommend_to_nrta", actor=cast.province_admin, comment="推荐")
    apply_transition(subject=cases.a3, action="reject_selection", actor=cast.province_admin, comment="政治性不通过")
    for case in vars(cases).values():
        case.refresh_from_db()
    return SimpleNamespace(stage=stage, cases=cases, experts=experts)


def announcement_rows(sheet) -> list[list]:
    return [list(row) for row in sheet.iter_rows(min_row=4, max_col=4, values_only=True)]


# --- the announcement ----------------------------------------------------------------


def test_announcement_xlsx_groups_selected_cases_by_category_in_rank_order(reviewed, cast):
    c = reviewed.cases
    workbook = load_workbook(BytesIO(render_announcement_xlsx(cast.campaign)))
    assert workbook.sheetnames == ["通报名单"]
    sheet = workbook["通报名单"]

    assert sheet["A1"].value == TITLE
    assert sheet["A1"].font.b
    assert sheet["A2"].value is None  # no 通报 published yet: no document number
    assert [cell.value for cell in sheet[3]] == ["序号", "案例名称", "申报单位", "推荐单位"]
    assert announcement_rows(sheet) == [
        ["一、新媒体平台建设（3个）", None, None, None],
        [1, c.a1.title, "九台区融媒体中心", "长春市文广旅局"],
        [2, c.b1.title, "桦甸市融媒体中心", "吉林市文广旅局"],
        [3, c.b3.title, "桦甸市融媒体中心", "吉林市文广旅局"],  # recommended to the NRTA: still listed
        ["二、融合生产传播（1个）", None, None, None],
        [1, c.a2.title, "九台区融媒体中心", "长春市文广旅局"],
        ["三、综合信息服务（0个）", None, None, None],  # A3 not selected
        ["（无）", None, None, None],
        ["四、体制机制改革（0个）", None, None, None],  # B2 reviewed, not decided
        ["（无）", None, None, None],
    ]
    merged = {str(ranges) for ranges in sheet.merged_cells.ranges}
    assert {"A1:D1", "A4:D4", "A8:D8", "A10:D10", "A11:D11"} <= merged
    assert sheet["A4"].font.b

    # Prints A4 portrait, one page wide, the header row on each page, "— 1 —" at the foot.
    assert sheet.page_setup.orientation == "portrait"
    assert int(sheet.page_setup.paperSize) == int(sheet.PAPERSIZE_A4)
    assert sheet.sheet_properties.pageSetUpPr.fitToPage and sheet.page_setup.fitToWidth == 1
    assert sheet.print_title_rows == "$3:$3"
    assert sheet.oddFooter.center.text == "— &P —"


def test_announcement_follows_the_category_order_and_falls_back_to_titles(cast, case_in):
    # The outcomes of `reviewed`, decided without a single score submitted.
    a = {"applicant": cast.applicant_a}
    b = {"applicant": cast.applicant_b}
    c = SimpleNamespace(
        a1=case_in("selected", title="“指尖上的九台”新媒体矩阵建设", **a),
        b1=case_in("selected", title="“人参之乡”短视频账号矩阵运营", **b),
        b3=case_in("recommended_to_nrta", title="长白山下的融媒体平台", **b),
        a2=case_in("selected", title="乡村振兴融合传播行动", category_code="production", **a),
        a3=case_in("not_selected", title="智慧政务“一网通办”综合服务平台", category_code="services", **a),
        b2=case_in("reviewed", title="县域融媒体考核激励机制改革", category_code="reform", **b),
    )
    # The province moves 体制机制改革 first.
    cast.campaign.categories.filter(code="reform").update(position=0)
    # Without results (no stage scored), the cases of a category stand in title order.
    assert current_stage(cast.campaign) is None
    sheet = load_workbook(BytesIO(render_announcement_xlsx(cast.campaign)))["通报名单"]

    headings = [row[0] for row in announcement_rows(sheet) if isinstance(row[0], str) and "、" in row[0]]
    assert headings == [
        "一、体制机制改革（0个）",
        "二、新媒体平台建设（3个）",
        "三、融合生产传播（1个）",
        "四、综合信息服务（0个）",
    ]
    platform = [row[1] for row in announcement_rows(sheet)[3:6]]
    assert platform == sorted([c.a1.title, c.b1.title, c.b3.title]) == [c.b1.title, c.a1.title, c.b3.title]


def test_announcement_pdf_is_an_a4_portrait_list_grouped_by_category(reviewed, cast):
    c = reviewed.cases
    Publication.objects.create(
        campaign=cast.campaign,
        kind=PublicationKind.ANNOUNCEMENT,
        title="关于2024年全省广播电视媒体融合典型案例评选结果的通报",
        document_number="吉广电发〔2024〕18号",
        published_at=timezone.now(),
        published_by=cast.province_admin,
    )
    pdf = render_announcement_pdf(cast.campaign)
    assert_a4_portrait(pdf)
    assert_subset_cjk_fonts(pdf)

    text = pdf_text(pdf)
    assert in_order(
        text,
        [
            TITLE,
            "吉广电发〔2024〕18号",
            "一、新媒体平台建设（3个）",
            "序号案例名称申报单位推荐单位",
            f"1{compact(c.a1.title)}九台区融媒体中心长春市文广旅局",
            f"2{compact(c.b1.title)}桦甸市融媒体中心吉林市文广旅局",
            f"3{compact(c.b3.title)}",
            "二、融合生产传播（1个）",
            f"1{compact(c.a2.title)}",
            "三、综合信息服务（0个）",
            "（无）",
            "四、体制机制改革（0个）",
            "（无）",
        ],
    )
    for absent in (c.a3, c.b2):
        assert compact(absent.title) not in text
    assert PAGE_NUMBER.findall(pdf_pages(pdf)[0]) == ["1"]

    # The Excel carries the document number under the title too.
    sheet = load_workbook(BytesIO(render_announcement_xlsx(cast.campaign)))["通报名单"]
    assert sheet["A2"].value == "吉广电发〔2024〕18号"


def test_announcement_of_many_cases_spans_pages_with_the_header_on_each(cast):
    titles = [f"融合传播典型案例第{number:02d}号" for number in range(1, 41)]
    cases = [recommend(cast, title=t, applicant=cast.applicant_a, reviewer=cast.reviewer_a) for t in titles]
    forward(cast, cast.city_a, cast.reviewer_a)
    stage = open_first_stage(cast.campaign)
    stage.max_load = 50
    stage.save(update_fields=["max_load"])
    for case in cases:
        case.refresh_from_db()
        assignment = assignment_create(stage=stage, case=case, expert=cast.expert_assigned, actor=cast.province_admin)
        score(assignment, 80)
        apply_transition(subject=case, action="complete_review", actor=cast.province_admin)
        apply_transition(subject=case, action="select", actor=cast.province_admin)

    pdf = render_announcement_pdf(cast.campaign)
    pages = pdf_pages(pdf)
    assert len(pages) >= 2
    for number, page in enumerate(pages, start=1):
        assert [int(n) for n in PAGE_NUMBER.findall(page)] == [number]
        if compact(titles[0]) not in compact(page):
            assert "序号案例名称申报单位推荐单位" in compact(page), f"no header row on page {number}"
    text = pdf_text(pdf)
    # Equal results: the authority's own order decides, which is the order of recommendation.
    assert in_order(text, [f"{n}{compact(t)}" for n, t in enumerate(titles, start=1)])


def test_announcement_shows_user_text_literally(cast, case_in):
    case = case_in("selected")
    case.title = "融媒体<b>加粗</b> & “新闻+”=1+1"
    case.save(update_fields=["title"])

    assert "融媒体<b>加粗</b>&“新闻+”=1+1" in pdf_text(render_announcement_pdf(cast.campaign))
    cell = load_workbook(BytesIO(render_announcement_xlsx(cast.campaign)))["通报名单"]["B5"]
    assert cell.value == case.title and cell.data_type == "s"


def test_announcement_filename(cast):
    assert announcement_filename(cast.campaign, "pdf") == f"{TITLE}.pdf"
    assert announcement_filename(cast.campaign, ".XLSX") == f"{TITLE}.xlsx"


# --- the consolidated score sheet ------------------------------------------------------


def sheet_rows(sheet, columns: int) -> list[list]:
    return [list(row) for row in sheet.iter_rows(min_row=4, max_col=columns, values_only=True)]


def test_score_sheet_has_a_summary_and_a_detail_sheet_per_category(reviewed, cast):
    data = render_score_sheet_xlsx(reviewed.stage)
    workbook = load_workbook(BytesIO(data))
    assert workbook.sheetnames == [name for category in CATEGORIES for name in (category, f"{category}明细")]
    assert score_sheet_filename(reviewed.stage) == f"{SCORE_TITLE}-初评.xlsx"

    sheet = workbook["新媒体平台建设"]
    assert sheet["A1"].value == f"{SCORE_TITLE}（初评 · 新媒体平台建设）"
    names = [str(expert) for expert in reviewed.experts]
    assert [cell.value for cell in sheet[3]] == [
        "排名",
        "案例名称",
        "申报单位",
        "推荐单位",
        "推荐单位排序",
        *names,
        "汇总得分",
        "标准差",
        "极差",
        "分歧提示",
        "否决",
    ]
    results = {
        r.case.pk: r for rs in stage_results(stage=reviewed.stage, rubric=cast.campaign.rubric).values() for r in rs
    }
    c = reviewed.cases
    rows = sheet_rows(sheet, 13)
    assert [row[:5] for row in rows] == [
        [1, c.a1.title, "九台区融媒体中心", "长春市文广旅局", 1],
        [2, c.b1.title, "桦甸市融媒体中心", "吉林市文广旅局", 1],
        [3, c.b3.title, "桦甸市融媒体中心", "吉林市文广旅局", 3],
    ]
    for row, case in zip(rows, (c.a1, c.b1, c.b3), strict=True):
        result = results[case.pk]
        totals = {s.expert_id: s.total for s in result.scores}
        assert row[5:8] == [float(totals[expert.pk]) for expert in reviewed.experts]
        assert row[8:11] == [float(result.result), float(result.spread.stdev), float(result.spread.spread)]
        assert row[11:] == [None, None]
    assert sheet["F4"].number_format == "0.00"

    # Flags: far apart experts; a failed gate takes the case out of the ranking.
    flagged = sheet_rows(workbook["融合生产传播"], 13)[0]
    assert flagged[0] == 1 and flagged[11] == "是" and flagged[10] == 25.0
    excluded = sheet_rows(workbook["综合信息服务"], 13)[0]
    assert excluded[0] is None and excluded[12] == "政治性不通过" and excluded[11] is None

    # Prints A4 landscape, one page wide, the header on every page.
    assert sheet.page_setup.orientation == "landscape" and sheet.print_title_rows == "$3:$3"


def test_score_sheet_details_trace_every_total_to_the_saved_scores(reviewed, cast):
    workbook = load_workbook(BytesIO(render_score_sheet_xlsx(reviewed.stage)))
    detail = workbook["新媒体平台建设明细"]
    header = [cell.value for cell in detail[3]]
    assert header == [
        "排名",
        "案例名称",
        "评审专家",
        "政治性（否决项）",
        "创新性（权重25%，满分100）",
        "实效性（权重25%，满分100）",
        "典型性（权重20%，满分100）",
        "发展前景（权重20%，满分100）",
        "申报材料完整性（权重10%，满分100）",
        "专家得分",
        "评语",
    ]
    rows = sheet_rows(detail, len(header))
    assert len(rows) == 9  # three cases, three experts each
    summary = {row[1]: row for row in sheet_rows(workbook["新媒体平台建设"], 13)}
    names = [str(expert) for expert in reviewed.experts]
    criteria = ["创新性", "实效性", "典型性", "发展前景", "申报材料完整性"]
    for row in rows:
        title, expert_name = row[1], row[2]
        assignment = ExpertAssignment.objects.get(case__title=title, expert__display_name=expert_name)
        saved = {s.criterion.name: s for s in assignment.scores.select_related("criterion")}
        # Each figure is the score saved ...
        assert row[3] == "通过"
        assert row[4:9] == [float(saved[name].value) for name in criteria]
        # ... the expert's total follows from them by the rubric's formula ...
        values = {name: Decimal(str(value)) for name, value in zip(criteria, row[4:9], strict=True)}
        assert row[9] == float(by_hand(values, cast.campaign))
        # ... and is the one on the summary sheet; the comments come along.
        assert summary[title][5 + names.index(expert_name)] == row[9]
        assert row[10].split("\n")[:2] == ["政治性：导向正确。", "创新性：做法可推广。"]


def test_score_sheet_marks_unsubmitted_reviews_and_empty_categories(cast, case_at, experts):
    case = case_at("in_expert_review")
    stage = open_first_stage(cast.campaign)
    score(ExpertAssignment.objects.get(case=case), 80, submit=False)  # a draft only
    workbook = load_workbook(BytesIO(render_score_sheet_xlsx(stage)))

    row = sheet_rows(workbook["新媒体平台建设"], 11)[0]
    assert row[0] is None and row[1] == case.title and row[5] == "未提交" and row[6] is None
    assert sheet_rows(workbook["新媒体平台建设明细"], 10)[0][9] == "未提交"
    assert workbook["融合生产传播"]["A4"].value == "（无评审案例）"


# --- the review sheets -------------------------------------------------------------------


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
    assert len(pages) == ExpertAssignment.objects.filter(expert=expert, stage=reviewed.stage).count() == 6
    assert_a4_portrait(pdf)
    # In the campaign's category order; each page one case with its own signature line.
    c = reviewed.cases
    order = [c.a1, c.b1, c.b3, c.a2, c.a3, c.b2]
    for number, (page, case) in enumerate(zip(pages, order, strict=True), start=1):
        text = compact(page)
        assert in_order(text, [SHEET_TITLE, compact(case.title), f"评审专家：{expert}", "评审专家（签字）："])
        assert [int(n) for n in PAGE_NUMBER.findall(page)] == [number]

    nobody = UserFactory(
        username="expert_idle", display_name="赵敏", organisation=expert.organisation, role=Role.EXPERT
    )
    assert "评审专家赵敏在本轮次无评审任务" in pdf_text(render_expert_sheets_pdf(nobody, reviewed.stage))


# --- the export command ---------------------------------------------------------------


@pytest.fixture
def out(tmp_path):
    directory = tmp_path / "out"
    directory.mkdir()
    return directory


def export(*arguments) -> str:
    output = StringIO()
    call_command("export_announcement", *arguments, stdout=output)
    return output.getvalue()


def test_command_writes_pdf_and_xlsx(reviewed, out, monkeypatch):
    c = reviewed.cases
    pdf_path = out / "名单.pdf"
    output = export("--campaign", "2024", "--format", "pdf", "-o", str(pdf_path))
    assert str(pdf_path) in output and "4 个入选案例" in output
    assert in_order(pdf_text(pdf_path.read_bytes()), [TITLE, compact(c.a1.title), compact(c.a2.title)])

    xlsx_path = out / "名单.xlsx"
    export("--campaign", "2024", "-o", str(xlsx_path))  # the format from the extension
    sheet = load_workbook(xlsx_path)["通报名单"]
    assert sheet["B5"].value == c.a1.title

    monkeypatch.chdir(out)
    export("--campaign", "2024", "--format", "XLSX")
    assert sorted(path.name for path in out.iterdir()) == sorted(["名单.pdf", "名单.xlsx", f"{TITLE}.xlsx"])


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--campaign", "2023", "--format", "pdf"], "没有 2023 年度的征集活动（现有：2024）"),
        (["--campaign", "二〇二四", "--format", "pdf"], "征集活动应以年度表示"),
        (["--campaign", "2024", "--format", "docx"], "未知的导出格式「docx」"),
        (["--campaign", "2024", "-o", "名单.csv"], "未知的导出格式「csv」"),
        (["--campaign", "2024"], "未知的导出格式「（未指定）」"),
        (["--campaign", "2024", "-o", "没有的目录/名单.pdf"], "目录「没有的目录」不存在"),
        (["--campaign", "2024", "--format", "pdf", "-o", "."], "这是一个目录"),
    ],
)
def test_command_refuses_bad_input_and_writes_nothing(cast, out, monkeypatch, arguments, message):
    monkeypatch.chdir(out)
    assert Campaign.objects.count() == 1
    with pytest.raises(CommandError, match=re.escape(message)):
        export(*arguments)
    assert list(out.iterdir()) == []


def test_command_refuses_a_read_only_directory(cast, out, monkeypatch):
    # Tests may run as root, for whom every directory is writable: ask as a user would.
    monkeypatch.setattr("applications.documents.files.os.access", lambda path, mode: False)
    with pytest.raises(CommandError, match="没有目录.*的写权限"):
        export("--campaign", "2024", "--format", "pdf", "-o", str(out / "名单.pdf"))
    assert list(out.iterdir()) == []

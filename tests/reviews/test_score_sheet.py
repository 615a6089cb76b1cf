"""The consolidated score sheet 评分汇总表 (Excel): a summary and a detail sheet per
category, every total traceable to the saved scores."""

from decimal import Decimal
from io import BytesIO

from openpyxl import load_workbook

from reviews.experts.results import stage_results
from reviews.experts.score_sheet import render_score_sheet_xlsx, score_sheet_filename
from reviews.models import ExpertAssignment
from tests.factories import open_first_stage
from tests.reviews.outcome_world import CATEGORIES, by_hand, score

SCORE_TITLE = "吉林省2024年广播电视媒体融合典型案例评分汇总表"


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
        "汇总方法",
        "标准差",
        "极差",
        "分歧提示",
        "否决",
    ]
    results = {
        r.case.pk: r for rs in stage_results(stage=reviewed.stage, rubric=cast.campaign.rubric).values() for r in rs
    }
    c = reviewed.cases
    rows = sheet_rows(sheet, 14)
    assert [row[:5] for row in rows] == [
        [1, c.a1.title, "九台区融媒体中心", "长春市文广旅局", 1],
        [2, c.b1.title, "桦甸市融媒体中心", "吉林市文广旅局", 1],
        [3, c.b3.title, "桦甸市融媒体中心", "吉林市文广旅局", 3],
    ]
    for row, case in zip(rows, (c.a1, c.b1, c.b3), strict=True):
        result = results[case.pk]
        totals = {s.expert_id: s.total for s in result.scores}
        assert row[5:8] == [float(totals[expert.pk]) for expert in reviewed.experts]
        # The rule actually applied, named beside the figure: three experts, the plain mean.
        assert row[8:12] == [
            float(result.result),
            "3位专家，算术平均",
            float(result.spread.stdev),
            float(result.spread.spread),
        ]
        assert float(result.result) == round(sum(row[5:8]) / 3, 2)
        assert row[12:] == [None, None]
    assert "3位及以上专家" not in sheet["A2"].value
    assert "5位及以上专家评分时去掉一个最高分和一个最低分后平均，不足5位时算术平均" in sheet["A2"].value
    assert sheet["F4"].number_format == "0.00"

    # Flags: far apart experts; a failed gate takes the case out of the ranking.
    flagged = sheet_rows(workbook["融合生产传播"], 14)[0]
    assert flagged[0] == 1 and flagged[12] == "是" and flagged[11] == 25.0
    excluded = sheet_rows(workbook["综合信息服务"], 14)[0]
    assert excluded[0] is None and excluded[13] == "政治性不通过" and excluded[12] is None

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
    summary = {row[1]: row for row in sheet_rows(workbook["新媒体平台建设"], 14)}
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

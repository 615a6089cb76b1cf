"""The 通报 list of selected cases as PDF and Excel, and its export command. PDFs are
read back with poppler's pdftotext/pdffonts and pypdf, Excel files with openpyxl."""

import re
from io import BytesIO, StringIO
from types import SimpleNamespace

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone
from openpyxl import load_workbook

from applications.enums import CampaignPhase
from applications.models import Campaign
from reviews.enums import PublicationKind
from reviews.experts.services import assignment_create
from reviews.models import Publication
from reviews.outcome.announcement_documents import announcement_filename, current_stage, render_announcement_xlsx
from reviews.outcome.official_documents import render_announcement_pdf
from tests.factories import open_first_stage, set_phase
from tests.reading import (
    PAGE_NUMBER,
    assert_a4_portrait,
    assert_subset_cjk_fonts,
    compact,
    in_order,
    pdf_pages,
    pdf_text,
)
from tests.reviews.outcome_world import forward, recommend, score
from workflow.services import apply_transition

TITLE = "吉林省2024年广播电视媒体融合典型案例名单"


def announcement_rows(sheet) -> list[list]:
    return [list(row) for row in sheet.iter_rows(min_row=4, max_col=4, values_only=True)]


# --- the announcement ----------------------------------------------------------------


def test_announcement_xlsx_groups_selected_cases_by_category_in_rank_order(reviewed, cast):
    c = reviewed.cases
    workbook = load_workbook(BytesIO(render_announcement_xlsx(cast.campaign)))
    assert workbook.sheetnames == ["通报名单"]
    sheet = workbook["通报名单"]

    assert sheet["A1"].value == TITLE
    assert sheet["A1"].font.name == "方正小标宋简体"
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
    assert sheet["A4"].font.name == "黑体"

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
    # The 通报 as a 公文 (GB/T 9704), the list of selected cases as its 附件.
    assert in_order(
        text,
        [
            "吉林省广播电视局文件",
            "吉广电发〔2024〕18号",
            "关于2024年全省广播电视媒体融合典型案例评选结果的通报",
            "各市（州）文广旅局",
            "现予以通报。",
            f"附件：{TITLE}",
            "吉林省广播电视局",
            "附件",
            TITLE,
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
    set_phase(cast.campaign, CampaignPhase.EXPERT_REVIEW)
    for case in cases:
        case.refresh_from_db()
        assignment = assignment_create(stage=stage, case=case, expert=cast.expert_assigned, actor=cast.province_admin)
        score(assignment, 80)
        apply_transition(subject=case, action="complete_review", actor=cast.province_admin)
    set_phase(cast.campaign, CampaignPhase.DECIDING)
    for case in cases:
        apply_transition(subject=case, action="select", actor=cast.province_admin)

    pdf = render_announcement_pdf(cast.campaign)
    pages = pdf_pages(pdf)
    # The 通报 itself, then its 附件 (the list) from a page of its own.
    first = next(index for index, page in enumerate(pages) if compact(page).startswith("附件"))
    assert len(pages) - first >= 2
    for number, page in enumerate(pages, start=1):
        assert [int(n) for n in PAGE_NUMBER.findall(page)] == [number]
        if number > first + 1:
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


# --- the export command ---------------------------------------------------------------


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
        (["--campaign", "2024", "--format", "odt"], "未知的导出格式「odt」"),
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
    monkeypatch.setattr("core.command_output.os.access", lambda path, mode: False)
    with pytest.raises(CommandError, match="没有目录.*的写权限"):
        export("--campaign", "2024", "--format", "pdf", "-o", str(out / "名单.pdf"))
    assert list(out.iterdir()) == []

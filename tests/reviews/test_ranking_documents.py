"""The recommendation ranking table 推荐排序表 as PDF and Excel: what is on it, in
which order, how it prints, and the export command. PDFs are read back with poppler's
pdftotext/pdffonts and pypdf, Excel files with openpyxl."""

import re
from io import BytesIO, StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook
from pypdf import PdfReader

from accounts.models import Organisation
from reviews.models import RankingTable
from reviews.ranking.documents import ranking_filename, render_ranking_pdf, render_ranking_xlsx
from reviews.ranking.services import ranking_set_order, table_for
from tests.factories import complete_content, make_case
from tests.reading import A4_LANDSCAPE_POINTS, PAGE_NUMBER, assert_subset_cjk_fonts, compact, in_order, pdf_pages
from workflow.services import apply_transition

TITLE = "吉林省2024年广播电视媒体融合典型案例推荐排序表"
HEADER = ["推荐排序", "案例名称", "申报单位", "类别", "联系人", "联系电话", "备注"]
LONG_TITLE = (
    "以县级融媒体中心为枢纽，打造“新闻+政务+服务+商务”综合信息服务平台，"
    "构建基层主流舆论阵地与社会治理新格局的探索与实践"
)


# --- helpers -----------------------------------------------------------------------


def recommend(cast, *, title, applicant=None, reviewer=None, category_code="platform", contact=None):
    """A case of the applicant's unit, submitted and recommended through the workflow:
    the recommendation appends it to its authority's order."""
    applicant = applicant or cast.applicant_a
    reviewer = reviewer or cast.reviewer_a
    definition = cast.campaign.categories.get(code=category_code).schemas.latest().definition
    header = {**complete_content(definition)["header"], **(contact or {})}
    case = make_case(
        campaign=cast.campaign, applicant=applicant, category_code=category_code, title=title, header=header
    )
    apply_transition(subject=case, action="submit", actor=applicant)
    apply_transition(subject=case, action="recommend", actor=reviewer, comment="同意推荐")
    return case


@pytest.fixture
def ranked(cast):
    """City A's table with three cases, put in an order other than the one in which
    they were recommended; city B has a recommended case of its own."""
    first = recommend(
        cast,
        title="“指尖上的九台”新媒体矩阵建设",
        contact={"contact_name": "王晓明", "contact_phone": "0431-85816713"},
    )
    second = recommend(
        cast,
        title="乡村振兴融合传播行动",
        category_code="production",
        contact={"contact_name": "李娜", "contact_phone": "13904318866"},
    )
    third = recommend(
        cast,
        title=LONG_TITLE,
        category_code="services",
        contact={"contact_name": "欧阳振华", "contact_phone": "0432-62216688"},
    )
    recommend(
        cast,
        title="桦甸市融媒体中心智慧广电项目",
        applicant=cast.applicant_b,
        reviewer=cast.reviewer_b,
        contact={"contact_name": "赵刚", "contact_phone": "0432-66221234"},
    )
    table = table_for(campaign=cast.campaign, authority=cast.city_a)
    ranking_set_order(table=table, actor=cast.reviewer_a, case_ids=[third.pk, first.pk, second.pk])
    return table, [third, first, second]


def sheet_of(data: bytes):
    workbook = load_workbook(BytesIO(data))
    assert workbook.sheetnames == ["推荐排序表"]
    return workbook["推荐排序表"]


def data_rows(sheet) -> list[list]:
    """The rows under the header, up to the first row without a rank."""
    rows = []
    for row in sheet.iter_rows(min_row=4, max_col=7, values_only=True):
        if not isinstance(row[0], int):
            break
        rows.append(list(row))
    return rows


def all_text(sheet) -> list[str]:
    return [str(cell.value) for row in sheet.iter_rows() for cell in row if cell.value is not None]


# --- Excel -------------------------------------------------------------------------


def test_xlsx_has_title_authority_header_and_rows_in_rank_order(ranked):
    table, cases = ranked
    sheet = sheet_of(render_ranking_xlsx(table))

    assert sheet["A1"].value == TITLE
    assert "A1:G1" in {str(merged) for merged in sheet.merged_cells.ranges}
    assert sheet["A1"].font.name == "方正小标宋简体" and sheet["A1"].font.sz >= 18
    assert sheet["A2"].value == "推荐单位（盖章）：长春市文广旅局"
    assert sheet["E2"].value.startswith("填报日期：") and sheet["E2"].value.endswith("日")

    assert [cell.value for cell in sheet[3]] == HEADER
    for cell in sheet[3]:
        assert cell.font.name == "黑体"
        assert cell.border.left.style == cell.border.bottom.style == "thin"
        assert cell.fill.fill_type == "solid" and cell.fill.fgColor.rgb == "FFE7E6E6"

    assert data_rows(sheet) == [
        [1, LONG_TITLE, "九台区融媒体中心", "综合信息服务", "欧阳振华", "0432-62216688", None],
        [2, "“指尖上的九台”新媒体矩阵建设", "九台区融媒体中心", "新媒体平台建设", "王晓明", "0431-85816713", None],
        [3, "乡村振兴融合传播行动", "九台区融媒体中心", "融合生产传播", "李娜", "13904318866", None],
    ]
    for cell in sheet[4]:
        assert cell.border.left.style == cell.border.right.style == "thin"
        assert cell.alignment.wrap_text
    assert sheet["A4"].data_type == "n"
    # The long case name wraps into a taller row.
    assert sheet.row_dimensions[4].height > sheet.row_dimensions[5].height
    # Another authority's case is not on this table.
    assert "桦甸市融媒体中心智慧广电项目" not in all_text(sheet)

    # Under the table: who filled it in, the seal and the date, with room for the seal.
    tail = [cell for row in sheet.iter_rows(min_row=7) for cell in row if cell.value]
    assert [cell.value for cell in tail] == ["填报人：　　　　　　　　联系电话：", "推荐单位（盖章）", "年　　月　　日"]
    seal_row, date_row = tail[1].row, tail[2].row
    room = sum(sheet.row_dimensions[row].height for row in range(seal_row + 1, date_row))
    assert room >= 113  # 4 cm in points


def test_xlsx_prints_a4_landscape_one_page_wide_with_the_header_on_every_page(ranked):
    table, _cases = ranked
    sheet = sheet_of(render_ranking_xlsx(table))

    assert sheet.page_setup.orientation == "landscape"
    assert str(sheet.page_setup.paperSize) == sheet.PAPERSIZE_A4
    assert sheet.sheet_properties.pageSetUpPr.fitToPage
    assert sheet.page_setup.fitToWidth == 1 and sheet.page_setup.fitToHeight == 0
    assert sheet.print_title_rows.replace("$", "") == "3:3"
    assert sheet.freeze_panes == "A4"
    assert "&P" in sheet.oddFooter.center.text

    widths = {letter: sheet.column_dimensions[letter].width for letter in "ABCDEFG"}
    assert max(widths, key=widths.get) == "B"  # 案例名称
    assert min(widths, key=widths.get) == "A"  # 推荐排序


def test_xlsx_keeps_user_text_as_text(cast):
    recommend(cast, title="融媒体<b>加粗</b> & “新闻+”", contact={"contact_name": "张<i>三\x07"})
    recommend(cast, title='=HYPERLINK("http://example.com","点击")')
    sheet = sheet_of(render_ranking_xlsx(table_for(campaign=cast.campaign, authority=cast.city_a)))

    rows = data_rows(sheet)
    assert rows[0][1] == "融媒体<b>加粗</b> & “新闻+”"
    # A control character (pasted from elsewhere) is dropped: Excel files cannot hold it.
    assert rows[0][4] == "张<i>三"
    # A name that looks like a formula stays a name.
    assert rows[1][1] == '=HYPERLINK("http://example.com","点击")'
    assert sheet["B5"].data_type == "s"


def test_xlsx_of_an_empty_table_says_so(cast):
    sheet = sheet_of(render_ranking_xlsx(table_for(campaign=cast.campaign, authority=cast.city_b)))

    assert sheet["A2"].value == "推荐单位（盖章）：吉林市文广旅局"
    assert [cell.value for cell in sheet[3]] == HEADER
    assert sheet["A4"].value == "（无推荐案例）"
    assert "A4:G4" in {str(merged) for merged in sheet.merged_cells.ranges}
    assert data_rows(sheet) == []


# --- PDF ---------------------------------------------------------------------------


def test_pdf_is_an_a4_landscape_table_with_title_authority_and_rows_in_rank_order(ranked):
    table, cases = ranked
    pdf = render_ranking_pdf(table)
    assert pdf.startswith(b"%PDF-")

    reader = PdfReader(BytesIO(pdf))
    for page in reader.pages:
        width, height = float(page.mediabox.width), float(page.mediabox.height)
        assert width > height
        assert (width, height) == pytest.approx(A4_LANDSCAPE_POINTS, abs=0.5)

    pages = pdf_pages(pdf)
    assert len(pages) == len(reader.pages) == 1
    text = compact(pages[0])
    assert TITLE in text
    assert "推荐单位（盖章）：长春市文广旅局" in text
    assert "填报日期：" in text
    assert in_order(text, HEADER)
    assert in_order(text, [compact(case.title) for case in cases])
    for value in ("九台区融媒体中心", "综合信息服务", "欧阳振华", "0432-62216688", "13904318866"):
        assert value in text
    assert "桦甸市融媒体中心智慧广电项目" not in text
    # The seal, the date and the filler's lines come after the table.
    assert in_order(text, [compact(LONG_TITLE), "推荐单位（盖章）", "年月日"])
    assert "填报人：" in text and text.count("联系电话：") == 1
    assert PAGE_NUMBER.findall(pages[0]) == ["1"]

    # The long case name wraps inside its column instead of widening the table.
    assert not any(compact(LONG_TITLE) in compact(line) for line in pages[0].split("\n"))


def test_pdf_embeds_a_subset_of_a_cjk_font(ranked):
    table, _cases = ranked
    assert_subset_cjk_fonts(render_ranking_pdf(table))


def test_pdf_of_sixty_cases_spans_pages_and_repeats_the_header(cast):
    titles = [f"融合传播案例第{number:02d}号" for number in range(1, 61)]
    for title in titles:
        case = make_case(campaign=cast.campaign, applicant=cast.applicant_a, title=title)
        apply_transition(subject=case, action="submit", actor=cast.applicant_a)
        apply_transition(subject=case, action="recommend", actor=cast.reviewer_a, comment="同意推荐")
    table = table_for(campaign=cast.campaign, authority=cast.city_a)
    assert table.entries.count() == 60

    pdf = render_ranking_pdf(table)
    pages = pdf_pages(pdf)
    assert len(pages) >= 4
    assert len(pages) == len(PdfReader(BytesIO(pdf)).pages)
    for number, page in enumerate(pages, start=1):
        assert in_order(compact(page), HEADER), f"no header row on page {number}"
        assert [int(n) for n in PAGE_NUMBER.findall(page)] == [number]
    # Every case exactly once, in rank order; the title only on the first page.
    text = compact("".join(pages))
    assert in_order(text, titles)
    assert all(text.count(title) == 1 for title in titles)
    assert TITLE in compact(pages[0])
    # The seal never stands on a page of its own: the last rows come with it.
    assert in_order(compact(pages[-1]), [titles[-1], "推荐单位（盖章）", "年月日"])


def test_seven_cases_of_two_lines_and_the_seal_fit_one_page(cast):
    # 长春's table of 2024: seven cases, most names on two lines. The stamp block is
    # short enough (the seal covers its label and the date) to stay on the page of the
    # rows instead of pulling the last row onto a page of its own.
    titles = [f"第{number}个“新闻+政务+服务”县级融媒体综合服务平台建设实践" for number in range(1, 6)]
    titles += ["“一端两微一抖”全媒体矩阵协同运营", "多语种海外社交媒体账号矩阵建设"]
    for title in titles:
        recommend(cast, title=title, contact={"contact_name": "欧阳振华", "contact_phone": "0431-85816667"})
    pdf = render_ranking_pdf(table_for(campaign=cast.campaign, authority=cast.city_a))
    pages = pdf_pages(pdf)
    assert len(pages) == 1
    assert in_order(compact(pages[0]), [*[compact(title) for title in titles], "推荐单位（盖章）", "年月日"])


def test_pdf_shows_user_text_literally(cast):
    recommend(cast, title="融媒体<b>加粗</b> & “新闻+”", contact={"contact_name": "张<i>三"})
    pdf = render_ranking_pdf(table_for(campaign=cast.campaign, authority=cast.city_a))

    text = compact("".join(pdf_pages(pdf)))
    assert "融媒体<b>加粗</b>&“新闻+”" in text
    assert "张<i>三" in text


def test_pdf_of_an_empty_table_says_so(cast):
    pdf = render_ranking_pdf(table_for(campaign=cast.campaign, authority=cast.city_b))

    pages = pdf_pages(pdf)
    assert len(pages) == 1
    text = compact(pages[0])
    assert in_order(text, [TITLE, "推荐单位（盖章）：吉林市文广旅局", *HEADER, "（无推荐案例）", "推荐单位（盖章）"])


# --- both ----------------------------------------------------------------------------


def test_documents_take_a_constant_number_of_queries(cast):
    table = table_for(campaign=cast.campaign, authority=cast.city_a)
    counts = []
    for title in ("案例一", "案例二", "案例三"):
        recommend(cast, title=title)
        for render in (render_ranking_pdf, render_ranking_xlsx):
            fresh = RankingTable.objects.get(pk=table.pk)
            with CaptureQueriesContext(connection) as queries:
                render(fresh)
            counts.append(len(queries))
    assert len(set(counts)) == 1 and counts[0] <= 2


def test_filename_is_title_and_authority_with_safe_characters_only(cast):
    table = table_for(campaign=cast.campaign, authority=cast.city_a)
    assert ranking_filename(table, "pdf") == f"{TITLE}-长春市文广旅局.pdf"
    assert ranking_filename(table, ".XLSX") == f"{TITLE}-长春市文广旅局.xlsx"

    odd = RankingTable(campaign=cast.campaign, authority=Organisation(name='  长白山/开发区:"工委"*宣传部?. '))
    assert ranking_filename(odd, "pdf") == f"{TITLE}-长白山开发区工委宣传部.pdf"


# --- the export command ------------------------------------------------------------


def export(*arguments) -> str:
    out = StringIO()
    call_command("export_ranking", *arguments, stdout=out)
    return out.getvalue()


def test_command_writes_pdf_and_xlsx(ranked, cast, out):
    table, cases = ranked
    pdf_path = out / "排序表.pdf"
    output = export("--campaign", "2024", "--authority", str(cast.city_a.pk), "--format", "pdf", "-o", str(pdf_path))
    assert str(pdf_path) in output
    text = compact("".join(pdf_pages(pdf_path.read_bytes())))
    assert in_order(text, [TITLE, *(compact(case.title) for case in cases)])

    # By code; the format from the file's extension.
    xlsx_path = out / "排序表.xlsx"
    export("--campaign", "2024", "--authority", "changchun", "-o", str(xlsx_path))
    assert [row[1] for row in data_rows(sheet_of(xlsx_path.read_bytes()))] == [case.title for case in cases]

    # Nothing left behind but the two documents: the temporary files were renamed.
    assert sorted(path.name for path in out.iterdir()) == ["排序表.pdf", "排序表.xlsx"]


def test_command_names_the_file_after_the_table_and_exports_a_table_not_yet_started(cast, out, monkeypatch):
    monkeypatch.chdir(out)
    assert not RankingTable.objects.filter(authority=cast.city_b).exists()

    export("--campaign", "2024", "--authority", str(cast.city_b.pk), "--format", "xlsx")

    target = out / f"{TITLE}-吉林市文广旅局.xlsx"
    assert sorted(out.iterdir()) == [target]
    assert sheet_of(target.read_bytes())["A4"].value == "（无推荐案例）"

    # The province is the recommending authority of the provincial units.
    export("--campaign", "2024", "--authority", cast.province.code, "--format", "pdf")
    assert (out / f"{TITLE}-吉林省广播电视局.pdf").exists()


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--campaign", "2023", "--authority", "changchun", "--format", "pdf"], "没有 2023 年度的征集活动"),
        (["--campaign", "二〇二四", "--authority", "changchun", "--format", "pdf"], "征集活动应以年度表示"),
        (
            ["--campaign", "2024", "--authority", "jiutai", "--format", "pdf"],
            "「九台区融媒体中心」（申报单位）不是推荐单位",
        ),
        (["--campaign", "2024", "--authority", "experts", "--format", "pdf"], "不是推荐单位"),
        (["--campaign", "2024", "--authority", "999999", "--format", "pdf"], "找不到编号或代码为「999999」的机构"),
        (["--campaign", "2024", "--authority", "changchun", "--format", "docx"], "未知的导出格式「docx」"),
        (["--campaign", "2024", "--authority", "changchun", "-o", "表.csv"], "未知的导出格式「csv」"),
        (["--campaign", "2024", "--authority", "changchun"], "未知的导出格式「（未指定）」"),
        (["--campaign", "2024", "--authority", "changchun", "-o", "没有的目录/表.pdf"], "目录「没有的目录」不存在"),
    ],
)
def test_command_refuses_bad_input_and_writes_nothing(cast, out, monkeypatch, arguments, message):
    monkeypatch.chdir(out)
    with pytest.raises(CommandError, match=re.escape(message)):
        export(*arguments)
    assert list(out.iterdir()) == []

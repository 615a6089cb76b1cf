"""The province's recommendation list for the NRTA 推荐名单 (PDF and Excel): the cases in
the province's order, the print setup, the queries. PDFs are read back with poppler's
pdftotext and pypdf, Excel with openpyxl."""

from io import BytesIO

from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook
from pypdf import PdfReader

from reviews.outcome.nrta_documents import nrta_list_document, render_nrta_list_pdf, render_nrta_list_xlsx
from tests.factories import open_campaign
from tests.reading import compact, in_order, pdf_text
from tests.reviews.nrta_world import FIRST, HEADER, SECOND, THIRD, TITLE


def test_the_list_pdf_has_the_title_and_the_cases_in_order_on_a4_landscape(world, cast):
    pdf = render_nrta_list_pdf(cast.campaign)

    text = compact(pdf_text(pdf))
    assert in_order(
        text,
        [compact(TITLE), *HEADER, "1", compact(FIRST), "九台区融媒体中心", "新媒体平台建设", "长春市文广旅局"],
    )
    assert in_order(text, [compact(FIRST), "王晓明", "0431-85816713", SECOND, "吉林市文广旅局", "赵刚", THIRD, "李娜"])
    assert "共推荐3个案例" in text and "吉林省广播电视局（盖章）" in text
    for other in world["others"]:
        assert other.title not in text
    page = PdfReader(BytesIO(pdf)).pages[0]
    assert (round(float(page.mediabox.width)), round(float(page.mediabox.height))) == (842, 595)


def test_the_list_xlsx_has_header_rows_and_print_setup(world, cast):
    workbook = load_workbook(BytesIO(render_nrta_list_xlsx(cast.campaign)))
    assert workbook.sheetnames == ["推荐名单"]
    sheet = workbook["推荐名单"]

    assert sheet["A1"].value == TITLE
    assert sheet["A2"].value == "报送单位（盖章）：吉林省广播电视局"
    assert [cell.value for cell in sheet[3]] == HEADER
    rows = [list(row) for row in sheet.iter_rows(min_row=4, max_row=6, max_col=7, values_only=True)]
    assert rows == [
        [1, FIRST, "九台区融媒体中心", "新媒体平台建设", "长春市文广旅局", "王晓明", "0431-85816713"],
        [2, SECOND, "桦甸市融媒体中心", "新媒体平台建设", "吉林市文广旅局", "赵刚", "0432-66221234"],
        [3, THIRD, "九台区融媒体中心", "新媒体平台建设", "长春市文广旅局", "李娜", "13904318866"],
    ]
    assert sheet["A7"].value is None
    assert sheet.page_setup.orientation == "landscape"
    assert str(sheet.page_setup.paperSize) == sheet.PAPERSIZE_A4
    assert sheet.sheet_properties.pageSetUpPr.fitToPage and sheet.page_setup.fitToWidth == 1
    assert sheet.print_title_rows.replace("$", "") == "3:3"
    assert "&P" in sheet.oddFooter.center.text


def test_the_list_is_loaded_in_a_constant_number_of_queries(world, cast):
    with CaptureQueriesContext(connection) as three:
        assert len(nrta_list_document(cast.campaign).rows) == 3
    empty = open_campaign(year=2030)
    with CaptureQueriesContext(connection) as none:
        assert nrta_list_document(empty).rows == []
    assert len(three) == len(none) <= 2

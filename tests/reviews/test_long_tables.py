"""The table documents at 500 rows (the benchmark's size, tests/benchmarks/documents.py),
read back with pdftotext: every row once and in order, the header row on every page,
the page numbers, the last row on the last page with what closes the document. Also:
the Typst pipeline (core/documents/typst.py) keeps user text as text and wraps long
unbroken text inside its cell. Not timed: `python -m tests.benchmarks.run tables`."""

import re
from io import BytesIO

import pytest
from pypdf import PdfReader

from accounts.enums import OrgKind, Role
from core.documents.typst import wrappable
from reviews.enums import RankingTableStatus
from reviews.models import RankingEntry, RankingTable
from reviews.outcome.nrta_documents import render_nrta_list_pdf
from reviews.outcome.official_documents import render_notice_pdf
from reviews.ranking.documents import render_ranking_pdf
from tests.applications.test_office_documents import word_boxes
from tests.benchmarks.documents import TABLE_ROWS, TABLE_TITLE, table_cases
from tests.factories import OrganisationFactory, UnitFactory, UserFactory
from tests.reading import A4_LANDSCAPE_POINTS, PAGE_NUMBER, assert_subset_cjk_fonts, compact, in_order, pdf_pages

RANKING_HEADER = ["推荐排序", "案例名称", "申报单位", "类别", "联系人", "联系电话", "备注"]
NRTA_HEADER = ["推荐顺序", "案例名称", "申报单位", "类别", "推荐单位", "联系人", "联系电话"]
LIST_HEADER = ["序号", "案例名称", "申报单位", "推荐单位"]
TITLES = [compact(TABLE_TITLE.format(number=number)) for number in range(TABLE_ROWS)]
MM = 72 / 25.4


@pytest.fixture
def long_table(cast):
    """TABLE_ROWS cases of one authority, recommended to the NRTA, in a ranking table."""
    authority = OrganisationFactory(name="长春市文广旅局（长表）", kind=OrgKind.AUTHORITY)
    unit = UnitFactory(name="九台区融媒体中心（长表）", authority=authority)
    applicant = UserFactory(organisation=unit, role=Role.APPLICANT)
    cases = table_cases(campaign=cast.campaign, authority=authority, unit=unit, applicant=applicant)
    table = RankingTable.objects.create(campaign=cast.campaign, authority=authority, status=RankingTableStatus.DRAFT)
    RankingEntry.objects.bulk_create(
        RankingEntry(table=table, case=case, rank=rank, category_id=case.category_id)
        for rank, case in enumerate(cases, start=1)
    )
    return table


def assert_long_table(pdf: bytes, header: list[str], closing: list[str], titles=TITLES) -> list[str]:
    """Every row once and in order; on every page with rows, the header row above them;
    the page numbers; the last row on the last page with rows, `closing` after it."""
    pages = pdf_pages(pdf)
    assert len(pages) == len(PdfReader(BytesIO(pdf)).pages)
    with_rows = [number for number, page in enumerate(pages, start=1) if any(t in compact(page) for t in TITLES)]
    # Two-line rows of about 1.4 cm: no more than 14 to a page, so 500 rows take dozens.
    assert len(with_rows) >= TABLE_ROWS // 14
    for number, page in enumerate(pages, start=1):
        assert [int(n) for n in PAGE_NUMBER.findall(page)] == [number], f"page number of page {number}"
        if number in with_rows:
            first_row = min(compact(page).find(t) for t in TITLES if t in compact(page))
            assert in_order(compact(page)[:first_row], header), f"no header row on page {number}"
    text = compact("".join(pages))
    assert in_order(text, titles)
    assert all(text.count(title) == 1 for title in titles)
    assert in_order(compact(pages[with_rows[-1] - 1]), [titles[-1], *closing])
    assert_subset_cjk_fonts(pdf)
    return pages


def test_a_ranking_table_of_500_rows_has_every_row_the_header_on_every_page_and_the_seal_last(long_table):
    pdf = render_ranking_pdf(long_table)
    pages = assert_long_table(pdf, RANKING_HEADER, ["推荐单位（盖章）", "年月日"])
    assert TITLES[-1] in compact(pages[-1])
    assert "推荐单位（盖章）" not in compact("".join(pages[1:-1]))
    for page in PdfReader(BytesIO(pdf)).pages:
        assert (round(float(page.mediabox.width), 2), round(float(page.mediabox.height), 2)) == A4_LANDSCAPE_POINTS


def test_an_nrta_list_of_500_rows_has_every_row_and_the_seal_last(long_table, cast):
    pdf = render_nrta_list_pdf(cast.campaign)
    pages = assert_long_table(pdf, NRTA_HEADER, [f"共推荐{TABLE_ROWS}个案例。", "年月日"])
    assert TITLES[-1] in compact(pages[-1])


def test_a_notice_listing_500_cases_has_every_row_in_its_attachment(long_table, cast):
    # Without results to rank them, the 公示 lists a category's cases by name.
    pages = assert_long_table(render_notice_pdf(cast.campaign), LIST_HEADER, [], titles=sorted(TITLES))
    attachment = [number for number, page in enumerate(pages, start=1) if compact(page).startswith("附件")]
    assert len(attachment) == 1 and TITLES[0] in compact(pages[attachment[0] - 1])


# --- the Typst pipeline ----------------------------------------------------------------


def test_wrappable_splits_only_runs_without_a_break_opportunity():
    assert wrappable("“指尖上的九台”新媒体矩阵建设（2024）") == "“指尖上的九台”新媒体矩阵建设（2024）"
    assert wrappable("电话 0431-85816713") == "电话 0431-85816713"
    run = "a" * 25
    assert wrappable(f"平台地址：{run}。") == ["平台地址：", list(run), "。"]


def test_user_text_is_text_and_long_runs_wrap_inside_their_cell(cast):
    from reviews.ranking.services import table_for
    from tests.reviews.test_ranking_documents import recommend

    link = "https://example.com/" + "x" * 70
    odd = "融媒体 ]; } $x^2$ <b> \\ #{1+1} // /* @x"
    recommend(cast, title=f"平台地址：{link}", contact={"contact_name": '#read("/etc/passwd")'})
    recommend(cast, title=odd)
    pdf = render_ranking_pdf(table_for(campaign=cast.campaign, authority=cast.city_a))
    text = compact("".join(pdf_pages(pdf)))
    assert compact(odd) in text and '#read("/etc/passwd")' in text and "root:" not in text
    assert link in text
    # The 案例名称 column ends 18 mm + 22 mm + its width in from the left edge: every
    # piece of the link stays left of the 申报单位 column (the last 156 mm of the row).
    right_edge = A4_LANDSCAPE_POINTS[0] - (18 + 156) * MM
    pieces = [x_max for _page, _x_min, x_max, word in word_boxes(pdf) if re.search("x{5}", word)]
    assert len(pieces) >= 3 and all(x_max <= right_edge + 1 for x_max in pieces)

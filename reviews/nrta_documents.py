"""The province's recommendation list for the NRTA 推荐名单 as PDF and Excel.

    render_nrta_list_pdf(campaign) -> bytes
    render_nrta_list_xlsx(campaign) -> bytes
    recommended_cases(campaign) -> [Case, …]   (what the list and the package hold)

The list heads the recommendation package (reviews/nrta_package.py); the province
prints it, stamps it and sends it with the package. Both renderers draw the same
NrtaListDocument, loaded in two queries whatever the number of cases, in the house
style of the ranking table (reviews/documents.py): A4 landscape, title 二号, page
numbers "— 1 —".
"""

from dataclasses import dataclass
from functools import cache
from io import BytesIO

from django.conf import settings
from django.template.loader import get_template, render_to_string
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.enums import OrgKind
from accounts.models import Organisation
from applications.documents.layout import clean_text
from reviews.documents import (
    LINE_HEIGHT_PT,
    SANS,
    SEAL_ROOM_PT,
    SERIF,
    Column,
    _header_text,
    _lines,
    _offline_fetcher,
    _text_cell,
)
from reviews.nrta import nrta_cases
from workflow.enums import CaseState

TEMPLATE = "reviews/documents/nrta_list.html"
STYLESHEET = "reviews/documents/nrta_list.css"
SHEET_TITLE = gettext_lazy("推荐名单")
HEADER_ROW = 3

COLUMNS = (
    Column("rank", gettext_lazy("推荐顺序"), 10, True),
    Column("title", gettext_lazy("案例名称"), 40, False),
    Column("unit", gettext_lazy("申报单位"), 26, False),
    Column("category", gettext_lazy("类别"), 17, True),
    Column("authority", gettext_lazy("推荐单位"), 24, False),
    Column("contact_name", gettext_lazy("联系人"), 11, True),
    Column("contact_phone", gettext_lazy("联系电话"), 16, True),
)


@dataclass(frozen=True)
class NrtaRow:
    rank: int
    title: str
    unit: str
    category: str
    authority: str
    contact_name: str
    contact_phone: str

    def cells(self) -> list:
        return [getattr(self, column.key) for column in COLUMNS]


@dataclass(frozen=True)
class NrtaListDocument:
    # The title in two lines: too long for one line of 二号 across a landscape page.
    title_lines: tuple[str, str]
    province_name: str
    rows: list[NrtaRow]

    @property
    def title(self) -> str:
        return "".join(self.title_lines)


def nrta_list_title_lines(year: int) -> tuple[str, str]:
    return (
        _("吉林省%(year)d年广播电视媒体融合典型案例推荐名单") % {"year": year},
        _("（报国家广播电视总局）"),
    )


def nrta_list_title(year: int) -> str:
    return "".join(nrta_list_title_lines(year))


def _clean(value) -> str:
    return clean_text(value).strip()


def recommended_cases(campaign) -> list:
    """The cases recommended to the NRTA, in the province's order (one query)."""
    return [case for case in nrta_cases(campaign) if case.state == CaseState.RECOMMENDED_TO_NRTA]


def nrta_list_document(campaign, cases=None) -> NrtaListDocument:
    """Everything the list shows, in two queries whatever the number of cases. The
    rank is the position in the province's order, as in the package's folders; the
    package passes the `cases` it packs, so that a reordering meanwhile cannot make
    the list and the folders disagree."""
    if cases is None:
        cases = recommended_cases(campaign)
    rows = [
        NrtaRow(
            rank=rank,
            title=_clean(case.title),
            unit=_clean(case.unit.name),
            category=_clean(case.category.name),
            authority=_clean(case.authority.name),
            contact_name=_header_text(case.header, "contact_name"),
            contact_phone=_header_text(case.header, "contact_phone"),
        )
        for rank, case in enumerate(cases, start=1)
    ]
    province = Organisation.objects.filter(kind=OrgKind.PROVINCE).order_by("id").values_list("name", flat=True).first()
    return NrtaListDocument(
        title_lines=nrta_list_title_lines(campaign.year),
        province_name=_clean(province) or _("吉林省广播电视局"),
        rows=rows,
    )


# --- PDF -------------------------------------------------------------------------------


@cache
def _stylesheet():
    from weasyprint import CSS

    # Beside the HTML under templates/, read through the loaders; parsed once a process.
    source = get_template(STYLESHEET).template.source
    return CSS(string=source, url_fetcher=_offline_fetcher())


def render_nrta_list_pdf(campaign, cases=None) -> bytes:
    # WeasyPrint is imported only when a PDF is made: it is slow to load.
    from weasyprint import HTML

    # An official Chinese document whatever the reader's interface language.
    with translation.override(settings.LANGUAGE_CODE):
        doc = nrta_list_document(campaign, cases)
        html = render_to_string(TEMPLATE, {"doc": doc, "columns": COLUMNS})
    document = HTML(string=html, url_fetcher=_offline_fetcher(), base_url=None)
    return document.write_pdf(stylesheets=[_stylesheet()])


# --- Excel -----------------------------------------------------------------------------


def render_nrta_list_xlsx(campaign, cases=None) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.properties import PageSetupProperties

    with translation.override(settings.LANGUAGE_CODE):
        doc = nrta_list_document(campaign, cases)
        labels = [str(column.label) for column in COLUMNS]
        sheet_title = str(SHEET_TITLE)
        sender_line = _("报送单位（盖章）：%(name)s") % {"name": doc.province_name}
        date_line = _("报送日期：　　　　年　　月　　日")
        empty_line = _("（无推荐案例）")
        count_line = _("共推荐 %(count)d 个案例。") % {"count": len(doc.rows)}
        seal_label = _("%(name)s（盖章）") % {"name": doc.province_name}
        seal_date = _("年　　月　　日")

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = sheet_title
    workbook.properties.title = doc.title
    workbook.properties.creator = doc.province_name
    count = len(COLUMNS)
    last_letter = get_column_letter(count)
    thin = Side(style="thin", color="000000")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    body_font = Font(name=SERIF, size=12)

    for index, column in enumerate(COLUMNS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = column.xlsx_width

    # Title, merged across the table (one line at the sheet's width; wraps if narrower).
    sheet.merge_cells(f"A1:{last_letter}1")
    title = _text_cell(sheet, 1, 1, doc.title)
    title.font = Font(name=SERIF, size=20, bold=True)
    title.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    sheet.row_dimensions[1].height = 42

    # The sender (left) and the date to fill in by hand (right).
    sheet.merge_cells(start_row=2, start_column=1, end_row=2, end_column=3)
    sheet.merge_cells(start_row=2, start_column=4, end_row=2, end_column=count)
    left = _text_cell(sheet, 2, 1, sender_line)
    left.font = Font(name=SERIF, size=13)
    left.alignment = Alignment(horizontal="left", vertical="center")
    right = _text_cell(sheet, 2, 4, date_line)
    right.font = Font(name=SERIF, size=13)
    right.alignment = Alignment(horizontal="right", vertical="center")
    sheet.row_dimensions[2].height = 30

    # The header row, repeated on every printed page.
    for index, label in enumerate(labels, start=1):
        cell = _text_cell(sheet, HEADER_ROW, index, label)
        cell.font = Font(name=SANS, size=12, bold=True)
        cell.fill = PatternFill(fill_type="solid", start_color="FFE7E6E6", end_color="FFE7E6E6")
        cell.border = border
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    sheet.row_dimensions[HEADER_ROW].height = 30

    row = HEADER_ROW + 1
    if doc.rows:
        for entry in doc.rows:
            lines = 1
            for index, (column, value) in enumerate(zip(COLUMNS, entry.cells(), strict=True), start=1):
                # The rank stays a number: it sorts as one.
                cell = _text_cell(sheet, row, index, value if value != "" else None)
                cell.font = body_font
                cell.border = border
                cell.alignment = Alignment(
                    horizontal="center" if column.centred else "left", vertical="center", wrap_text=True
                )
                if isinstance(value, str):
                    lines = max(lines, _lines(value, column.xlsx_width))
            sheet.row_dimensions[row].height = max(30, lines * LINE_HEIGHT_PT + 8)
            row += 1
    else:
        sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=count)
        cell = _text_cell(sheet, row, 1, empty_line)
        cell.font = body_font
        cell.alignment = Alignment(horizontal="center", vertical="center")
        for index in range(1, count + 1):
            sheet.cell(row=row, column=index).border = border
        sheet.row_dimensions[row].height = 36
        row += 1

    # The count (left), then the province's seal and the date (right).
    sheet.row_dimensions[row].height = 18
    row += 1
    sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=3)
    sheet.merge_cells(start_row=row, start_column=4, end_row=row, end_column=count)
    total = _text_cell(sheet, row, 1, count_line)
    total.font = Font(name=SERIF, size=13)
    total.alignment = Alignment(horizontal="left", vertical="center")
    seal = _text_cell(sheet, row, 4, seal_label)
    seal.font = Font(name=SERIF, size=13)
    seal.alignment = Alignment(horizontal="center", vertical="center")
    sheet.row_dimensions[row].height = 26
    row += 1
    sheet.row_dimensions[row].height = SEAL_ROOM_PT
    row += 1
    sheet.merge_cells(start_row=row, start_column=4, end_row=row, end_column=count)
    date = _text_cell(sheet, row, 4, seal_date)
    date.font = Font(name=SERIF, size=13)
    date.alignment = Alignment(horizontal="center", vertical="center")
    sheet.row_dimensions[row].height = 26

    # Print: A4 landscape, one page wide, as many pages long as needed, the header row
    # on each; the view keeps the header in sight while scrolling.
    sheet.freeze_panes = sheet.cell(row=HEADER_ROW + 1, column=1)
    sheet.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    sheet.print_area = f"A1:{last_letter}{row}"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    sheet.print_options.horizontalCentered = True
    sheet.page_margins.left = sheet.page_margins.right = 0.6
    sheet.page_margins.top = 0.8
    sheet.page_margins.bottom = 0.8
    sheet.page_margins.footer = 0.35
    sheet.oddFooter.center.text = "— &P —"
    sheet.oddFooter.center.size = 14
    sheet.oddFooter.center.font = SERIF

    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()

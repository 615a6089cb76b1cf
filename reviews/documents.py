"""The recommendation ranking table 推荐排序表 as PDF and Excel, to print and stamp.

    render_ranking_pdf(table) -> bytes
    render_ranking_xlsx(table) -> bytes
    ranking_filename(table, "pdf") -> "吉林省2024年广播电视媒体融合典型案例推荐排序表-<推荐单位>.pdf"

Both renderers draw the same RankingDocument, loaded in two queries whatever the
number of entries, so the two files can never disagree about content. The house style
is the application form's (applications/documents): Noto Serif CJK SC for the text,
Noto Sans CJK SC for headings (黑体), title 二号, page numbers "— 1 —".
"""

import math
import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from io import BytesIO

from django.conf import settings
from django.template.loader import get_template, render_to_string
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from applications.documents.layout import clean_text
from reviews.models import RankingTable

TEMPLATE = "reviews/documents/ranking_table.html"
STYLESHEET = "reviews/documents/ranking_table.css"
SHEET_TITLE = gettext_lazy("推荐排序表")
MAX_FILENAME_LENGTH = 150
# Illegal in Windows file names (the strictest of the systems authorities use), plus
# control characters; what remains is valid on every system.
_ILLEGAL_IN_FILENAME = re.compile(r'[\\/:*?"<>|\x00-\x1f\x7f]')


@dataclass(frozen=True)
class Column:
    key: str  # also the CSS class of the column in the PDF
    label: str
    # Excel column width, in widths of the digit "0" (a Chinese character takes two).
    xlsx_width: float
    centred: bool


COLUMNS = (
    Column("rank", gettext_lazy("推荐排序"), 10, True),
    Column("title", gettext_lazy("案例名称"), 44, False),
    Column("unit", gettext_lazy("申报单位"), 28, False),
    Column("category", gettext_lazy("类别"), 17, True),
    Column("contact_name", gettext_lazy("联系人"), 11, True),
    Column("contact_phone", gettext_lazy("联系电话"), 16, True),
    Column("remarks", gettext_lazy("备注"), 14, True),
)


@dataclass(frozen=True)
class RankingRow:
    rank: int
    title: str
    unit: str
    category: str
    contact_name: str
    contact_phone: str
    remarks: str = ""  # left empty on purpose: the authority writes in it by hand

    def cells(self) -> list:
        return [getattr(self, column.key) for column in COLUMNS]


@dataclass(frozen=True)
class RankingDocument:
    title: str
    authority_name: str
    rows: list[RankingRow]


def ranking_title(year: int) -> str:
    return _("吉林省%(year)d年广播电视媒体融合典型案例推荐排序表") % {"year": year}


def _header_text(header, key: str) -> str:
    value = (header or {}).get(key) if isinstance(header, dict) else None
    return clean_text(value).strip()


def ranking_document(table: RankingTable) -> RankingDocument:
    """Everything the table shows, in two queries whatever the number of entries."""
    table = RankingTable.objects.select_related("campaign", "authority").get(pk=table.pk)
    entries = table.entries.select_related("case__unit", "case__category").order_by("rank")
    rows = [
        RankingRow(
            rank=entry.rank,
            title=clean_text(entry.case.title).strip(),
            unit=clean_text(entry.case.unit.name).strip(),
            category=clean_text(entry.case.category.name).strip(),
            contact_name=_header_text(entry.case.header, "contact_name"),
            contact_phone=_header_text(entry.case.header, "contact_phone"),
        )
        for entry in entries
    ]
    return RankingDocument(
        title=ranking_title(table.campaign.year),
        authority_name=clean_text(table.authority.name).strip(),
        rows=rows,
    )


def _filename_part(text: str) -> str:
    text = _ILLEGAL_IN_FILENAME.sub("", unicodedata.normalize("NFC", text))
    return " ".join(text.split())


def ranking_filename(table: RankingTable, extension: str) -> str:
    """A download name like "<title>-<authority>.pdf", without characters that are
    illegal in file names, at most MAX_FILENAME_LENGTH characters long."""
    extension = "." + extension.lstrip(".").lower()
    with translation.override(settings.LANGUAGE_CODE):
        parts = [ranking_title(table.campaign.year), table.authority.name]
    stem = "-".join(_filename_part(part) for part in parts)
    stem = stem[: MAX_FILENAME_LENGTH - len(extension)]
    # Windows drops trailing dots and spaces silently; a leading dot hides the file.
    stem = stem.strip(" .") or "ranking"
    return stem + extension


# --- PDF -------------------------------------------------------------------------------


@cache
def _stylesheet():
    from weasyprint import CSS

    # Beside the HTML under templates/, read through the loaders; parsed once a process.
    source = get_template(STYLESHEET).template.source
    return CSS(string=source, url_fetcher=_offline_fetcher())


def _offline_fetcher():
    from weasyprint.urls import URLFetcher

    # The table needs no resource: refusing every protocol means no user text can
    # ever make the server fetch anything.
    return URLFetcher(allowed_protocols=())


def render_ranking_pdf(table: RankingTable) -> bytes:
    # WeasyPrint is imported only when a PDF is made: it is slow to load.
    from weasyprint import HTML

    # An official Chinese document whatever the reader's interface language.
    with translation.override(settings.LANGUAGE_CODE):
        doc = ranking_document(table)
        html = render_to_string(TEMPLATE, {"doc": doc, "columns": COLUMNS})
    document = HTML(string=html, url_fetcher=_offline_fetcher(), base_url=None)
    return document.write_pdf(stylesheets=[_stylesheet()])


# --- Excel -----------------------------------------------------------------------------

SERIF = "Noto Serif CJK SC"  # stands for 仿宋 / 方正小标宋, as in the application form
SANS = "Noto Sans CJK SC"  # stands for 黑体
HEADER_ROW = 3
LINE_HEIGHT_PT = 16.5  # one line of 12 pt text in Excel
# A seal is about 4 cm across; 120 pt (4.2 cm) leaves it room between label and date.
SEAL_ROOM_PT = 120
FULL_WIDTH_SPACE = "\u3000"


def _display_width(text: str) -> float:
    """Width in widths of the default font's digit: a wide (Chinese) character takes
    two, and the cells' 12 pt text is 12/11 the size of the 11 pt default."""
    units = sum(2 if unicodedata.east_asian_width(char) in ("W", "F") else 1 for char in text)
    return units * 12 / 11


def _lines(text: str, width: float) -> int:
    # Excel does not grow a row to fit wrapped text written by openpyxl, so the
    # height is estimated: characters per line from the column width, minus padding.
    usable = max(width - 1.5, 1)
    return sum(max(1, math.ceil(_display_width(line) / usable)) for line in (text.split("\n") or [""]))


def _text_cell(sheet, row: int, column: int, value):
    cell = sheet.cell(row=row, column=column, value=value)
    if isinstance(value, str):
        # openpyxl turns a string starting with "=" into a formula; user text never is one.
        cell.data_type = "s"
    return cell


def render_ranking_xlsx(table: RankingTable) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.properties import PageSetupProperties

    with translation.override(settings.LANGUAGE_CODE):
        doc = ranking_document(table)
        labels = [str(column.label) for column in COLUMNS]
        sheet_title = str(SHEET_TITLE)
        authority_line = _("推荐单位（盖章）：%(name)s") % {"name": doc.authority_name}
        date_line = _("填报日期：　　　　年　　月　　日")
        empty_line = _("（无推荐案例）")
        filler_line = _("填报人：　　　　　　　　联系电话：")
        seal_label = _("推荐单位（盖章）")
        seal_date = _("年　　月　　日")

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = sheet_title
    workbook.properties.title = doc.title
    workbook.properties.creator = doc.authority_name
    count = len(COLUMNS)
    last_letter = get_column_letter(count)
    thin = Side(style="thin", color="000000")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    body_font = Font(name=SERIF, size=12)

    for index, column in enumerate(COLUMNS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = column.xlsx_width

    # Title, merged across the table.
    sheet.merge_cells(f"A1:{last_letter}1")
    title = _text_cell(sheet, 1, 1, doc.title)
    title.font = Font(name=SERIF, size=20, bold=True)
    title.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    sheet.row_dimensions[1].height = 42

    # The authority (left) and the date to fill in by hand (right).
    sheet.merge_cells(start_row=2, start_column=1, end_row=2, end_column=4)
    sheet.merge_cells(start_row=2, start_column=5, end_row=2, end_column=count)
    left = _text_cell(sheet, 2, 1, authority_line)
    left.font = Font(name=SERIF, size=13)
    left.alignment = Alignment(horizontal="left", vertical="center")
    right = _text_cell(sheet, 2, 5, date_line)
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
                # The rank stays a number: the province sorts and sums by it.
                cell = _text_cell(sheet, row, index, value if value != "" else None)
                cell.font = body_font
                cell.border = border
                cell.alignment = Alignment(
                    horizontal="center" if column.centred else "left", vertical="center", wrap_text=True
                )
                if isinstance(value, str):
                    lines = max(lines, _lines(value, column.xlsx_width))
            # Room enough to write a remark by hand, and for every wrapped line.
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

    # Who filled it in (left), the seal and the date (right).
    sheet.row_dimensions[row].height = 18
    row += 1
    sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=4)
    sheet.merge_cells(start_row=row, start_column=5, end_row=row, end_column=count)
    filler = _text_cell(sheet, row, 1, filler_line)
    filler.font = Font(name=SERIF, size=13)
    filler.alignment = Alignment(horizontal="left", vertical="center")
    seal = _text_cell(sheet, row, 5, seal_label)
    seal.font = Font(name=SERIF, size=13)
    seal.alignment = Alignment(horizontal="center", vertical="center")
    sheet.row_dimensions[row].height = 26
    row += 1
    sheet.row_dimensions[row].height = SEAL_ROOM_PT
    row += 1
    sheet.merge_cells(start_row=row, start_column=5, end_row=row, end_column=count)
    date = _text_cell(sheet, row, 5, seal_date)
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

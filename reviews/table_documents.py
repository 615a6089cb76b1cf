"""What the review exporters share: the house style of their tables, the offline PDF
renderer, file-name parts, titles and figures, the print setup of a worksheet, and the
Excel sheet of a landscape table to print and stamp.

    render_stamped_table_xlsx(...) -> bytes   (the ranking table and the NRTA list)
    render_pdf(html, stylesheet) -> bytes
    text_cell(sheet, row, column, value), wrapped_lines(text, width), header_text(header, key)
    title_lines(title), plain_number(value), print_setup(sheet, ...)

It lives in reviews/ rather than in applications/documents/ because only the review
exporters use it: the ranking table (reviews/ranking/documents.py), the score sheets
(reviews/experts/score_sheet.py), the review sheets (reviews/experts/review_sheets.py),
the announcement (reviews/outcome/announcement_documents.py) and the NRTA list
(reviews/outcome/nrta_documents.py). The application form has renderers of its own, and
applications must not depend on reviews.
"""

import math
import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from io import BytesIO

from django.utils.translation import gettext as _

from applications.documents.layout import clean_text
from applications.documents.styles import stylesheet_source

SERIF = "Noto Serif CJK SC"  # stands for 仿宋 / 方正小标宋, as in the application form
SANS = "Noto Sans CJK SC"  # stands for 黑体
HEADER_ROW = 3
LINE_HEIGHT_PT = 16.5  # one line of 12 pt text in Excel
# A seal is about 4 cm across; 120 pt (4.2 cm) leaves it room between label and date.
SEAL_ROOM_PT = 120
# The rules the ranking table and the NRTA list share, before their own stylesheet.
STAMPED_TABLE_STYLESHEET = "reviews/documents/stamped_table.css"
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


def header_text(header, key: str) -> str:
    """A text of a case's header (its JSON dict), cleaned; "" when absent."""
    value = (header or {}).get(key) if isinstance(header, dict) else None
    return clean_text(value).strip()


def filename_part(text: str) -> str:
    text = _ILLEGAL_IN_FILENAME.sub("", unicodedata.normalize("NFC", text))
    return " ".join(text.split())


def title_lines(title: str) -> list[str]:
    """A title too long for one line of 二号, broken where the words allow (GB/T 9704:
    回行时词意完整): "吉林省2024年广播电视媒体融合" / "典型案例名单"."""
    head, marker, tail = title.partition(_("典型案例"))
    return [head, marker + tail] if head and marker else [title]


def plain_number(value: Decimal) -> str:
    """80.00 -> "80", 85.50 -> "85.5": a figure as a person would write it."""
    text = format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


# --- PDF -------------------------------------------------------------------------------


def offline_fetcher():
    from weasyprint.urls import URLFetcher

    # The documents need no resource: refusing every protocol means no user text can
    # ever make the server fetch anything.
    return URLFetcher(allowed_protocols=())


@cache
def stylesheet(*names: str):
    from weasyprint import CSS

    # The shared rules and the document's own; parsed once a process.
    return CSS(string=stylesheet_source(*names), url_fetcher=offline_fetcher())


def render_pdf(html: str, *stylesheet_names: str) -> bytes:
    """The PDF of `html`, styled by documents/common.css and then `stylesheet_names`."""
    # WeasyPrint is imported only when a PDF is made: it is slow to load.
    from weasyprint import HTML

    document = HTML(string=html, url_fetcher=offline_fetcher(), base_url=None)
    return document.write_pdf(stylesheets=[stylesheet(*stylesheet_names)])


# --- Excel -----------------------------------------------------------------------------


def display_width(text: str) -> float:
    """Width in widths of the default font's digit: a wide (Chinese) character takes
    two, and the cells' 12 pt text is 12/11 the size of the 11 pt default."""
    units = sum(2 if unicodedata.east_asian_width(char) in ("W", "F") else 1 for char in text)
    return units * 12 / 11


def wrapped_lines(text: str, width: float) -> int:
    # Excel does not grow a row to fit wrapped text written by openpyxl, so the
    # height is estimated: characters per line from the column width, minus padding.
    usable = max(width - 1.5, 1)
    return sum(max(1, math.ceil(display_width(line) / usable)) for line in (text.split("\n") or [""]))


def text_cell(sheet, row: int, column: int, value):
    cell = sheet.cell(row=row, column=column, value=value)
    if isinstance(value, str):
        # openpyxl turns a string starting with "=" into a formula; user text never is one.
        cell.data_type = "s"
    return cell


def print_setup(sheet, *, header_row: int, area: str, orientation: str, properties) -> None:
    """A4, one page wide, the header row on every page, "— 1 —" at the foot."""
    sheet.freeze_panes = sheet.cell(row=header_row + 1, column=1)
    sheet.print_title_rows = f"{header_row}:{header_row}"
    sheet.print_area = area
    sheet.page_setup.orientation = orientation
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr = properties
    sheet.print_options.horizontalCentered = True
    sheet.page_margins.left = sheet.page_margins.right = 0.6
    sheet.page_margins.top = sheet.page_margins.bottom = 0.8
    sheet.page_margins.footer = 0.35
    sheet.oddFooter.center.text = "— &P —"
    sheet.oddFooter.center.size = 14
    sheet.oddFooter.center.font = SERIF


def render_stamped_table_xlsx(
    *,
    title: str,
    creator: str,
    sheet_title: str,
    columns: tuple[Column, ...],
    labels: list[str],
    rows: list[list],
    left_columns: int,
    top_left: str,
    top_right: str,
    empty_line: str,
    bottom_left: str,
    seal_label: str,
    seal_date: str,
) -> bytes:
    """A landscape table to print and stamp: the title; `top_left` and `top_right` under
    it; the header row (`labels`) and one row of cells per entry of `rows`, or
    `empty_line`; then `bottom_left`, and on the right the seal's label, room for the
    seal and its date. The left-hand texts span the first `left_columns` columns, the
    right-hand ones the rest. The texts are passed already translated."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.properties import PageSetupProperties

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = sheet_title
    workbook.properties.title = title
    workbook.properties.creator = creator
    count = len(columns)
    right = left_columns + 1
    last_letter = get_column_letter(count)
    thin = Side(style="thin", color="000000")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    body_font = Font(name=SERIF, size=12)

    for index, column in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = column.xlsx_width

    # Title, merged across the table (one line at the sheet's width; wraps if narrower).
    sheet.merge_cells(f"A1:{last_letter}1")
    cell = text_cell(sheet, 1, 1, title)
    cell.font = Font(name=SERIF, size=20, bold=True)
    cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    sheet.row_dimensions[1].height = 42

    # Who sends it (left) and the date to fill in by hand (right).
    sheet.merge_cells(start_row=2, start_column=1, end_row=2, end_column=left_columns)
    sheet.merge_cells(start_row=2, start_column=right, end_row=2, end_column=count)
    cell = text_cell(sheet, 2, 1, top_left)
    cell.font = Font(name=SERIF, size=13)
    cell.alignment = Alignment(horizontal="left", vertical="center")
    cell = text_cell(sheet, 2, right, top_right)
    cell.font = Font(name=SERIF, size=13)
    cell.alignment = Alignment(horizontal="right", vertical="center")
    sheet.row_dimensions[2].height = 30

    # The header row, repeated on every printed page.
    for index, label in enumerate(labels, start=1):
        cell = text_cell(sheet, HEADER_ROW, index, label)
        cell.font = Font(name=SANS, size=12, bold=True)
        cell.fill = PatternFill(fill_type="solid", start_color="FFE7E6E6", end_color="FFE7E6E6")
        cell.border = border
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    sheet.row_dimensions[HEADER_ROW].height = 30

    row = HEADER_ROW + 1
    if rows:
        for cells in rows:
            lines = 1
            for index, (column, value) in enumerate(zip(columns, cells, strict=True), start=1):
                # The rank stays a number: it sorts, and sums, as one.
                cell = text_cell(sheet, row, index, value if value != "" else None)
                cell.font = body_font
                cell.border = border
                cell.alignment = Alignment(
                    horizontal="center" if column.centred else "left", vertical="center", wrap_text=True
                )
                if isinstance(value, str):
                    lines = max(lines, wrapped_lines(value, column.xlsx_width))
            # Room enough to write a remark by hand, and for every wrapped line.
            sheet.row_dimensions[row].height = max(30, lines * LINE_HEIGHT_PT + 8)
            row += 1
    else:
        sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=count)
        cell = text_cell(sheet, row, 1, empty_line)
        cell.font = body_font
        cell.alignment = Alignment(horizontal="center", vertical="center")
        for index in range(1, count + 1):
            sheet.cell(row=row, column=index).border = border
        sheet.row_dimensions[row].height = 36
        row += 1

    # `bottom_left` (left), then the seal and the date (right).
    sheet.row_dimensions[row].height = 18
    row += 1
    sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=left_columns)
    sheet.merge_cells(start_row=row, start_column=right, end_row=row, end_column=count)
    cell = text_cell(sheet, row, 1, bottom_left)
    cell.font = Font(name=SERIF, size=13)
    cell.alignment = Alignment(horizontal="left", vertical="center")
    cell = text_cell(sheet, row, right, seal_label)
    cell.font = Font(name=SERIF, size=13)
    cell.alignment = Alignment(horizontal="center", vertical="center")
    sheet.row_dimensions[row].height = 26
    row += 1
    sheet.row_dimensions[row].height = SEAL_ROOM_PT
    row += 1
    sheet.merge_cells(start_row=row, start_column=right, end_row=row, end_column=count)
    cell = text_cell(sheet, row, right, seal_date)
    cell.font = Font(name=SERIF, size=13)
    cell.alignment = Alignment(horizontal="center", vertical="center")
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

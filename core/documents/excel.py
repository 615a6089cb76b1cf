"""The Excel house style, for every worksheet the system prints: text cells that stay
text, column widths in characters, a merged line of text, the grey header row, a table
row as tall as its wrapped text, and the print setup (A4, one page wide, the header row
on every page, "— 1 —" at the foot).

    workbook = new_workbook(title=…)
    set_widths(sheet, [column.width for column in columns])
    merged_line(sheet, 1, title, first=1, last=len(columns), font=Font(name=EXCEL_TITLE, size=20), …)
    header_row(sheet, 3, labels, border=thin_border(), height=30)
    table_row(sheet, 4, values, columns, font=…, border=…, line_height=16.5, padding=8, min_height=30)
    print_setup(sheet, header_row=3, last_row=9, last_column=len(columns), orientation="landscape")
    workbook_bytes(workbook) -> bytes

openpyxl is imported only when a sheet is made (it is slow to load).
"""

import math
import unicodedata
from dataclasses import dataclass
from decimal import Decimal
from io import BytesIO

from core.documents import EXCEL_BODY, EXCEL_HEADING, SONGTI

GREY = "FFE7E6E6"  # the header row's fill


@dataclass(frozen=True)
class Column:
    label: str
    # In widths of the default font's digit "0" (a Chinese character takes two).
    width: float
    centred: bool = True
    decimals: bool = False  # a Decimal shown with two decimals
    # The attribute of a row the column shows, and its CSS class in the PDF.
    key: str = ""


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


def thin_border():
    from openpyxl.styles import Border, Side

    thin = Side(style="thin", color="000000")
    return Border(left=thin, right=thin, top=thin, bottom=thin)


def new_workbook(*, title: str, creator: str | None = None):
    """An empty workbook with its title (and author) in the file's properties."""
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.properties.title = title
    if creator is not None:
        workbook.properties.creator = creator
    return workbook


def set_widths(sheet, widths) -> None:
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[column_letter(index)].width = width


def merged_line(
    sheet,
    row: int,
    text,
    *,
    first: int,
    last: int,
    font,
    horizontal: str,
    wrap: bool = False,
    border=None,
    height: float | None = None,
):
    """`text` across columns `first`..`last` of `row`, merged; boxed by `border` when given."""
    from openpyxl.styles import Alignment

    sheet.merge_cells(start_row=row, start_column=first, end_row=row, end_column=last)
    cell = text_cell(sheet, row, first, text)
    cell.font = font
    cell.alignment = Alignment(horizontal=horizontal, vertical="center", wrap_text=wrap or None)
    if border is not None:
        for column in range(first, last + 1):
            sheet.cell(row=row, column=column).border = border
    if height is not None:
        sheet.row_dimensions[row].height = height
    return cell


def header_row(sheet, row: int, labels, *, border, height: float, size: int = 12, wrap: bool = True) -> None:
    """The column labels in 黑体 on grey, boxed, centred."""
    from openpyxl.styles import Alignment, Font, PatternFill

    for index, label in enumerate(labels, start=1):
        cell = text_cell(sheet, row, index, label)
        cell.font = Font(name=EXCEL_HEADING, size=size)
        cell.fill = PatternFill(fill_type="solid", start_color=GREY, end_color=GREY)
        cell.border = border
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=wrap or None)
    sheet.row_dimensions[row].height = height


def table_row(
    sheet,
    row: int,
    values,
    columns,
    *,
    font,
    border,
    line_height: float,
    padding: float,
    min_height: float,
    fill=None,
) -> None:
    """One row of a table: each value boxed, wrapped, centred or not as its column says
    (`columns` have .width, .centred, .decimals); as tall as its longest wrapped text,
    `line_height` a line plus `padding`, at least `min_height`."""
    from openpyxl.styles import Alignment

    lines = 1
    for index, (value, column) in enumerate(zip(values, columns, strict=True), start=1):
        cell = text_cell(sheet, row, index, value)
        cell.font = font
        cell.border = border
        cell.alignment = Alignment(horizontal="center" if column.centred else "left", vertical="center", wrap_text=True)
        if column.decimals and isinstance(value, Decimal):
            cell.number_format = "0.00"
        if fill is not None:
            cell.fill = fill
        if isinstance(value, str):
            lines = max(lines, wrapped_lines(value, column.width))
    sheet.row_dimensions[row].height = max(min_height, lines * line_height + padding)


def column_letter(index: int) -> str:
    """1 -> "A", 27 -> "AA"."""
    from openpyxl.utils import get_column_letter

    return get_column_letter(index)


def print_setup(sheet, *, header_row: int, last_row: int, last_column: int, orientation: str) -> None:
    """Print A1 to (`last_row`, `last_column`) on A4 in `orientation`, one page wide and
    as many long as needed, the header row on every page and kept in sight while
    scrolling, "— 1 —" at the foot."""
    from openpyxl.worksheet.properties import PageSetupProperties

    sheet.freeze_panes = sheet.cell(row=header_row + 1, column=1)
    sheet.print_title_rows = f"{header_row}:{header_row}"
    sheet.print_area = f"A1:{column_letter(last_column)}{last_row}"
    sheet.page_setup.orientation = orientation
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    sheet.print_options.horizontalCentered = True
    sheet.page_margins.left = sheet.page_margins.right = 0.6
    sheet.page_margins.top = sheet.page_margins.bottom = 0.8
    sheet.page_margins.footer = 0.35
    sheet.oddFooter.center.text = "— &P —"
    sheet.oddFooter.center.size = 14
    sheet.oddFooter.center.font = SONGTI


def workbook_bytes(workbook) -> bytes:
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def list_workbook(*, title: str, columns: list[Column], rows, stream=None) -> bytes | None:
    """A list page as a worksheet: the title, the header row, one row per item (each a
    sequence of values in the columns' order), in the house style. Every list's
    "导出 Excel" uses it, with the rows the page itself lists. Returns the bytes, or
    writes them into the binary `stream` (a long job's file, core.jobs) and returns None."""
    from openpyxl.styles import Font

    workbook = new_workbook(title=title)
    sheet = workbook.active
    sheet.title = title[:31]  # Excel's limit on a sheet's name
    set_widths(sheet, [column.width for column in columns])
    merged_line(
        sheet, 1, title, first=1, last=len(columns), font=Font(name=EXCEL_HEADING, size=16), horizontal="center"
    )
    border = thin_border()
    header_row(sheet, 2, [column.label for column in columns], border=border, height=24)
    body = Font(name=EXCEL_BODY, size=11)
    row_number = 2
    for row_number, values in enumerate(rows, start=3):
        table_row(
            sheet, row_number, list(values), columns, font=body, border=border, line_height=15, padding=6, min_height=20
        )
    print_setup(sheet, header_row=2, last_row=row_number, last_column=len(columns), orientation="landscape")
    if stream is not None:
        workbook.save(stream)
        return None
    return workbook_bytes(workbook)

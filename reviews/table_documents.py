"""What the review exporters share beyond core.documents: plain text of the data, the
titles and figures of their documents, and the Excel sheet of a landscape table to
print and stamp.

    CaseRow.of(rank, case), render_stamped_table_pdf(...) / render_stamped_table_xlsx(...) -> bytes
        (the ranking table and the NRTA list)
    plain_text(value), header_text(header, key), title_lines(title), plain_number(value)

Used by the ranking table (reviews/ranking/documents.py), the score sheets
(reviews/experts/score_sheet.py), the review sheets (reviews/experts/review_sheets.py),
the announcement (reviews/outcome/announcement_documents.py) and the NRTA list
(reviews/outcome/nrta_documents.py).
"""

from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _

from applications.documents.layout import clean_text
from core.documents import EXCEL_BODY, EXCEL_TITLE, excel
from core.documents.excel import Column
from core.documents.typst import render_typst_pdf, wrappable

HEADER_ROW = 3
LINE_HEIGHT_PT = 16.5  # one line of 12 pt text in Excel
# A seal is about 4 cm across; 120 pt (4.2 cm) leaves it room between label and date.
SEAL_ROOM_PT = 120
# The Typst template of the ranking table and the NRTA list (core.documents.typst).
STAMPED_TABLE_TEMPLATE = "reviews/documents/stamped_table.typ"


def plain_text(value) -> str:
    """User text as the documents show it (clean_text: safe for XML, plain line ends), trimmed."""
    return clean_text(value).strip()


def header_text(header, key: str) -> str:
    """A text of a case's header (its JSON dict), cleaned; "" when absent."""
    value = (header or {}).get(key) if isinstance(header, dict) else None
    return plain_text(value)


def title_lines(title: str) -> list[str]:
    """A title too long for one line of 二号, broken where the words allow (GB/T 9704:
    回行时词意完整): "吉林省2024年广播电视媒体融合" / "典型案例名单"."""
    head, marker, tail = title.partition(_("典型案例"))
    return [head, marker + tail] if head and marker else [title]


def plain_number(value: Decimal) -> str:
    """80.00 -> "80", 85.50 -> "85.5": a figure as a person would write it."""
    text = format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


@dataclass(frozen=True)
class CaseRow:
    """A case's row in a table to print and stamp (the ranking table, the NRTA list);
    each table's columns choose what of it they show."""

    rank: int
    title: str
    unit: str
    category: str
    authority: str
    contact_name: str
    contact_phone: str
    remarks: str = ""  # left empty on purpose: written in by hand

    @classmethod
    def of(cls, rank: int, case) -> "CaseRow":
        """The row of `case` (its unit, category and authority loaded with it)."""
        return cls(
            rank=rank,
            title=plain_text(case.title),
            unit=plain_text(case.unit.name),
            category=plain_text(case.category.name),
            authority=plain_text(case.authority.name),
            contact_name=header_text(case.header, "contact_name"),
            contact_phone=header_text(case.header, "contact_phone"),
        )

    def cells(self, columns) -> list:
        return [getattr(self, column.key) for column in columns]


@dataclass(frozen=True)
class Signoff:
    """What closes a stamped table in the PDF: `left` texts (each followed by a line to
    write on when `blanks`), and on the right the seal's label, room for the seal
    (`seal_room`, mm) and its date, in a column `seal_width` mm wide."""

    left: tuple[str, ...]
    seal_label: str
    seal_date: str
    blanks: bool = False
    left_top: bool = False  # the left texts at the top of the block (else at its bottom)
    seal_width: float = 80
    seal_room: float = 14
    gap: float = 6  # pt above the block
    line_height: float = 20  # pt


def render_stamped_table_pdf(
    *,
    title: str,
    title_lines: list[str],
    author: str,
    running: str,
    columns: tuple[Column, ...],
    widths: dict[str, float],
    rows: list[CaseRow],
    top_left: str,
    top_right: str,
    empty_line: str,
    signoff: Signoff,
    line_height: float = 16,
) -> bytes:
    """A landscape table to print and stamp as PDF (templates/reviews/documents/
    stamped_table.typ): the title in `title_lines`; `top_left` and `top_right` under
    it; the header row repeated on every page and the `columns` of each of `rows` (or
    `empty_line`), `widths` in mm by column key (the column without one takes what is
    left); then the `signoff`, never on a page without the last row. Called inside
    official_language()."""
    return render_typst_pdf(
        STAMPED_TABLE_TEMPLATE,
        {
            "title": title,
            "author": author,
            "running": running,
            "title_lines": [str(line) for line in title_lines],
            "top_left": str(top_left),
            "top_right": str(top_right),
            "columns": [
                {"label": str(column.label), "width": widths.get(column.key), "left": not column.centred}
                for column in columns
            ],
            "rows": [[wrappable(str(value)) for value in row.cells(columns)] for row in rows],
            "empty_line": str(empty_line),
            "body_line_height": line_height,
            "signoff": {
                "left": [str(text) for text in signoff.left],
                "blanks": signoff.blanks,
                "left_top": signoff.left_top,
                "seal_label": str(signoff.seal_label),
                "seal_date": str(signoff.seal_date),
                "seal_width": signoff.seal_width,
                "seal_room": signoff.seal_room,
                "gap": signoff.gap,
                "line_height": signoff.line_height,
            },
        },
    )


def render_stamped_table_xlsx(
    *,
    title: str,
    creator: str,
    sheet_title: str,
    columns: tuple[Column, ...],
    rows: list[CaseRow],
    left_columns: int,
    top_left: str,
    top_right: str,
    empty_line: str,
    bottom_left: str,
    seal_label: str,
    seal_date: str,
) -> bytes:
    """A landscape table to print and stamp: the title; `top_left` and `top_right` under
    it; the header row (the columns' labels) and the `columns` of each of `rows`, or
    `empty_line`; then `bottom_left`, and on the right the seal's label, room for the
    seal and its date. The left-hand texts span the first `left_columns` columns, the
    right-hand ones the rest. Called inside official_language()."""
    from openpyxl.styles import Font

    workbook = excel.new_workbook(title=title, creator=creator)
    sheet = workbook.active
    sheet.title = str(sheet_title)
    count = len(columns)
    right = left_columns + 1
    border = excel.thin_border()
    body_font = Font(name=EXCEL_BODY, size=12)
    excel.set_widths(sheet, [column.width for column in columns])

    # Title, merged across the table (one line at the sheet's width; wraps if narrower).
    title_font = Font(name=EXCEL_TITLE, size=20)
    excel.merged_line(sheet, 1, title, first=1, last=count, font=title_font, horizontal="center", wrap=True, height=42)
    # Who sends it (left) and the date to fill in by hand (right).
    side = Font(name=EXCEL_BODY, size=13)
    excel.merged_line(sheet, 2, top_left, first=1, last=left_columns, font=side, horizontal="left")
    excel.merged_line(sheet, 2, top_right, first=right, last=count, font=side, horizontal="right", height=30)
    # The header row, repeated on every printed page.
    excel.header_row(sheet, HEADER_ROW, [str(column.label) for column in columns], border=border, height=30)

    row = HEADER_ROW + 1
    for entry in rows:
        # The rank stays a number: it sorts, and sums, as one. Room enough to write a
        # remark by hand, and for every wrapped line.
        values = [value if value != "" else None for value in entry.cells(columns)]
        excel.table_row(
            sheet,
            row,
            values,
            columns,
            font=body_font,
            border=border,
            line_height=LINE_HEIGHT_PT,
            padding=8,
            min_height=30,
        )
        row += 1
    if not rows:
        excel.merged_line(
            sheet, row, empty_line, first=1, last=count, font=body_font, horizontal="center", border=border, height=36
        )
        row += 1

    # `bottom_left` (left), then the seal and the date (right).
    sheet.row_dimensions[row].height = 18
    row += 1
    excel.merged_line(sheet, row, bottom_left, first=1, last=left_columns, font=side, horizontal="left")
    excel.merged_line(sheet, row, seal_label, first=right, last=count, font=side, horizontal="center", height=26)
    row += 1
    sheet.row_dimensions[row].height = SEAL_ROOM_PT
    row += 1
    excel.merged_line(sheet, row, seal_date, first=right, last=count, font=side, horizontal="center", height=26)

    excel.print_setup(sheet, header_row=HEADER_ROW, last_row=row, last_column=count, orientation="landscape")
    return excel.workbook_bytes(workbook)

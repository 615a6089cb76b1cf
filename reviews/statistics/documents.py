"""The statistics as one Excel workbook: one sheet per table of the page."""

from decimal import Decimal

from core.documents.excel import (
    Column,
    display_width,
    header_row,
    merged_line,
    new_workbook,
    print_setup,
    set_widths,
    table_row,
    thin_border,
    workbook_bytes,
)


def render_statistics_xlsx(statistics, *, title: str) -> bytes:
    from openpyxl.styles import Font

    from core.documents import SANS

    workbook = new_workbook(title=title)
    workbook.remove(workbook.active)
    border = thin_border()
    for table in statistics.tables:
        sheet = workbook.create_sheet(title=table.title[:31].replace("/", "／"))
        widths = [
            max([display_width(str(label)) + 2] + [display_width(str(row[i])) + 2 for row in table.rows] + [8])
            for i, label in enumerate(table.columns)
        ]
        widths = [min(width, 40) for width in widths]
        columns = [
            Column(label=label, width=width, decimals=True) for label, width in zip(table.columns, widths, strict=True)
        ]
        set_widths(sheet, widths)
        merged_line(
            sheet,
            1,
            table.title,
            first=1,
            last=len(columns),
            font=Font(name=SANS, size=14, bold=True),
            horizontal="center",
            height=28,
        )
        header_row(sheet, 2, table.columns, border=border, height=30)
        for offset, row in enumerate(table.rows):
            table_row(
                sheet,
                3 + offset,
                [v if isinstance(v, (int, float, Decimal)) else str(v) for v in row],
                columns,
                font=Font(name=SANS, size=11),
                border=border,
                line_height=16.5,
                padding=8,
                min_height=22,
            )
        last = 2 + len(table.rows)
        if table.note:
            merged_line(
                sheet,
                last + 2,
                table.note,
                first=1,
                last=len(columns),
                font=Font(name=SANS, size=10),
                horizontal="left",
                wrap=True,
                height=48,
            )
        print_setup(sheet, header_row=2, last_row=max(last, 2), last_column=len(columns), orientation="landscape")
    return workbook_bytes(workbook)

"""The 公示 and the 通报 as Word 公文 (GB/T 9704-2012), drawn from the OfficialDocument
of reviews.outcome.official_documents, which lists the rules. Word lays the page out
on a grid of 22 lines of 28 characters (w:docGrid), the text in 仿宋_GB2312, the
mark and the titles in 方正小标宋简体, headings in 黑体 and 楷体_GB2312."""

from django.utils.translation import gettext as _
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

from core.documents import FANGSONG, HEITI, KAITI, XIAOBIAOSONG
from core.documents.word import new_document, page_number_footer, set_fonts

RED = RGBColor(0xE6, 0x00, 0x00)
BODY_SIZE = Pt(16)  # 三号
TITLE_SIZE = Pt(22)  # 二号
MARK_SIZE = Pt(36)
TABLE_SIZE = Pt(12)  # 小四
# 225 mm / 22 lines = 28.95 pt a line; 156 mm / 28 characters = 15.79 pt a character.
LINE = Pt(28.95)
LINE_PITCH_TWIPS = "579"
# 28 characters of 16 pt in 156 mm: each 0.21 pt narrower, in twentieths of a point.
# (A character grid, w:charSpace, does the same in Word but spreads the text over two
# cells a character in LibreOffice: the spacing works in both.)
CHARACTER_SPACING = "-4"
TEXT_WIDTH = Mm(156)
COLUMN_WIDTHS = (Mm(14), Mm(60), Mm(42), Mm(40))
_AFTER_CANT_SPLIT = ("w:trHeight", "w:tblHeader", "w:tblCellSpacing", "w:jc", "w:hidden", "w:ins", "w:del")


def _off_grid(element) -> None:
    """Lay a paragraph (or a style's paragraphs) out of the line grid: text larger or
    smaller than 3号 (the mark, titles, tables) would take whole lines of the grid."""
    ppr = element.get_or_add_pPr()
    snap = OxmlElement("w:snapToGrid")
    snap.set(qn("w:val"), "0")
    ppr.insert_element_before(
        snap,
        "w:mirrorIndents",
        "w:suppressOverlap",
        "w:jc",
        "w:textDirection",
        "w:textAlignment",
        "w:outlineLvl",
        "w:spacing",
        "w:ind",
        "w:contextualSpacing",
        "w:rPr",
        "w:sectPr",
        "w:pPrChange",
    )


def _set_up(document) -> None:
    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    # The page number's top 7 mm under the text block: a 四号 line from 24 mm up.
    section.footer_distance = Mm(24)
    section.header_distance = Mm(15)
    grid = section._sectPr.find(qn("w:docGrid"))
    if grid is None:
        grid = OxmlElement("w:docGrid")
        section._sectPr.append(grid)
    grid.set(qn("w:type"), "lines")
    grid.set(qn("w:linePitch"), LINE_PITCH_TWIPS)
    # The 订口 (28 mm) on the inner side of each page when printed on both sides.
    mirror = OxmlElement("w:mirrorMargins")
    document.settings.element.insert(0, mirror)
    page_number_footer(section, outer=True)
    for footer in (section.footer, section.even_page_footer):
        _off_grid(footer.paragraphs[0]._p)
    # Text without a style of its own (an empty line, a footer) in 三号 too.
    defaults = document.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    for tag in ("w:sz", "w:szCs"):
        element = defaults.find(qn(tag))
        if element is not None:
            element.set(qn("w:val"), str(int(BODY_SIZE.pt * 2)))

    normal = document.styles["Normal"]
    set_fonts(normal.element, FANGSONG)
    normal.font.size = BODY_SIZE
    normal.font.color.rgb = RGBColor(0, 0, 0)
    spacing = OxmlElement("w:spacing")
    spacing.set(qn("w:val"), CHARACTER_SPACING)
    normal.element.get_or_add_rPr().insert_element_before(
        spacing, "w:w", "w:kern", "w:position", "w:sz", "w:szCs", "w:highlight", "w:u", "w:effect", "w:lang"
    )
    paragraph = normal.paragraph_format
    paragraph.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    paragraph.line_spacing = LINE
    paragraph.space_before = paragraph.space_after = Pt(0)
    paragraph.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    paragraph.widow_control = True
    title = document.styles["Title"]  # named so that the test (and Word's navigation) find it
    set_fonts(title.element, XIAOBIAOSONG)
    title.font.size = TITLE_SIZE
    title.font.bold = False
    title.font.color.rgb = RGBColor(0, 0, 0)
    title.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    title.paragraph_format.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    title.paragraph_format.line_spacing = LINE
    title.paragraph_format.space_after = Pt(0)
    _off_grid(title.element)
    title_ppr = title.element.get_or_add_pPr()
    for border in title_ppr.findall(qn("w:pBdr")):
        title_ppr.remove(border)
    for spacing in title.element.get_or_add_rPr().findall(qn("w:spacing")):
        title.element.get_or_add_rPr().remove(spacing)
    for name, family in (("Heading 1", HEITI), ("Heading 2", KAITI)):
        style = document.styles[name]
        set_fonts(style.element, family)
        style.font.size = BODY_SIZE
        style.font.bold = False
        style.font.color.rgb = RGBColor(0, 0, 0)
        style.paragraph_format.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        style.paragraph_format.line_spacing = LINE
        style.paragraph_format.space_before = style.paragraph_format.space_after = Pt(0)
        style.paragraph_format.first_line_indent = BODY_SIZE * 2


def _paragraph(document, text: str = "", *, style=None, align=None, indent_chars: float = 0, before_lines=0):
    paragraph = document.add_paragraph(style=style)
    if text:
        paragraph.add_run(text)
    if align is not None:
        paragraph.alignment = align
    paragraph.paragraph_format.first_line_indent = BODY_SIZE * indent_chars
    ppr = paragraph._p.get_or_add_pPr()
    ppr.get_or_add_ind().set(qn("w:firstLineChars"), str(int(100 * indent_chars)))
    if before_lines:
        paragraph.paragraph_format.space_before = Pt(LINE.pt * before_lines)
    return paragraph


def _masthead(document, doc) -> None:
    mark = _paragraph(document, doc.issuer_mark, align=WD_ALIGN_PARAGRAPH.CENTER)
    mark.paragraph_format.space_before = Mm(35)
    mark.paragraph_format.line_spacing = Pt(MARK_SIZE.pt * 1.15)
    _off_grid(mark._p)
    run = mark.runs[0]
    set_fonts(run._r, XIAOBIAOSONG)
    run.font.size = MARK_SIZE
    run.font.color.rgb = RED
    number = _paragraph(document, doc.document_number, align=WD_ALIGN_PARAGRAPH.CENTER, before_lines=2)
    # The red line, 4 mm under the number and as wide as the text block.
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in (("w:val", "single"), ("w:sz", "12"), ("w:space", "11"), ("w:color", "E60000")):
        bottom.set(qn(key), value)
    borders.append(bottom)
    number._p.get_or_add_pPr().insert_element_before(borders, "w:shd", "w:tabs", "w:spacing", "w:ind", "w:jc", "w:rPr")


def _title(document, doc) -> None:
    title = _paragraph(document, style="Title", align=WD_ALIGN_PARAGRAPH.CENTER, before_lines=2)
    for index, line in enumerate(doc.title_lines):
        run = title.add_run(line)
        if index < len(doc.title_lines) - 1:
            run.add_break(WD_BREAK.LINE)


def _body(document, doc) -> None:
    if doc.addressee:
        _paragraph(document, doc.addressee, align=WD_ALIGN_PARAGRAPH.LEFT, before_lines=1)
    for index, paragraph in enumerate(doc.paragraphs):
        style = {1: "Heading 1", 2: "Heading 2"}.get(paragraph.level)
        written = _paragraph(document, paragraph.text, style=style, indent_chars=2)
        written.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
        if index == len(doc.paragraphs) - 1:
            # The text's last lines go with the 附件说明 and the sign-off.
            written.paragraph_format.keep_together = True
            written.paragraph_format.keep_with_next = True
    note = _paragraph(document, _("附件：") + doc.attachment_title, before_lines=1)
    note.paragraph_format.left_indent = BODY_SIZE * 5
    note.paragraph_format.first_line_indent = -BODY_SIZE * 3
    note.paragraph_format.keep_with_next = True
    # The seal covers the signatory and the date: two lines of room above them.
    signatory = _paragraph(document, doc.signatory, align=WD_ALIGN_PARAGRAPH.RIGHT, before_lines=2)
    signatory.paragraph_format.right_indent = Pt(BODY_SIZE.pt * doc.signatory_indent)
    signatory.paragraph_format.keep_with_next = True
    date = _paragraph(document, doc.date, align=WD_ALIGN_PARAGRAPH.RIGHT)
    date.paragraph_format.right_indent = BODY_SIZE * 4


def _table_text(cell, text: str, *, family: str, align) -> None:
    paragraph = cell.paragraphs[0]
    _off_grid(paragraph._p)
    paragraph.alignment = align
    paragraph.paragraph_format.first_line_indent = Pt(0)
    paragraph.paragraph_format.line_spacing = Pt(20)
    paragraph._p.get_or_add_pPr().get_or_add_ind().set(qn("w:firstLineChars"), "0")
    run = paragraph.add_run(text)
    run.font.size = TABLE_SIZE
    set_fonts(run._r, family)


def _row(table, *, header: bool = False):
    row = table.add_row()
    tr_pr = row._tr.get_or_add_trPr()
    tr_pr.insert_element_before(OxmlElement("w:cantSplit"), *_AFTER_CANT_SPLIT)
    if header:
        tr_pr.insert_element_before(OxmlElement("w:tblHeader"), *_AFTER_CANT_SPLIT[2:])
    for cell, width in zip(row.cells, COLUMN_WIDTHS, strict=True):
        cell.width = width
        cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
    return row


def _attachment(document, doc) -> None:
    label = _paragraph(document, _("附件"))
    label.paragraph_format.page_break_before = True
    set_fonts(label.runs[0]._r, HEITI)
    heading = _paragraph(document, style="Title", before_lines=1)
    for index, line in enumerate(doc.attachment_title_lines):
        run = heading.add_run(line)
        if index < len(doc.attachment_title_lines) - 1:
            run.add_break(WD_BREAK.LINE)
    heading.paragraph_format.space_after = Pt(LINE.pt / 2)
    center, left = WD_ALIGN_PARAGRAPH.CENTER, WD_ALIGN_PARAGRAPH.LEFT
    for group in doc.listing.groups:
        category = _paragraph(document, group.heading, style="Heading 1", indent_chars=0)
        category.paragraph_format.keep_with_next = True
        if not group.rows:
            _paragraph(document, _("（无）"), indent_chars=2)
            continue
        table = document.add_table(rows=0, cols=len(COLUMN_WIDTHS))
        table.style = document.styles["Table Grid"]
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        table.autofit = False
        for column, width in zip(table.columns, COLUMN_WIDTHS, strict=True):
            column.width = width
        head = _row(table, header=True)
        for cell, text in zip(head.cells, (_("序号"), _("案例名称"), _("申报单位"), _("推荐单位")), strict=True):
            _table_text(cell, text, family=HEITI, align=center)
        for entry in group.rows:
            cells = _row(table).cells
            _table_text(cells[0], str(entry.number), family=FANGSONG, align=center)
            for cell, text in zip(cells[1:], (entry.title, entry.unit, entry.authority), strict=True):
                _table_text(cell, text, family=FANGSONG, align=left)


def build(doc):
    """The python-docx Document of `doc` (an OfficialDocument), in the bureau's language."""
    document = new_document()
    _set_up(document)
    properties = document.core_properties
    properties.title, properties.author = doc.title, doc.signatory
    _masthead(document, doc)
    _title(document, doc)
    _body(document, doc)
    _attachment(document, doc)
    return document

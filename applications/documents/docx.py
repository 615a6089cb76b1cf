"""The application form as Word (.docx), the format the notice asks for.

Built with python-docx on its default template (core.documents.word), restyled after
GB/T 9704: A4, body 三号 (16 pt) 仿宋_GB2312 with exactly 28 pt between lines, title
二号 方正小标宋简体, headings and table labels 黑体, page numbers "— 1 —" in 宋体. The
text is in named styles (正文, 标题 1/2, 表格文字) so that an applicant who edits the file in Word keeps the layout.
"""

from io import BytesIO

from django.utils.translation import gettext as _
from docx.enum.section import WD_ORIENT
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_ROW_HEIGHT_RULE, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor
from docx.table import Table

from applications.documents.layout import FormDocument, case_for_document, form_document
from applications.models import Case
from core.documents import FANGSONG, HEITI, XIAOBIAOSONG, official_language
from core.documents.word import new_document, page_number_footer, set_fonts

BODY_SIZE = Pt(16)  # 三号
TABLE_SIZE = Pt(12)  # 小四
# The text block: 159 mm holds exactly 28 characters of 16 pt per line.
MARGINS = {"top": Mm(37), "bottom": Mm(35), "left": Mm(26.5), "right": Mm(24.5)}
TEXT_WIDTH = Mm(210 - 26.5 - 24.5)
LABEL_WIDTH = Mm(25)  # five characters of a label at 小四
# The second value column of the header is the wider: e-mail, an authority's long name.
NARROW_VALUE_WIDTH = Mm(45)
TABLE_STYLE = "表格文字"
LABEL_STYLE = "表格标签"


# --- fonts and styles ------------------------------------------------------------


def _remove_children(element, tag: str) -> None:
    for child in element.findall(qn(tag)):
        element.remove(child)


def _set_language(style) -> None:
    rpr = style.element.get_or_add_rPr()
    lang = OxmlElement("w:lang")
    lang.set(qn("w:val"), "zh-CN")
    lang.set(qn("w:eastAsia"), "zh-CN")
    rpr.insert_element_before(lang, "w:eastAsianLayout", "w:specVanish", "w:oMath")


def _first_line_indent(paragraph_format, size, characters: int = 2) -> None:
    """A first-line indent in characters (w:firstLineChars, which Word keeps when the
    font size changes, and which wins over the length), with the length as a fallback.
    Every style sets it: a style inherits Normal's two characters otherwise."""
    paragraph_format.first_line_indent = size * characters
    paragraph_format.element.get_or_add_pPr().get_or_add_ind().set(qn("w:firstLineChars"), str(100 * characters))


def _style(style, *, family: str, size, line, bold: bool = False, align=None) -> None:
    set_fonts(style.element, family)
    style.font.size = size
    style.font.bold = bold
    style.font.italic = False
    style.font.color.rgb = RGBColor(0, 0, 0)
    paragraph = style.paragraph_format
    paragraph.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    paragraph.line_spacing = line
    paragraph.space_before = Pt(0)
    paragraph.space_after = Pt(0)
    if align is not None:
        paragraph.alignment = align


def _define_styles(document) -> None:
    styles = document.styles
    normal = styles["Normal"]
    _style(normal, family=FANGSONG, size=BODY_SIZE, line=Pt(28), align=WD_ALIGN_PARAGRAPH.JUSTIFY)
    _set_language(normal)
    _first_line_indent(normal.paragraph_format, BODY_SIZE)

    title = styles["Title"]
    _style(title, family=XIAOBIAOSONG, size=Pt(22), line=Pt(34), align=WD_ALIGN_PARAGRAPH.CENTER)
    _first_line_indent(title.paragraph_format, Pt(22), characters=0)
    title.paragraph_format.space_after = Pt(20)
    # The template's Title has a rule under it and letter spacing; a form has neither.
    _remove_children(title.element.get_or_add_pPr(), "w:pBdr")
    _remove_children(title.element.get_or_add_rPr(), "w:spacing")

    part = styles["Heading 1"]  # 案例材料, 量化数据, 附件清单
    _style(part, family=HEITI, size=BODY_SIZE, line=Pt(28), align=WD_ALIGN_PARAGRAPH.CENTER)
    part.paragraph_format.space_before = Pt(28)
    _first_line_indent(part.paragraph_format, BODY_SIZE, characters=0)
    part.paragraph_format.keep_with_next = True

    section = styles["Heading 2"]  # 一、自有平台或账号的总体情况
    _style(section, family=HEITI, size=BODY_SIZE, line=Pt(28), align=WD_ALIGN_PARAGRAPH.JUSTIFY)
    _first_line_indent(section.paragraph_format, BODY_SIZE)
    section.paragraph_format.keep_with_next = True

    for name, style_id, family, align in (
        (TABLE_STYLE, "FormTableText", FANGSONG, WD_ALIGN_PARAGRAPH.LEFT),
        (LABEL_STYLE, "FormTableLabel", HEITI, WD_ALIGN_PARAGRAPH.CENTER),
    ):
        style = styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        style.style_id = style_id  # ASCII ids, as Word writes them; the Chinese name is what users see
        style.base_style = normal
        _style(style, family=family, size=TABLE_SIZE, line=Pt(20), align=align)
        _first_line_indent(style.paragraph_format, TABLE_SIZE, characters=0)


# --- page ------------------------------------------------------------------------


def _set_up_page(document) -> None:
    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = MARGINS["top"], MARGINS["bottom"]
    section.left_margin, section.right_margin = MARGINS["left"], MARGINS["right"]
    section.footer_distance = Mm(25)
    section.footer.paragraphs[0].style = document.styles[TABLE_STYLE]
    page_number_footer(section, outer=False)


# --- tables ----------------------------------------------------------------------


def _table(document, widths: list) -> Table:
    table = document.add_table(rows=0, cols=len(widths))
    table.style = document.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    for column, width in zip(table.columns, widths, strict=True):
        column.width = width
    return table


def _add_row(table, widths: list):
    row = table.add_row()
    for cell, width in zip(row.cells, widths, strict=True):
        cell.width = width
        cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
    return row


def _write(cell, text: str, style: str, *, align=None) -> None:
    """Put `text` in a cell, one paragraph per line (the cell's first paragraph reused)."""
    lines = text.split("\n") if text else [""]
    first = cell.paragraphs[0]
    for index, line in enumerate(lines):
        paragraph = first if index == 0 else cell.add_paragraph()
        paragraph.style = cell.part.document.styles[style]
        if align is not None:
            paragraph.alignment = align
        if line:
            paragraph.add_run(line)


# Word rejects a row's properties out of schema order, so each goes before its successors.
_AFTER_CANT_SPLIT = ("w:trHeight", "w:tblHeader", "w:tblCellSpacing", "w:jc", "w:hidden", "w:ins", "w:del")
_AFTER_TBL_HEADER = _AFTER_CANT_SPLIT[2:]


def _repeat_as_header(row) -> None:
    row._tr.get_or_add_trPr().insert_element_before(OxmlElement("w:tblHeader"), *_AFTER_TBL_HEADER)


def _keep_row_on_one_page(row) -> None:
    row._tr.get_or_add_trPr().insert_element_before(OxmlElement("w:cantSplit"), *_AFTER_CANT_SPLIT)


def _make_hyperlink(paragraph, url: str) -> None:
    """Turn the paragraph's runs into a link to `url` a reviewer can click in Word."""
    link = OxmlElement("w:hyperlink")
    link.set(qn("r:id"), paragraph.part.relate_to(url, RT.HYPERLINK, is_external=True))
    for run in list(paragraph._p.r_lst):
        link.append(run)  # moves the run into the link
    paragraph._p.append(link)


def _header_table(document, doc: FormDocument) -> None:
    wide_value = TEXT_WIDTH - 2 * LABEL_WIDTH - NARROW_VALUE_WIDTH
    widths = [LABEL_WIDTH, NARROW_VALUE_WIDTH, LABEL_WIDTH, wide_value]
    table = _table(document, widths)
    for fields in doc.header_rows:
        row = _add_row(table, widths)
        _keep_row_on_one_page(row)
        cells = row.cells
        if len(fields) == 1:
            cells = [cells[0], cells[1].merge(cells[3])]
        for index, field in enumerate(fields):
            _write(cells[2 * index], field.label, LABEL_STYLE)
            _write(cells[2 * index + 1], field.value, TABLE_STYLE)


def _figures_table(document, doc: FormDocument) -> None:
    fixed = [Mm(14), Mm(26), Mm(26), Mm(20)]
    widths = [fixed[0], TEXT_WIDTH - sum(fixed, Mm(0)), fixed[1], fixed[2], fixed[3]]
    table = _table(document, widths)
    top, bottom = _add_row(table, widths), _add_row(table, widths)
    for row in (top, bottom):
        _repeat_as_header(row)
    for column, label in ((0, _("序号")), (1, _("指标")), (4, _("单位"))):
        _write(top.cells[column].merge(bottom.cells[column]), label, LABEL_STYLE)
    _write(top.cells[2].merge(top.cells[3]), _("数值"), LABEL_STYLE)
    _write(bottom.cells[2], _("实施前"), LABEL_STYLE)
    _write(bottom.cells[3], _("实施后"), LABEL_STYLE)
    center = WD_ALIGN_PARAGRAPH.CENTER
    for number, figure in enumerate(doc.figures, start=1):
        cells = _add_row(table, widths).cells
        _write(cells[0], str(number), TABLE_STYLE, align=center)
        _write(cells[1], figure.label, TABLE_STYLE)
        if len(figure.values) == 2:
            _write(cells[2], figure.values[0], TABLE_STYLE, align=center)
            _write(cells[3], figure.values[1], TABLE_STYLE, align=center)
        else:
            _write(cells[2].merge(cells[3]), figure.values[0], TABLE_STYLE, align=center)
        _write(cells[4], figure.unit, TABLE_STYLE, align=center)


def _evidence_table(document, doc: FormDocument) -> None:
    fixed = [Mm(14), Mm(24), Mm(64)]
    widths = [fixed[0], TEXT_WIDTH - sum(fixed, Mm(0)), *fixed[1:]]
    table = _table(document, widths)
    head = _add_row(table, widths)
    _repeat_as_header(head)
    for cell, label in zip(head.cells, (_("序号"), _("材料名称"), _("形式"), _("说明")), strict=True):
        _write(cell, label, LABEL_STYLE)
    center = WD_ALIGN_PARAGRAPH.CENTER
    for number, item in enumerate(doc.evidence, start=1):
        row = _add_row(table, widths)
        _keep_row_on_one_page(row)
        cells = row.cells
        _write(cells[0], str(number), TABLE_STYLE, align=center)
        _write(cells[1], item.name, TABLE_STYLE)
        _write(cells[2], "\n".join(filter(None, (item.kind, item.size))), TABLE_STYLE, align=center)
        if item.url:
            code = _("提取码") + "：" + item.extraction_code if item.extraction_code else ""
            _write(cells[3], "\n".join(filter(None, (item.url, code))), TABLE_STYLE)
            if item.clickable:
                _make_hyperlink(cells[3].paragraphs[0], item.url)
        else:
            _write(cells[3], item.description, TABLE_STYLE)


def _opinion_boxes(document, doc: FormDocument) -> None:
    """A tall box per opinion, for the signature and the seal: the label on the left,
    "（盖章）" over the date at the bottom right, where the seal goes."""
    document.add_paragraph()  # breathing space after the evidence list
    widths = [LABEL_WIDTH, TEXT_WIDTH - LABEL_WIDTH]
    table = _table(document, widths)
    for label in doc.opinion_boxes:
        row = _add_row(table, widths)
        row.height = Mm(55)
        row.height_rule = WD_ROW_HEIGHT_RULE.AT_LEAST
        _keep_row_on_one_page(row)
        _write(row.cells[0], label, LABEL_STYLE)
        box = row.cells[1]
        box.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.BOTTOM
        _write(box, _("（盖章）") + "\n" + _("年　　月　　日"), TABLE_STYLE, align=WD_ALIGN_PARAGRAPH.RIGHT)
        seal, date = box.paragraphs
        for paragraph in (seal, date):
            paragraph.paragraph_format.line_spacing = Pt(26)
            paragraph.paragraph_format.keep_with_next = True
            for run in paragraph.runs:
                run.font.size = Pt(14)
        # "（盖章）" centred over the 7-character date: 1.5 characters further in.
        date.paragraph_format.right_indent = Mm(12)
        seal.paragraph_format.right_indent = Mm(12) + Pt(14 * 1.5)
        date.paragraph_format.space_after = Mm(6)


# --- the document ----------------------------------------------------------------


def _narrative(document, doc: FormDocument) -> None:
    # The narrative begins on a page of its own, after the header table (as in the PDF).
    document.add_heading(_("案例材料"), level=1).paragraph_format.page_break_before = True
    count = document.add_paragraph(
        _("正文字数：%(total)s字（不含空白字符）") % {"total": doc.narrative_count}, style=TABLE_STYLE
    )
    count.alignment = WD_ALIGN_PARAGRAPH.CENTER
    count.paragraph_format.space_after = Pt(14)
    for section in doc.sections:
        document.add_heading(f"{section.number}、{section.title}", level=2)
        for text in section.paragraphs:
            document.add_paragraph(text)


def _build(doc: FormDocument) -> bytes:
    document = new_document()
    _define_styles(document)
    _set_up_page(document)
    properties = document.core_properties
    properties.title, properties.subject, properties.author = doc.form_title, doc.case_title, doc.unit_name
    properties.language = "zh-CN"

    document.add_paragraph(doc.form_title, style="Title")
    _header_table(document, doc)
    _narrative(document, doc)
    document.add_heading(_("量化数据"), level=1)
    if doc.figures:
        _figures_table(document, doc)
    else:
        document.add_paragraph(_("无"))
    document.add_heading(_("附件清单"), level=1)
    if doc.evidence:
        _evidence_table(document, doc)
    else:
        document.add_paragraph(_("无"))
    _opinion_boxes(document, doc)

    buffer = BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def render_docx(case: Case, *, masked: bool = False) -> bytes:
    case = case_for_document(case, masked=masked)
    # In the bureau's language whatever the reader's: see pdf.render_pdf.
    with official_language():
        return _build(form_document(case))


def render_docx_document(doc) -> bytes:
    """A FormDocument already built (applications.documents.store) as Word."""
    with official_language():
        return _build(doc)

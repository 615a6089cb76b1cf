"""The Word house style every .docx the system makes shares (python-docx): the fonts a
Chinese office has, named so that Word and WPS use them for Chinese text, and the page
number 「— 1 —」 after GB/T 9704.

    new_document() -> Document            the default template, fonts declared, zh-CN
    set_fonts(style_or_run, FANGSONG)     East Asian slot FANGSONG, Latin Times New Roman
    page_number_footer(section, outer=True)

Word picks a run's font per script: w:eastAsia for Chinese, w:ascii/w:hAnsi for Latin
letters and digits. A theme attribute (w:eastAsiaTheme …) wins over a name, so every
one goes. Where a named font is not installed Word reads the font table's w:altName:
仿宋_GB2312 falls back to 仿宋, 楷体_GB2312 to 楷体, 方正小标宋简体 to 宋体.
"""

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Pt

from core.documents import FALLBACKS, FANGSONG, HEITI, KAITI, LATIN, SONGTI, XIAOBIAOSONG

FONT_TABLE = "/word/fontTable.xml"
_THEME_ATTRIBUTES = ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme")
# The fonts' table entries: charset 86 is GB2312, as Word writes them for these fonts.
_DECLARED = (FANGSONG, HEITI, KAITI, XIAOBIAOSONG, SONGTI, *FALLBACKS.values())
PAGE_NUMBER_SIZE = Pt(14)  # 四号


def set_fonts(element, east_asian: str, latin: str = LATIN) -> None:
    """Point a style's or a run's East Asian slot at `east_asian` and its Latin slots
    at `latin` (`element`: a style's or run's element, or anything with get_or_add_rPr)."""
    rpr = element.get_or_add_rPr()
    fonts = rpr.get_or_add_rFonts()
    for attribute in _THEME_ATTRIBUTES:
        fonts.attrib.pop(qn(attribute), None)
    fonts.set(qn("w:ascii"), latin)
    fonts.set(qn("w:hAnsi"), latin)
    fonts.set(qn("w:cs"), latin)
    fonts.set(qn("w:eastAsia"), east_asian)


def _font_table_part(document):
    for part in document.part.package.iter_parts():
        if str(part.partname) == FONT_TABLE:
            return part
    return None


def _declare_fonts(document) -> None:
    """Entries in the font table for the office's fonts, with what to use instead."""
    part = _font_table_part(document)
    if part is None:
        return
    table = parse_xml(part.blob)
    present = {font.get(qn("w:name")) for font in table.findall(qn("w:font"))}
    for name in _DECLARED:
        if name in present:
            continue
        alternative = FALLBACKS.get(name)
        alt = f'<w:altName w:val="{alternative}"/>' if alternative else ""
        table.append(
            parse_xml(
                f'<w:font {nsdecls("w")} w:name="{name}">{alt}<w:charset w:val="86"/>'
                '<w:family w:val="modern"/><w:pitch w:val="fixed"/></w:font>'
            )
        )
    from lxml import etree

    part._blob = etree.tostring(table, xml_declaration=True, encoding="UTF-8", standalone=True)


def _document_defaults(document) -> None:
    """Text with no style of its own (a footer, a table's empty cell) in 仿宋 too, in
    Chinese: the default template points at its theme's Japanese fonts otherwise."""
    defaults = document.styles.element.find(qn("w:docDefaults"))
    rpr = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
    fonts = rpr.find(qn("w:rFonts"))
    for attribute in _THEME_ATTRIBUTES:
        fonts.attrib.pop(qn(attribute), None)
    for attribute in ("w:ascii", "w:hAnsi", "w:cs"):
        fonts.set(qn(attribute), LATIN)
    fonts.set(qn("w:eastAsia"), FANGSONG)
    lang = rpr.find(qn("w:lang"))
    if lang is not None:
        lang.set(qn("w:val"), "zh-CN")
        lang.set(qn("w:eastAsia"), "zh-CN")


def _styles_without_theme_fonts(document) -> None:
    """Every style of the template in the office's fonts: those on the theme's heading
    font in 黑体, the others in 仿宋 (the template's theme names Japanese fonts)."""
    for fonts in document.styles.element.iter(qn("w:rFonts")):
        theme = fonts.get(qn("w:eastAsiaTheme")) or fonts.get(qn("w:asciiTheme"))
        if theme is None:
            continue
        for attribute in _THEME_ATTRIBUTES:
            fonts.attrib.pop(qn(attribute), None)
        for attribute in ("w:ascii", "w:hAnsi", "w:cs"):
            fonts.set(qn(attribute), LATIN)
        fonts.set(qn("w:eastAsia"), HEITI if theme.startswith("major") else FANGSONG)


def new_document():
    """A python-docx document on its default template, with the office's fonts
    declared and as the defaults, in Chinese."""
    document = Document()
    _declare_fonts(document)
    _document_defaults(document)
    _styles_without_theme_fonts(document)
    document.core_properties.language = "zh-CN"
    return document


# --- page numbers --------------------------------------------------------------------


def _field_char(kind: str):
    element = OxmlElement("w:fldChar")
    element.set(qn("w:fldCharType"), kind)
    return element


def add_page_field(paragraph) -> None:
    """Word's PAGE field, which Word fills in as it lays out each page: begin, the
    instruction, separate, a placeholder result, end, each in a run of its own."""
    instruction = OxmlElement("w:instrText")
    instruction.set(qn("xml:space"), "preserve")
    instruction.text = " PAGE "
    for element in (_field_char("begin"), instruction, _field_char("separate")):
        paragraph.add_run()._r.append(element)
    paragraph.add_run("1")
    paragraph.add_run()._r.append(_field_char("end"))


def _page_number(paragraph, *, alignment, indent) -> None:
    """「— 1 —」: 4号半角宋体 digits between two 一字线 (em dashes)."""
    paragraph.alignment = alignment
    paragraph.paragraph_format.first_line_indent = Pt(0)
    paragraph.paragraph_format.left_indent = indent if alignment == WD_ALIGN_PARAGRAPH.LEFT else Pt(0)
    paragraph.paragraph_format.right_indent = indent if alignment == WD_ALIGN_PARAGRAPH.RIGHT else Pt(0)
    paragraph.paragraph_format.space_before = Pt(0)
    paragraph.paragraph_format.space_after = Pt(0)
    paragraph.add_run("— ")
    add_page_field(paragraph)
    paragraph.add_run(" —")
    for run in paragraph.runs:
        run.font.size = PAGE_NUMBER_SIZE
        set_fonts(run._r, SONGTI, SONGTI)


def page_number_footer(section, *, outer: bool, indent=PAGE_NUMBER_SIZE) -> None:
    """「— 1 —」 at the foot of every page of `section`: centred, or (`outer`, as
    GB/T 9704 places them) on the outer side, a character in from the edge of the
    text: right on odd pages, left on even ones (which turns on Word's different
    odd and even footers for the whole document)."""
    if not outer:
        _page_number(section.footer.paragraphs[0], alignment=WD_ALIGN_PARAGRAPH.CENTER, indent=Pt(0))
        return
    section.part.document.settings.odd_and_even_pages_header_footer = True
    _page_number(section.footer.paragraphs[0], alignment=WD_ALIGN_PARAGRAPH.RIGHT, indent=indent)
    _page_number(section.even_page_footer.paragraphs[0], alignment=WD_ALIGN_PARAGRAPH.LEFT, indent=indent)

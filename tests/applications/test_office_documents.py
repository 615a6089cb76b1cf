"""Documents an office accepts unedited: Word and Excel name the fonts a Chinese
office PC has (read from the files' XML), PDFs embed Noto CJK and draw emoji, and
long unbroken text stays inside the margins (read back with pdftotext -bbox)."""

import re
import subprocess
import zipfile
from io import BytesIO

from lxml import etree

from applications.documents import render_case_docx, render_case_pdf
from tests.factories import make_case

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
MM = 72 / 25.4
A4_WIDTH = 595.28
LONG_URL = "https://mp.weixin.qq.com/s/" + "AbCdEfGhIj0123456789" * 30  # 627 characters, no break
LATIN_RUN = "Supercalifragilisticexpialidociousmediaconvergence"  # 50 letters
DIGIT_RUN = "1" * 30 + "2" * 30 + "3" * 30  # 90 digits


def xml_part(data: bytes, name: str):
    with zipfile.ZipFile(BytesIO(data)) as archive:
        return etree.fromstring(archive.read(name))


def style_fonts(data: bytes) -> dict[str, dict[str, str]]:
    """Style name -> its rFonts attributes (w:eastAsia, w:ascii …), from styles.xml."""
    root = xml_part(data, "word/styles.xml")
    fonts = {}
    for style in root.iter(W + "style"):
        name = style.find(W + "name").get(W + "val")
        element = style.find(f"{W}rPr/{W}rFonts")
        if element is not None:
            fonts[name] = {key.removeprefix(W): value for key, value in element.attrib.items()}
    return fonts


def font_table(data: bytes) -> dict[str, str | None]:
    """Font name -> its w:altName (what Word draws when it is missing)."""
    root = xml_part(data, "word/fontTable.xml")
    table = {}
    for font in root.iter(W + "font"):
        alternative = font.find(W + "altName")
        table[font.get(W + "name")] = alternative.get(W + "val") if alternative is not None else None
    return table


def assert_office_fonts_in_docx(data: bytes, *, body_style: str = "Normal", heading_style: str = "heading 1") -> None:
    fonts = style_fonts(data)
    assert fonts[body_style]["eastAsia"] == "仿宋_GB2312"
    assert fonts[body_style]["ascii"] == fonts[body_style]["hAnsi"] == "Times New Roman"
    assert fonts[heading_style]["eastAsia"] == "黑体"
    assert fonts["Title"]["eastAsia"] == "方正小标宋简体"
    for attributes in fonts.values():
        # A theme font would win over the names, and no style names Noto.
        assert not any(key.endswith("Theme") or key == "cstheme" for key in attributes), attributes
        assert not any("Noto" in value for value in attributes.values()), attributes
    table = font_table(data)
    assert table["仿宋_GB2312"] == "仿宋" and table["楷体_GB2312"] == "楷体" and table["方正小标宋简体"] == "宋体"
    assert "黑体" in table
    # Text with no style of its own defaults to 仿宋 in Chinese too.
    defaults = xml_part(data, "word/styles.xml").find(f"{W}docDefaults/{W}rPrDefault/{W}rPr")
    assert defaults.find(W + "rFonts").get(W + "eastAsia") == "仿宋_GB2312"
    assert defaults.find(W + "lang").get(W + "eastAsia") == "zh-CN"


def xlsx_font_names(data: bytes) -> set[str]:
    root = xml_part(data, "xl/styles.xml")
    main = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
    return {name.get("val") for name in root.iter(main + "name")}


def word_boxes(pdf: bytes) -> list[tuple[int, float, float, str]]:
    """(page, xMin, xMax, word) of every word, by pdftotext -bbox."""
    result = subprocess.run(["pdftotext", "-bbox", "-", "-"], input=pdf, capture_output=True, check=True)
    html = result.stdout.decode("utf-8")
    boxes, page = [], 0
    for line in html.splitlines():
        if "<page " in line:
            page += 1
        found = re.search(r'<word xMin="([\d.]+)" yMin="[\d.]+" xMax="([\d.]+)" yMax="[\d.]+">(.*)</word>', line)
        if found:
            boxes.append((page, float(found[1]), float(found[2]), found[3]))
    return boxes


def pdf_font_names(pdf: bytes) -> list[str]:
    result = subprocess.run(["pdffonts", "-"], input=pdf, capture_output=True, check=True)
    return [line.split()[0] for line in result.stdout.decode().splitlines()[2:]]


# --- fonts ---------------------------------------------------------------------------


def test_the_application_form_in_word_names_the_office_fonts(cast):
    case = make_case(campaign=cast.campaign, applicant=cast.applicant_a)
    data = render_case_docx(case)
    assert_office_fonts_in_docx(data, heading_style="heading 2")
    fonts = style_fonts(data)
    assert fonts["表格标签"]["eastAsia"] == "黑体" and fonts["表格文字"]["eastAsia"] == "仿宋_GB2312"
    # The page number: 4号半角宋体.
    names = sorted(part for part in zipfile.ZipFile(BytesIO(data)).namelist() if part.startswith("word/footer"))
    assert names, "no footer"
    footer = xml_part(data, names[0])
    assert {fonts.get(W + "eastAsia") for fonts in footer.iter(W + "rFonts")} == {"宋体"}


def test_the_application_form_pdf_still_embeds_noto_cjk(cast):
    case = make_case(campaign=cast.campaign, applicant=cast.applicant_a)
    names = pdf_font_names(render_case_pdf(case))
    assert names and all("Noto" in name and "CJK" in name for name in names)


# --- long unbroken text and emoji ----------------------------------------------------


def test_long_unbroken_text_wraps_inside_the_margins_of_the_form(cast):
    case = make_case(campaign=cast.campaign, applicant=cast.applicant_a, title="超长链接案例" + LATIN_RUN)
    case.sections["overview"] = f"平台地址：{LONG_URL}\n{LATIN_RUN}{LATIN_RUN}\n编号{DIGIT_RUN}"
    case.header["contact_email"] = LATIN_RUN + "@example.com"
    case.save()
    pdf = render_case_pdf(case)
    boxes = word_boxes(pdf)
    # The text block of the form: 28 mm from the left edge, 26 mm from the right.
    right_edge = A4_WIDTH - 26 * MM
    overflowing = [(page, round(x_max), word[:30]) for page, _x_min, x_max, word in boxes if x_max > right_edge + 1]
    assert not overflowing
    text = "".join(word for *_rest, word in boxes)
    assert LONG_URL in text and DIGIT_RUN in text  # all of it, only broken


def test_emoji_are_drawn_in_pdfs_with_the_colour_emoji_font(cast):
    case = make_case(campaign=cast.campaign, applicant=cast.applicant_a, title="点赞👍融媒体📺案例")
    case.sections["overview"] = "用户留言🎉🎉，数字12345照常。"
    case.save()
    names = pdf_font_names(render_case_pdf(case))
    assert any("Noto-Color-Emoji" in name for name in names), names
    # Digits and spaces stay in the text font: only the emoji come from the emoji font.
    assert any("CJK" in name for name in names)


def test_excel_tables_name_the_office_fonts(cast):
    from reviews.outcome.announcement_documents import render_announcement_xlsx
    from reviews.ranking.documents import render_ranking_xlsx
    from reviews.ranking.services import table_for

    table = table_for(campaign=cast.campaign, authority=cast.city_a)
    for data in (render_ranking_xlsx(table), render_announcement_xlsx(cast.campaign)):
        names = xlsx_font_names(data)
        # The text in the 仿宋 every Windows has, the header row in 黑体, the title in 方正小标宋简体.
        assert {"仿宋", "黑体", "方正小标宋简体"} <= names
        assert not any("Noto" in name for name in names)

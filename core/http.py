"""The one download response: every file the system hands out (a rendered document, a
stored attachment, a scan, the NRTA package) leaves through `download_response`.

A stored file (a FileField's file) is read through the storage API, so it comes from
the local disk or the shared object store alike. When nginx fronts the app
(DOWNLOADS_VIA_NGINX) and the store is the local disk, the app only checks the reader
and names the file: nginx sends the bytes from its internal location
(X-Accel-Redirect), and no application worker is held by a slow download."""

from pathlib import PurePosixPath
from urllib.parse import quote

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.db.models.fields.files import FieldFile
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
    elif isinstance(content, FieldFile) and _nginx_sends(content):
        content.close()
        response = HttpResponse(content_type=content_type)
        response["X-Accel-Redirect"] = settings.NGINX_PROTECTED_PREFIX + quote(content.name)
    else:
        if isinstance(content, FieldFile) and content.closed:
            content.open("rb")
        response = FileResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=filename)
    response["X-Content-Type-Options"] = "nosniff"
    # Every file handed out is written to the security audit log (audit.middleware).
    response.audit_download = filename
    return response


def _nginx_sends(stored: FieldFile) -> bool:
    return settings.DOWNLOADS_VIA_NGINX and isinstance(stored.storage, FileSystemStorage)

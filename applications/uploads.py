"""What an uploaded file really is, judged by its bytes, never by its name.

Only the kinds of file an application's evidence is made of are accepted: PDF, Word,
Excel, images and video. Anything else (an executable renamed .pdf, a script, an
archive) is refused. The stored file gets the extension of the detected kind.
"""

import io
import zipfile
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class FileKind:
    name: str  # shown to users
    content_type: str
    extension: str


PDF = FileKind(_("PDF 文档"), "application/pdf", ".pdf")
DOCX = FileKind(_("Word 文档"), "application/vnd.openxmlformats-officedocument.wordprocessingml.document", ".docx")
XLSX = FileKind(_("Excel 表格"), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ".xlsx")
PPTX = FileKind(
    _("PowerPoint 演示文稿"), "application/vnd.openxmlformats-officedocument.presentationml.presentation", ".pptx"
)
OLE_OFFICE = FileKind(_("Office 97-2003 文档"), "application/x-ole-storage", ".ole")
PNG = FileKind(_("PNG 图片"), "image/png", ".png")
JPEG = FileKind(_("JPEG 图片"), "image/jpeg", ".jpg")
MP4 = FileKind(_("MP4 视频"), "video/mp4", ".mp4")
MOV = FileKind(_("QuickTime 视频"), "video/quicktime", ".mov")

ACCEPTED_DESCRIPTION = _("PDF、Word、Excel、PowerPoint、PNG/JPEG 图片、MP4/MOV 视频")
_OOXML_PARTS = {"word/": DOCX, "xl/": XLSX, "ppt/": PPTX}
HEAD_BYTES = 64


def _ooxml_kind(stream) -> FileKind | None:
    """A zip is accepted only when it is an Office Open XML document."""
    try:
        with zipfile.ZipFile(stream) as archive:
            names = archive.namelist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return None
    if "[Content_Types].xml" not in names:
        return None
    for prefix, kind in _OOXML_PARTS.items():
        if any(name.startswith(prefix) for name in names):
            return kind
    return None


def detect_kind(uploaded) -> FileKind | None:
    """The accepted kind of `uploaded` (a Django UploadedFile or any binary file), or None."""
    uploaded.seek(0)
    head = uploaded.read(HEAD_BYTES)
    uploaded.seek(0)
    kind = None
    if head.startswith(b"%PDF-"):
        kind = PDF
    elif head.startswith(b"\x89PNG\r\n\x1a\n"):
        kind = PNG
    elif head.startswith(b"\xff\xd8\xff"):
        kind = JPEG
    elif head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        kind = OLE_OFFICE
    elif head[4:8] == b"ftyp":
        kind = MOV if head[8:10] == b"qt" else MP4
    elif head.startswith(b"PK\x03\x04"):
        data = uploaded.file if hasattr(uploaded, "file") else uploaded
        kind = _ooxml_kind(data if hasattr(data, "seek") else io.BytesIO(uploaded.read()))
        uploaded.seek(0)
    return kind


def display_name(name: str) -> str | None:
    """The user's file name as it will be shown and offered back in downloads, or None
    when the name tries a path trick (directories, "..", control characters): browsers
    send a bare name, so anything else is an attack, refused rather than repaired."""
    name = (name or "").strip()
    if not name or "/" in name or "\\" in name or name in (".", "..") or name.startswith("."):
        return None
    if any(not ch.isprintable() for ch in name):
        return None
    return name[-200:]

"""What an uploaded file really is, judged by its bytes, never by its name.

Only the kinds of file an application's evidence is made of are accepted: PDF, Word,
Excel, PowerPoint, images and video. Anything else (an executable renamed .pdf, a
script, an archive) is refused, and so is a file of an accepted kind that could carry a
payload: a PDF that runs JavaScript or launches a program, an Office file with macros,
an embedded executable or a decompression bomb, an image or video whose bytes are not
what their header says. The stored file and the name it is offered under both get the
extension of the detected kind (`说明.bat` holding a PDF is offered as `说明.pdf`).

    kind = vet_upload(uploaded)             # a FileKind, or ValidationError with the reason
    offered_name("说明.bat", kind)          # "说明.pdf"
"""

import io
import struct
import zipfile
from dataclasses import dataclass
from pathlib import PurePosixPath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.files import clean_name_part


@dataclass(frozen=True)
class FileKind:
    name: str  # shown to users
    content_type: str
    extension: str
    # Other extensions a file of this kind may keep ("照片.jpeg" stays .jpeg).
    aliases: tuple[str, ...] = ()


PDF = FileKind(gettext_lazy("PDF 文档"), "application/pdf", ".pdf")
DOCX = FileKind(
    gettext_lazy("Word 文档"), "application/vnd.openxmlformats-officedocument.wordprocessingml.document", ".docx"
)
XLSX = FileKind(
    gettext_lazy("Excel 表格"), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ".xlsx"
)
PPTX = FileKind(
    gettext_lazy("PowerPoint 演示文稿"),
    "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    ".pptx",
)
DOC = FileKind(gettext_lazy("Word 97-2003 文档"), "application/msword", ".doc", (".wps",))
XLS = FileKind(gettext_lazy("Excel 97-2003 表格"), "application/vnd.ms-excel", ".xls", (".et",))
PPT = FileKind(gettext_lazy("PowerPoint 97-2003 演示文稿"), "application/vnd.ms-powerpoint", ".ppt", (".dps",))
PNG = FileKind(gettext_lazy("PNG 图片"), "image/png", ".png")
JPEG = FileKind(gettext_lazy("JPEG 图片"), "image/jpeg", ".jpg", (".jpeg",))
MP4 = FileKind(gettext_lazy("MP4 视频"), "video/mp4", ".mp4", (".m4v",))
MOV = FileKind(gettext_lazy("QuickTime 视频"), "video/quicktime", ".mov")
KINDS = (PDF, DOCX, XLSX, PPTX, DOC, XLS, PPT, PNG, JPEG, MP4, MOV)
# Kept for files stored before the legacy Office formats were told apart.
OLE_OFFICE = FileKind(gettext_lazy("Office 97-2003 文档"), "application/x-ole-storage", ".doc")

ACCEPTED_DESCRIPTION = gettext_lazy("PDF、Word、Excel、PowerPoint、PNG/JPEG 图片、MP4/MOV 视频")
_OOXML_PARTS = {"word/": DOCX, "xl/": XLSX, "ppt/": PPTX}
HEAD_BYTES = 64
CHUNK = 1024 * 1024

# The first bytes of programs and scripts: never inside an Office file.
_EXECUTABLE_MAGIC = (b"MZ", b"\x7fELF", b"\xca\xfe\xba\xbe", b"\xcf\xfa\xed\xfe", b"\xce\xfa\xed\xfe", b"#!")
_EXECUTABLE_SUFFIXES = {
    ".exe", ".dll", ".com", ".scr", ".pif", ".cpl", ".msi", ".bat", ".cmd", ".ps1", ".vbs", ".vbe", ".js",
    ".jse", ".wsf", ".wsh", ".hta", ".jar", ".class", ".sh", ".elf", ".so", ".dylib", ".lnk", ".reg", ".php",
    ".py", ".pl", ".apk",
}  # fmt: skip
# Office parts that hold macros (a .docx/.xlsx/.pptx never has them; a .docm would).
_MACRO_PARTS = ("vbaproject.bin", "vbadata.xml")
# PDF names that run something when the file is opened or clicked, or carry another file.
_PDF_ACTIVE_KEYS = {
    "/JavaScript": gettext_lazy("JavaScript 脚本"),
    "/JS": gettext_lazy("JavaScript 脚本"),
    "/Launch": gettext_lazy("启动外部程序的动作"),
    "/EmbeddedFile": gettext_lazy("嵌入的文件"),
    "/EmbeddedFiles": gettext_lazy("嵌入的文件"),
    "/RichMedia": gettext_lazy("富媒体内容"),
}
_PDF_ACTIVE_ACTIONS = {
    "/JavaScript": _PDF_ACTIVE_KEYS["/JavaScript"],
    "/Launch": _PDF_ACTIVE_KEYS["/Launch"],
    "/GoToE": _PDF_ACTIVE_KEYS["/EmbeddedFile"],
    "/ImportData": gettext_lazy("导入数据的动作"),
    "/SubmitForm": gettext_lazy("提交表单的动作"),
}
# A PDF with more objects than this is not a scan or a report: refused rather than walked.
_PDF_MAX_OBJECTS = 200_000


def _refuse(name: str, reason: str) -> ValidationError:
    return ValidationError(_("文件「%(name)s」未通过安全检查：%(reason)s。") % {"name": name, "reason": reason})


def _chunks(stream, start: int = 0):
    stream.seek(start)
    while block := stream.read(CHUNK):
        yield block


def _size(stream) -> int:
    stream.seek(0, io.SEEK_END)
    size = stream.tell()
    stream.seek(0)
    return size


def _raw(uploaded):
    """The seekable binary stream under a Django UploadedFile (or the file itself)."""
    data = getattr(uploaded, "file", uploaded)
    return data if hasattr(data, "seek") else io.BytesIO(uploaded.read())


# --- detection ------------------------------------------------------------------------


def _ooxml_kind(stream) -> FileKind | None:
    """A zip is accepted only when it is an Office Open XML document."""
    try:
        with zipfile.ZipFile(stream) as archive:
            names = archive.namelist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        return None
    if "[Content_Types].xml" not in names:
        return None
    for prefix, kind in _OOXML_PARTS.items():
        if any(name.startswith(prefix) for name in names):
            return kind
    return None


def _ole_kind(stream) -> FileKind | None:
    """A compound file (the container of .doc/.xls/.ppt, but also of .msi installers) is
    accepted only when it holds the main stream of a Word, Excel or PowerPoint file."""
    found = set()
    tail = b""
    for block in _chunks(stream):
        window = tail + block
        for needle in (_WORD_STREAM, _EXCEL_STREAM, _EXCEL5_STREAM, _POWERPOINT_STREAM, _VBA_STREAM):
            if needle in window:
                found.add(needle)
        tail = window[-64:]
    stream.seek(0)
    if _VBA_STREAM in found:
        return None
    if _WORD_STREAM in found:
        return DOC
    if _EXCEL_STREAM in found or _EXCEL5_STREAM in found:
        return XLS
    if _POWERPOINT_STREAM in found:
        return PPT
    return None


def _utf16(name: str) -> bytes:
    return name.encode("utf-16-le")


_WORD_STREAM = _utf16("WordDocument")
_EXCEL_STREAM = _utf16("Workbook")
_EXCEL5_STREAM = _utf16("Book\x00")
_POWERPOINT_STREAM = _utf16("PowerPoint Document")
_VBA_STREAM = _utf16("_VBA_PROJECT")


def detect_kind(uploaded) -> FileKind | None:
    """The accepted kind of `uploaded` (a Django UploadedFile or any binary file) judged
    by its first bytes (and, for zips and compound files, its table of contents), or None."""
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
        kind = _ole_kind(_raw(uploaded))
    elif head[4:8] == b"ftyp":
        kind = MOV if head[8:10] == b"qt" else MP4
    elif head.startswith(b"PK\x03\x04"):
        kind = _ooxml_kind(_raw(uploaded))
    uploaded.seek(0)
    return kind


# --- inspection beyond the first bytes -------------------------------------------------


def _check_pdf(stream, name: str) -> None:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError
    from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject

    try:
        reader = PdfReader(stream, strict=False)
        if reader.is_encrypted:
            raise _refuse(name, _("PDF 已加密或设有打开密码，请去除密码后重新上传"))
        if len(reader.pages) < 1:
            raise _refuse(name, _("PDF 没有页面"))
        seen: set[tuple[int, int]] = set()
        pending = [reader.trailer]
        while pending:
            item = pending.pop()
            if isinstance(item, IndirectObject):
                key = (item.idnum, item.generation)
                if key in seen:
                    continue
                seen.add(key)
                if len(seen) > _PDF_MAX_OBJECTS:
                    raise _refuse(name, _("PDF 结构过于复杂"))
                pending.append(item.get_object())
            elif isinstance(item, DictionaryObject):
                for key, value in item.items():
                    if key in _PDF_ACTIVE_KEYS:
                        raise _refuse(name, _("PDF 含有%(what)s") % {"what": _PDF_ACTIVE_KEYS[key]})
                    if key == "/S" and value in _PDF_ACTIVE_ACTIONS:
                        raise _refuse(name, _("PDF 含有%(what)s") % {"what": _PDF_ACTIVE_ACTIONS[value]})
                    if key == "/OpenAction":
                        _check_open_action(value.get_object(), name)
                    if key != "/Parent":
                        pending.append(value)
            elif isinstance(item, ArrayObject):
                pending.extend(item)
    except ValidationError:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, AttributeError, IndexError, OSError, RecursionError):
        raise _refuse(name, _("PDF 文件已损坏或无法解析")) from None
    except Exception:  # pypdf raises a wide range of errors on hostile input
        raise _refuse(name, _("PDF 文件已损坏或无法解析")) from None


def _check_open_action(action, name: str) -> None:
    """A destination ("open at page 1") is harmless, and so is going to one; any other
    action run when the file opens is refused, naming it when it is a known danger."""
    from pypdf.generic import ArrayObject, DictionaryObject

    if isinstance(action, ArrayObject):
        return
    kind = action.get("/S") if isinstance(action, DictionaryObject) else None
    if kind in _PDF_ACTIVE_ACTIONS:
        raise _refuse(name, _("PDF 含有%(what)s") % {"what": _PDF_ACTIVE_ACTIONS[kind]})
    if kind != "/GoTo":
        raise _refuse(name, _("PDF 含有打开文件时自动执行的动作（OpenAction）"))


def _check_ooxml(stream, name: str) -> None:
    limit = settings.UPLOAD_ZIP_MAX_UNCOMPRESSED_MB * 1024 * 1024
    try:
        with zipfile.ZipFile(stream) as archive:
            members = archive.infolist()
            if len(members) > settings.UPLOAD_ZIP_MAX_MEMBERS:
                raise _refuse(
                    name, _("文档内部文件过多（超过%(limit)d个）") % {"limit": settings.UPLOAD_ZIP_MAX_MEMBERS}
                )
            # The sizes the archive declares, summed before anything is inflated: a bomb
            # is refused on its table of contents alone.
            if sum(member.file_size for member in members) > limit:
                raise _refuse(
                    name,
                    _("文档解压后超过%(limit)dMB，可能是压缩炸弹") % {"limit": settings.UPLOAD_ZIP_MAX_UNCOMPRESSED_MB},
                )
            for member in members:
                lowered = member.filename.lower()
                if lowered.endswith(_MACRO_PARTS):
                    raise _refuse(name, _("文档含有宏，请另存为不含宏的格式后重新上传"))
                if PurePosixPath(lowered).suffix in _EXECUTABLE_SUFFIXES:
                    raise _refuse(name, _("文档内嵌可执行文件或脚本"))
                if member.file_size and member.compress_size and member.file_size > 1024 * 1024:
                    if member.file_size / member.compress_size > settings.UPLOAD_ZIP_MAX_RATIO:
                        raise _refuse(name, _("文档压缩比异常，可能是压缩炸弹"))
                with archive.open(member) as part:
                    if part.read(4).startswith(_EXECUTABLE_MAGIC):
                        raise _refuse(name, _("文档内嵌可执行文件或脚本"))
    except ValidationError:
        raise
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError, NotImplementedError):
        raise _refuse(name, _("文档已损坏或无法解析")) from None


def _last_index(stream, marker: bytes) -> int:
    """The position of the last `marker` in the stream, or -1 (read in chunks)."""
    position, last, tail = 0, -1, b""
    for block in _chunks(stream):
        window = tail + block
        found = window.rfind(marker)
        if found != -1:
            last = position - len(tail) + found
        tail = window[-(len(marker) - 1) :] if len(marker) > 1 else b""
        position += len(block)
    stream.seek(0)
    return last


def _check_image(stream, name: str, kind: FileKind) -> None:
    from PIL import Image

    try:
        with Image.open(stream) as image:
            if image.format != {PNG: "PNG", JPEG: "JPEG"}[kind]:
                raise _refuse(name, _("图片内容与格式不符"))
            if image.width * image.height > settings.UPLOAD_IMAGE_MAX_PIXELS:
                raise _refuse(name, _("图片像素过多"))
            image.verify()
        stream.seek(0)
        with Image.open(stream) as image:
            image.load()  # every pixel decoded: a header followed by something else fails here
    except ValidationError:
        raise
    except Exception:  # Pillow raises many kinds of error on hostile input
        raise _refuse(name, _("图片已损坏或无法解析")) from None
    # Bytes after the image's end are a payload riding along (a script after the JPEG).
    end_marker, marker_length = (b"IEND\xaeB`\x82", 8) if kind is PNG else (b"\xff\xd9", 2)
    end = _last_index(stream, end_marker)
    if end == -1 or _size(stream) - (end + marker_length) > 16:
        raise _refuse(name, _("图片结尾之后附带了其他数据"))


def _check_video(stream, name: str) -> None:
    """The top-level boxes of an ISO/QuickTime file tile it exactly, with a movie header:
    a video header followed by anything else does not."""
    total = _size(stream)
    position, types = 0, set()
    while position < total:
        stream.seek(position)
        header = stream.read(8)
        if len(header) < 8:
            raise _refuse(name, _("视频文件结构不完整"))
        size, box = struct.unpack(">I4s", header)
        if size == 1:
            extended = stream.read(8)
            if len(extended) < 8:
                raise _refuse(name, _("视频文件结构不完整"))
            size = struct.unpack(">Q", extended)[0]
        elif size == 0:
            size = total - position  # the last box runs to the end of the file
        if size < 8 or position + size > total or not all(32 <= byte < 127 for byte in box):
            raise _refuse(name, _("视频文件结构不完整"))
        types.add(box)
        position += size
    stream.seek(0)
    if b"moov" not in types or b"ftyp" not in types:
        raise _refuse(name, _("视频文件缺少影片信息"))


def vet_upload(uploaded, *, name: str) -> FileKind:
    """The kind of `uploaded` once its content has been checked, or ValidationError
    saying why it is refused (`name` is the user's file name, for the message)."""
    kind = detect_kind(uploaded)
    if kind is None:
        raise ValidationError(
            _("文件「%(name)s」的内容不是可接受的类型（%(accepted)s）。")
            % {"name": name, "accepted": ACCEPTED_DESCRIPTION}
        )
    stream = _raw(uploaded)
    try:
        if kind is PDF:
            _check_pdf(stream, name)
        elif kind in (DOCX, XLSX, PPTX):
            _check_ooxml(stream, name)
        elif kind in (PNG, JPEG):
            _check_image(stream, name, kind)
        elif kind in (MP4, MOV):
            _check_video(stream, name)
    finally:
        uploaded.seek(0)
    return kind


def kind_of_content_type(content_type: str) -> FileKind | None:
    return next((kind for kind in (*KINDS, OLE_OFFICE) if kind.content_type == content_type), None)


def offered_name(name: str, kind: FileKind | None) -> str:
    """The user's file name with the extension of the kind its bytes are: the name a
    file is listed and downloaded under, which can never be a program's."""
    name = clean_name_part(name).lstrip(" .")
    path = PurePosixPath(name) if name else PurePosixPath("file")
    suffix = path.suffix.lower()
    if kind is None:
        # A record of no known kind: never offered under a program's name.
        return name + ".bin" if suffix in _EXECUTABLE_SUFFIXES else name
    if suffix == kind.extension or suffix in kind.aliases:
        return name
    stem = name[: len(name) - len(path.suffix)] if 1 < len(path.suffix) <= 10 else name
    return (stem.rstrip(" .") or "file") + kind.extension


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

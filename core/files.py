"""File names valid on every system, and files written whole or not at all.

    safe_filename("../宣传片.mp4", fallback="佐证材料") -> "宣传片.mp4"
    build_filename("吉林省2024年…推荐排序表", "长春市文广旅局", extension="pdf", fallback="ranking")
        -> "吉林省2024年…推荐排序表-长春市文广旅局.pdf"
    with atomic_write(path) as stream: …        write_atomically(path, data)

Every name the system gives a file (a download, an exported document, a member of the
NRTA package) passes the one rule of `safe_filename`.
"""

import os
import re
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path, PurePosixPath
from typing import BinaryIO

from core.text import normalise_line

# Characters, not bytes: what a person reads in a folder listing.
MAX_FILENAME_LENGTH = 150
# Bytes of UTF-8: most Linux and macOS file systems refuse a longer name, and a Chinese
# character takes three (150 of them would not fit).
MAX_FILENAME_BYTES = 255
# A longer ending is taken for part of the name ("第2.0版工作方案"), not an extension.
MAX_SUFFIX_LENGTH = 10
# Illegal in Windows file names (the strictest of the systems people use), plus control
# characters (C0, DEL, C1) and the bidirectional controls that can make "gpj.exe" read
# "exe.jpg": what remains is valid on every system.
_ILLEGAL = re.compile('[\\\\/:*?"<>|\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]')
# Names Windows keeps for devices, whatever their extension ("con.txt" too).
# What core.text refuses in typed text; a file name is repaired instead (no one to ask).
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")
_RESERVED = {"CON", "PRN", "AUX", "NUL", *(f"{port}{n}" for port in ("COM", "LPT") for n in "0123456789¹²³")}


def clean_name_part(text: str) -> str:
    """`text` normalised as every name is (core.text.normalise_line: NFC, controls,
    bidi and zero-width characters gone), its whitespace collapsed to single spaces,
    without the characters the rule refuses, trimmed: one part of a name."""
    text = normalise_line(_UNSTORABLE.sub("", str(text or "")))
    return " ".join(_ILLEGAL.sub("", text).split())


def _truncate(text: str, *, characters: int, encoded: int) -> str:
    """At most `characters` characters and `encoded` bytes of UTF-8, cut between characters."""
    text = text[: max(characters, 0)]
    return text.encode("utf-8")[: max(encoded, 0)].decode("utf-8", errors="ignore")


def _fit(stem: str, suffix: str, *, fallback: str, max_length: int, max_bytes: int) -> str:
    stem = _truncate(stem, characters=max_length - len(suffix), encoded=max_bytes - len(suffix.encode()))
    # Windows drops trailing dots and spaces silently; a leading dot hides the file.
    stem = stem.strip(" .") or fallback
    if stem.split(".")[0].strip().upper() in _RESERVED:
        stem = "_" + stem
    return stem + suffix


def safe_filename(
    name: str, *, fallback: str, max_length: int = MAX_FILENAME_LENGTH, max_bytes: int = MAX_FILENAME_BYTES
) -> str:
    """`name` as one path component valid on every system: no separators, no characters
    Windows refuses, no control characters, whitespace collapsed, never hidden (leading
    dot), never a device name (CON, NUL, COM1 …), never empty (`fallback`), at most
    `max_length` characters and `max_bytes` bytes of UTF-8, the extension kept."""
    name = clean_name_part(name).lstrip(" .")
    suffix = PurePosixPath(name).suffix if name else ""
    suffix = suffix if 1 < len(suffix) <= MAX_SUFFIX_LENGTH else ""
    stem = name[: len(name) - len(suffix)]
    return _fit(stem, suffix, fallback=fallback, max_length=max_length, max_bytes=max_bytes)


def build_filename(*parts: str, extension: str, fallback: str, max_length: int = MAX_FILENAME_LENGTH) -> str:
    """A download or export name: the `parts` joined by "-" (each cleaned), then
    ".<extension>" in lower case, by the rule of `safe_filename`."""
    suffix = "." + extension.lstrip(".").lower()
    stem = "-".join(clean_name_part(part) for part in parts).lstrip(" .")
    return _fit(stem, suffix, fallback=fallback, max_length=max_length, max_bytes=MAX_FILENAME_BYTES)


# --- writing ---------------------------------------------------------------------------


def _current_umask() -> int:
    # os.umask can only be read by setting it; set it straight back.
    mask = os.umask(0)
    os.umask(mask)
    return mask


@contextmanager
def atomic_write(target: Path) -> Iterator[BinaryIO]:
    """A binary stream whose bytes become `target` once the block ends: written to a
    temporary file beside it, synced, then renamed over it. Nobody ever sees half a
    file; on any error the temporary file goes and `target` is left as it was."""
    target = Path(target)
    # The temporary name stays within the limit of a name however long the target's.
    prefix = "." + _truncate(target.name, characters=MAX_FILENAME_LENGTH, encoded=200) + "."
    descriptor, temporary = tempfile.mkstemp(dir=target.parent, prefix=prefix, suffix=".tmp")
    try:
        with os.fdopen(descriptor, "wb") as stream:
            yield stream
            stream.flush()
            os.fsync(stream.fileno())
        # mkstemp makes the file private (0600); what we write is an ordinary file.
        os.chmod(temporary, 0o666 & ~_current_umask())
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def write_atomically(target: Path, data: bytes) -> None:
    """Write `data` to `target` by `atomic_write`. Raises OSError, leaving nothing behind."""
    with atomic_write(target) as stream:
        stream.write(data)

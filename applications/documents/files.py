"""Writing exported documents to disk, for the export commands: where to (-o or a
default name), whether it can be written, and the atomic write itself, with the
commands' error messages."""

import os
import tempfile
from collections.abc import Callable
from pathlib import Path

from django.core.management.base import CommandError
from django.utils.translation import gettext as _


def _current_umask() -> int:
    # os.umask can only be read by setting it; set it straight back.
    mask = os.umask(0)
    os.umask(mask)
    return mask


def write_atomically(target: Path, data: bytes) -> None:
    """Write `data` to `target` through a temporary file in the same directory and an
    atomic rename. Raises OSError, with the temporary file removed."""
    descriptor, temporary = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(descriptor, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        # mkstemp makes the file private (0600); the document is an ordinary file.
        os.chmod(temporary, 0o666 & ~_current_umask())
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def output_format(document_format: str | None, output: str | None) -> str:
    """The format given with --format, else the extension of the -o path; lower case,
    "" when neither says. The command checks it against the formats it makes."""
    if not document_format and output:
        document_format = Path(output).suffix.lstrip(".")
    return (document_format or "").lower()


def output_target(output: str | None, default_name: Callable[[], str]) -> Path:
    """The path given with -o, or `default_name()` in the current directory (called
    only when no path was given)."""
    return Path(output) if output else Path(default_name())


def check_writable(target: Path) -> None:
    """Raise CommandError unless `target` can be written: not a directory, in a
    directory that exists and is writable. Checked before rendering, which takes a
    while: fail fast on a mistyped path. The write itself can still fail (disk full…),
    and reports its own error."""
    directory = target.parent
    if target.is_dir():
        reason = _("这是一个目录。")
    elif not directory.is_dir():
        reason = _("目录「%(dir)s」不存在。") % {"dir": directory}
    elif not os.access(directory, os.W_OK | os.X_OK):
        reason = _("没有目录「%(dir)s」的写权限。") % {"dir": directory}
    else:
        return
    raise CommandError(_("无法写入「%(path)s」：%(reason)s") % {"path": target, "reason": reason})


def resolve_output(output: str | None, default_name: Callable[[], str]) -> Path:
    """output_target(), checked writable."""
    target = output_target(output, default_name)
    check_writable(target)
    return target


def write_error(target: Path, error: OSError) -> CommandError:
    """The command's error for a write to `target` that failed with `error`."""
    return CommandError(_("无法写入「%(path)s」：%(reason)s") % {"path": target, "reason": error.strerror or error})


def write_output(target: Path, data: bytes) -> None:
    """write_atomically(), failing with a CommandError."""
    try:
        write_atomically(target, data)
    except OSError as error:
        raise write_error(target, error) from error

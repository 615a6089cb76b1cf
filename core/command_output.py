"""Writing exported documents from a management command (export_case, export_ranking,
export_announcement, build_nrta_package): the format, where to (-o or a default name),
whether it can be written, and the atomic write, with the commands' error messages."""

import os
from collections.abc import Callable, Iterable
from pathlib import Path

from django.core.management.base import CommandError
from django.utils.translation import gettext as _

from core.files import write_atomically


def output_format(document_format: str | None, output: str | None, formats: Iterable[str]) -> str:
    """The format given with --format, else the extension of the -o path, in lower
    case; a CommandError naming the `formats` the command makes when it is none of them."""
    if not document_format and output:
        document_format = Path(output).suffix.lstrip(".")
    document_format = (document_format or "").lower()
    formats = list(formats)
    if document_format not in formats:
        raise CommandError(
            _("未知的导出格式「%(format)s」：请用 %(choices)s。")
            % {
                "format": document_format or _("（未指定）"),
                "choices": _(" 或 ").join(f"--format {name}" for name in formats),
            }
        )
    return document_format


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

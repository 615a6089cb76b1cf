"""The PDF pipeline for long tables: a Typst template fed with JSON data, drawn by Typst
(the `typst` package: the compiler, in Rust, inside the wheel).

    render_typst_pdf("reviews/documents/stamped_table.typ", {"title": …, "rows": […]}) -> bytes

Why a second pipeline beside WeasyPrint (core.documents.pdf): WeasyPrint lays a table
out in Python, about 7 ms a row on this machine (a bare 500-row table of seven cells,
without any of our stylesheet, takes 3.5 s of CPU), so the tables that grow with the
campaign (the ranking table, the NRTA list, the 公示 and 通报, up to hundreds of rows)
could not print in under a second. Typst draws the same 500 rows in about 0.4 s of CPU,
with the same fonts embedded as subsets, in a child process (typst_child.py) that gives
back the compiler's memory when it exits (about 0.1 s of the 0.4).

The house style is the one of documents/common.css, in documents/common.typ: Noto Serif
CJK SC for the text, Noto Sans CJK SC for headings (黑体), page numbers "— 1 —" 四号,
the running title from the second page on. The template's source is read through the
template loaders (it lives beside the HTML templates) and prepended with common.typ.

Safety: user text is never put into the Typst source. The template reads its data
from `sys.inputs` as JSON, where text is only ever text; the compiler's root is an
empty directory, so no template can read a file; there are no packages to fetch.
Fonts are only the ones fontconfig gives for the house fonts (and the colour emoji),
so a document never picks up another font of the server's.
"""

import json
import os
import re
import subprocess
import sys
import tempfile
from functools import cache

from django.template import TemplateDoesNotExist, engines

from core.documents import SANS, SERIF

COMMON_TEMPLATE = "documents/common.typ"
EMOJI = "Noto Color Emoji"
# Where Debian puts them (fonts-noto-cjk, fonts-noto-color-emoji): used when fc-match is missing.
DEFAULT_FONT_DIRS = ("/usr/share/fonts/opentype/noto", "/usr/share/fonts/truetype/noto")


# A run of characters with no break opportunity: no space, no CJK character or punctuation.
LONG_RUN = re.compile(r"[^\s\u2e80-\u9fff\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef\u2018-\u201f]{20,}")


def wrappable(text: str) -> str | list:
    """`text` as the templates' wrappable() takes it (documents/common.typ): the text
    itself, or, when it holds a run of 20 characters or more that has no break
    opportunity (a link, Latin letters, digits), a list of its pieces with each such
    run as a list of its characters, so that it wraps inside its cell."""
    if not LONG_RUN.search(text):
        return text
    pieces: list = []
    position = 0
    for match in LONG_RUN.finditer(text):
        if match.start() > position:
            pieces.append(text[position : match.start()])
        pieces.append(list(match.group()))
        position = match.end()
    if position < len(text):
        pieces.append(text[position:])
    return pieces


def _font_file(family: str) -> str | None:
    try:
        result = subprocess.run(
            ["fc-match", "--format=%{file}", f"{family}:lang=zh-cn"], capture_output=True, text=True, timeout=10
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return result.stdout.strip() or None


@cache
def font_folders() -> tuple[str, ...]:
    """The folders of the house fonts, as fontconfig finds them (once per process)."""
    folders: list[str] = []
    for family in (SERIF, SANS, EMOJI):
        path = _font_file(family)
        folder = os.path.dirname(path) if path else None
        if folder and folder not in folders:
            folders.append(folder)
    return tuple(folders or (folder for folder in DEFAULT_FONT_DIRS if os.path.isdir(folder)))


@cache
def _empty_root() -> str:
    # Nothing to read: templates get their data from sys.inputs only.
    return tempfile.mkdtemp(prefix="typst-root-")


def _read_template(name: str) -> str:
    # Found by the template loaders, as the stylesheets are, but not compiled as a
    # Django template: Typst's braces and hashes are not Django's.
    for loader in engines["django"].engine.template_loaders:
        for origin in loader.get_template_sources(name):
            try:
                return loader.get_contents(origin)
            except TemplateDoesNotExist:
                continue
    raise TemplateDoesNotExist(name)


@cache
def template_source(name: str) -> bytes:
    """The house rules (common.typ), then the template `name`: read once per process."""
    return "\n".join(_read_template(part) for part in (COMMON_TEMPLATE, name)).encode()


class TypstFailed(RuntimeError):
    """The compiler refused a template (a bug of ours: data cannot cause it)."""


CHILD = os.path.join(os.path.dirname(os.path.abspath(__file__)), "typst_child.py")
CHILD_TIMEOUT = 120  # seconds: a 500-row table takes well under one


def render_typst_pdf(template: str, data: dict) -> bytes:
    """The PDF of the Typst `template` fed with `data` (JSON: strings, numbers, lists,
    dicts), drawn in a child process (typst_child.py says why)."""
    request = {
        "source": template_source(template).decode(),
        "data": json.dumps(data, ensure_ascii=False),
        "fonts": list(font_folders()),
        "root": _empty_root(),
    }
    result = subprocess.run(
        [sys.executable, "-I", CHILD],
        input=json.dumps(request, ensure_ascii=False).encode(),
        capture_output=True,
        timeout=CHILD_TIMEOUT,
    )
    if result.returncode != 0 or not result.stdout.startswith(b"%PDF-"):
        raise TypstFailed(f"{template}: {result.stderr.decode(errors='replace')[-2000:]}")
    return result.stdout

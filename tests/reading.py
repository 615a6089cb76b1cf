"""Reading documents back in tests: PDFs with poppler's pdftotext/pdffonts and pypdf,
text compacted (PDF extraction breaks lines where the layout did)."""

import re
import subprocess
from io import BytesIO

from pypdf import PdfReader

A4_PORTRAIT_POINTS = (595.28, 841.89)
A4_LANDSCAPE_POINTS = (841.89, 595.28)
PAGE_NUMBER = re.compile(r"—\s*(\d+)\s*—")


def compact(text: str) -> str:
    """Text without any whitespace: PDF extraction breaks lines where the layout did."""
    return "".join(text.split())


def pdf_pages(pdf: bytes) -> list[str]:
    """The text of each page in drawing order (-raw): the lines of a cell stay together,
    cell after cell, row after row."""
    result = subprocess.run(
        ["pdftotext", "-raw", "-enc", "UTF-8", "-", "-"], input=pdf, capture_output=True, check=True
    )
    pages = result.stdout.decode("utf-8").split("\f")
    return pages[:-1] if pages and not pages[-1].strip() else pages


def pdf_text(pdf: bytes) -> str:
    """The whole text, compacted."""
    return compact("".join(pdf_pages(pdf)))


def in_order(text: str, parts: list[str]) -> bool:
    """Every part occurs in `text`, each after the one before."""
    position = 0
    for part in parts:
        found = text.find(part, position)
        if found < 0:
            return False
        position = found + len(part)
    return True


def assert_subset_cjk_fonts(pdf: bytes) -> None:
    result = subprocess.run(["pdffonts", "-"], input=pdf, capture_output=True, check=True)
    fonts = result.stdout.decode().splitlines()[2:]
    cjk = [line for line in fonts if "CJK" in line]
    assert cjk
    for line in cjk:
        name, *_middle, emb, sub, _uni, _object, _generation = line.split()
        assert re.match(r"^[A-Z]{6}\+", name)
        assert (emb, sub) == ("yes", "yes")
    assert len(fonts) == len(cjk), "a font other than Noto CJK was used"


def assert_a4_portrait(pdf: bytes) -> None:
    for page in PdfReader(BytesIO(pdf)).pages:
        box = page.mediabox
        assert (round(float(box.width), 2), round(float(box.height), 2)) == A4_PORTRAIT_POINTS

"""The Content Security Policy allows no inline script or style: every page says so,
and no template carries one (scripts live in static/js, styles in static/css)."""

import re
from pathlib import Path

from django.urls import reverse

TEMPLATES = Path(__file__).resolve().parents[1] / "templates"
# Documents rendered to PDF/Word by WeasyPrint never reach a browser.
NOT_PAGES = ("documents", "email", "bench")

INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>", re.IGNORECASE)
STYLE_ATTRIBUTE = re.compile(r"\sstyle\s*=", re.IGNORECASE)
STYLE_ELEMENT = re.compile(r"<style[\s>]", re.IGNORECASE)
EVENT_HANDLER = re.compile(r"\son[a-z]+\s*=\s*[\"']", re.IGNORECASE)
JAVASCRIPT_URL = re.compile(r"javascript:", re.IGNORECASE)


def _page_templates():
    for path in sorted(TEMPLATES.rglob("*.html")):
        if not set(path.relative_to(TEMPLATES).parts) & set(NOT_PAGES):
            yield path


def test_no_template_has_inline_script_style_or_handler():
    found = []
    for path in _page_templates():
        text = path.read_text(encoding="utf-8")
        for name, pattern in (
            ("inline script", INLINE_SCRIPT),
            ("style attribute", STYLE_ATTRIBUTE),
            ("style element", STYLE_ELEMENT),
            ("event handler", EVENT_HANDLER),
            ("javascript: URL", JAVASCRIPT_URL),
        ):
            if pattern.search(text):
                found.append(f"{path.relative_to(TEMPLATES)}: {name}")
    assert found == []


def test_every_page_carries_the_policy(client, db):
    response = client.get(reverse("accounts:login"))
    policy = response["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";"))
    assert directives["script-src"] == "'self'" and directives["style-src"] == "'self'"
    assert directives["object-src"] == "'none'" and directives["frame-ancestors"] == "'none'"

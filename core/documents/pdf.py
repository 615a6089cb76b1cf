"""The one PDF pipeline: a document's HTML, styled by the shared rules
(templates/documents/common.css: the running title, page numbers, the body font) and
then its own stylesheets, drawn by WeasyPrint.

    render_pdf(html, "reviews/documents/review_sheet.css") -> bytes
    render_pdf_template("…/case_form.html", {"doc": …}, "…/case_form.css") -> bytes

Fonts are the system's Noto CJK, found through fontconfig and embedded as subsets
(WeasyPrint's default), which keeps a 5,000-character form well under 1 MB. WeasyPrint
is imported only when a PDF is made: it is slow to load, and most requests make none.
Tables that grow with the campaign are drawn by Typst instead (core.documents.typst):
WeasyPrint lays out about 150 rows a second.
"""

from functools import cache

from django.template.loader import get_template, render_to_string

from core.documents import official_language

COMMON_STYLESHEET = "documents/common.css"


def stylesheet_source(*names: str) -> str:
    """The shared rules, then the document's own (`names`, in order): read through the
    template loaders (the files live beside the HTML, not under static/)."""
    return "\n".join(get_template(name).template.source for name in (COMMON_STYLESHEET, *names))


def _offline_fetcher():
    from weasyprint.urls import URLFetcher

    # The documents need no resource at all: refusing every protocol guarantees that no
    # text, even one that slipped past escaping, makes the server fetch anything.
    return URLFetcher(allowed_protocols=())


@cache
def _stylesheet(*names: str):
    from weasyprint import CSS

    # Parsed once per process: parsing costs more than some renders.
    return CSS(string=stylesheet_source(*names), url_fetcher=_offline_fetcher())


def render_pdf(html: str, *stylesheet_names: str) -> bytes:
    """The PDF of `html`, styled by documents/common.css and then `stylesheet_names`."""
    from weasyprint import HTML

    document = HTML(string=html, url_fetcher=_offline_fetcher(), base_url=None)
    return document.write_pdf(stylesheets=[_stylesheet(*stylesheet_names)])


def render_pdf_template(template: str, context: dict, *stylesheet_names: str) -> bytes:
    """`template` rendered with `context` in the bureau's language, as a PDF."""
    with official_language():
        html = render_to_string(template, context)
    return render_pdf(html, *stylesheet_names)

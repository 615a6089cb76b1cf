"""The application form as PDF, drawn by WeasyPrint from an HTML template.

Fonts are the system's Noto CJK, found through fontconfig and embedded as subsets
(WeasyPrint's default), which keeps a 5,000-character form well under 1 MB.
"""

from functools import cache

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation
from weasyprint import CSS, HTML
from weasyprint.urls import URLFetcher

from applications.documents.layout import case_for_document, form_document
from applications.documents.styles import stylesheet_source
from applications.models import Case

TEMPLATE = "applications/documents/case_form.html"
STYLESHEET = "applications/documents/case_form.css"


@cache
def _stylesheet() -> CSS:
    # The shared rules and the form's own, parsed once per process: parsing costs more
    # than some renders.
    return CSS(string=stylesheet_source(STYLESHEET), url_fetcher=_offline_fetcher())


def _offline_fetcher() -> URLFetcher:
    # The form needs no resource at all: refusing every protocol guarantees that no
    # text, even one that slipped past escaping, makes the server fetch anything.
    return URLFetcher(allowed_protocols=())


def render_pdf(case: Case) -> bytes:
    case = case_for_document(case)
    # The form is an official Chinese document whatever the reader's interface
    # language: its labels must match the schema's titles, which are Chinese data.
    with translation.override(settings.LANGUAGE_CODE):
        html = render_to_string(TEMPLATE, {"doc": form_document(case)})
    document = HTML(string=html, url_fetcher=_offline_fetcher(), base_url=None)
    return document.write_pdf(stylesheets=[_stylesheet()])

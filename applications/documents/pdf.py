"""The application form as PDF: the FormDocument drawn from an HTML template by the
shared pipeline (core.documents.pdf)."""

from applications.documents.layout import case_for_document, form_document
from applications.models import Case
from core.documents import official_language
from core.documents.pdf import render_pdf_template

TEMPLATE = "applications/documents/case_form.html"
STYLESHEET = "applications/documents/case_form.css"


def render_pdf(case: Case, *, masked: bool = False) -> bytes:
    case = case_for_document(case, masked=masked)
    # The form is an official Chinese document whatever the reader's interface
    # language: its labels must match the schema's titles, which are Chinese data.
    with official_language():
        doc = form_document(case)
    return render_pdf_document(doc)


def render_pdf_document(doc) -> bytes:
    """A FormDocument already built (applications.documents.store) as PDF."""
    with official_language():
        return render_pdf_template(TEMPLATE, {"doc": doc}, STYLESHEET)

"""The application form 申请表 of a case as documents: Word (.docx) and PDF.

    render_case_pdf(case) -> bytes
    render_case_docx(case) -> bytes
    document_filename(case, "pdf") -> "2024年度新媒体平台建设典型案例申请表-<案例名称>.pdf"

Both renderers load the case again with everything the form shows in a constant
number of queries (see layout.case_for_document), then draw the same FormDocument.
"""

from django.utils.translation import gettext as _

from applications.documents.docx import render_docx
from applications.documents.pdf import render_pdf
from applications.models import Case
from core.files import build_filename


def render_case_pdf(case: Case, *, masked: bool = False) -> bytes:
    """masked: the contacts' phones and e-mails partly hidden (see core.privacy)."""
    return render_pdf(case, masked=masked)


def render_case_docx(case: Case, *, masked: bool = False) -> bytes:
    return render_docx(case, masked=masked)


def document_filename(case: Case, extension: str) -> str:
    """A download name like "<form title>-<case title>.pdf", safe on every system
    (core.files)."""
    return build_filename(case.category.form_title, case.title, extension=extension, fallback=_("申请表"))

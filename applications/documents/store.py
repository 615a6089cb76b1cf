"""The application form 申请表 rendered once per content version and kept in the file
store (Django's storage API: the local disk, or a shared object store when the
deployment configures one), so that a download is a file read.

The content version is a digest of the FormDocument (applications.documents.layout):
exactly what the form shows, the case's texts, figures, evidence list, unit and
authority names included. Bump DOCUMENT_TEMPLATE_VERSION whenever the form's look
changes (templates/applications/documents/, applications/documents/pdf.py, docx.py,
layout.py): every form is then rendered again on its next download.

    stored_case_document(case, "pdf") -> an open file of the stored document
    stored_case_documents(cases)      -> (case, {"pdf": name, "docx": name}, rendered) for each,
                                         a batch of cases read at a time (the NRTA package)
    case_documents_store(case=case)   -> both formats stored (a worker does it when a
                                         case is submitted: store_on_submission)
"""

import hashlib

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django_tasks import DEFAULT_TASK_BACKEND_ALIAS, task, task_backends
from django_tasks.backends.immediate import ImmediateBackend

from applications.documents.layout import case_for_document, form_document
from core.documents import official_language

DOCUMENT_TEMPLATE_VERSION = 1
EXTENSIONS = ("pdf", "docx")


def _document(case):
    with official_language():
        return form_document(case_for_document(case))


def content_version(doc) -> str:
    """A digest of everything the form shows (the FormDocument's repr: frozen
    dataclasses of strings and numbers, in a fixed order)."""
    return hashlib.sha256(repr(doc).encode()).hexdigest()[:24]


def stored_name(case, doc, extension: str) -> str:
    return f"documents/cases/{case.pk}/form-{content_version(doc)}-t{DOCUMENT_TEMPLATE_VERSION}.{extension}"


def _render(doc, extension: str) -> bytes:
    if extension == "pdf":
        from applications.documents.pdf import render_pdf_document

        return render_pdf_document(doc)
    from applications.documents.docx import render_docx_document

    return render_docx_document(doc)


def _store_missing(case, doc, extension: str) -> tuple[str, bool]:
    """The name of the stored document of this content, and whether it had to be
    rendered now (it was missing)."""
    name = stored_name(case, doc, extension)
    if default_storage.exists(name):
        return name, False
    saved = default_storage.save(name, ContentFile(_render(doc, extension)))
    if saved != name:  # another request stored the same content meanwhile: keep one
        default_storage.delete(saved)
    return name, True


def _stored(case, doc, extension: str) -> str:
    """The name of the stored document of this content, rendering it if missing."""
    return _store_missing(case, doc, extension)[0]


def stored_case_document(case, extension: str):
    """The form of `case` as it is now, as an open binary file of the store."""
    return default_storage.open(_stored(case, _document(case), extension), "rb")


def stored_case_documents(cases, *, batch: int = 50):
    """(case, {extension: stored name}, rendered now?) for each of `cases` in order, both formats of
    each form as it is now, rendered only where missing; the cases' content is read
    a batch at a time (three queries per batch), each form's digest taken once."""
    from applications.documents.layout import cases_for_documents

    cases = list(cases)
    for start in range(0, len(cases), batch):
        chunk = cases[start : start + batch]
        loaded = cases_for_documents([case.pk for case in chunk])
        for case in chunk:
            with official_language():
                doc = form_document(loaded[case.pk])
            stored = {extension: _store_missing(case, doc, extension) for extension in EXTENSIONS}
            yield (
                case,
                {extension: name for extension, (name, _rendered) in stored.items()},
                any(rendered for _name, rendered in stored.values()),
            )


def case_documents_store(*, case) -> None:
    """Render and store both formats of the form as the case is now, if not stored."""
    doc = _document(case)
    for extension in EXTENSIONS:
        _stored(case, doc, extension)


# --- stored when the case is submitted -------------------------------------------------

# The transitions after which the form is what the authority will read (and print).
STORED_AFTER = frozenset({"submit", "resubmit"})


@task()
def store_case_documents(*, case_id: int) -> None:
    from applications.models import Case

    case = Case.objects.filter(pk=case_id).first()
    if case is not None:
        case_documents_store(case=case)


def store_on_submission(sender, instance, name, **kwargs) -> None:
    """django-fsm's post_transition: once a submission commits, a worker renders and
    stores both formats. Without a worker (the immediate backend of a developer's
    machine and the tests) the submit would wait a second for documents nobody has
    asked for yet: the first download stores them instead."""
    if name not in STORED_AFTER or isinstance(task_backends[DEFAULT_TASK_BACKEND_ALIAS], ImmediateBackend):
        return
    case_id = instance.pk
    transaction.on_commit(lambda: store_case_documents.enqueue(case_id=case_id))

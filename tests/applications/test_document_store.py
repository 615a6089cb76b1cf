"""The 申请表 is rendered once per content version and kept in the file store: a
download reads the stored file, a change of content or of the template version gives
a new one, and a submission stores both formats through the worker."""

import pytest
from django.core.files.storage import default_storage
from django.test import override_settings
from django.urls import reverse

from applications.documents import store
from applications.services import case_save_content
from workflow.services import apply_transition

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def _stored(case) -> list[str]:
    folder = f"documents/cases/{case.pk}"
    return sorted(default_storage.listdir(folder)[1]) if default_storage.exists(folder) else []


def _download(client, case, extension="pdf") -> bytes:
    response = client.get(reverse(f"case_{extension}", args=[case.pk]))
    assert response.status_code == 200
    return response.content


@pytest.fixture
def reader(client, cast):
    client.force_login(cast.applicant_a)
    return client


def test_a_download_stores_the_form_once_and_then_reads_it(reader, case_at):
    case = case_at("draft")
    first = _download(reader, case)
    assert first.startswith(b"%PDF-")
    names = _stored(case)
    assert len(names) == 1 and names[0].endswith(f"-t{store.DOCUMENT_TEMPLATE_VERSION}.pdf")
    # The stored file is what the next download sends, byte for byte (no new render:
    # WeasyPrint's output carries a creation time, so a new render would differ).
    with default_storage.open(f"documents/cases/{case.pk}/{names[0]}", "rb") as kept:
        kept_bytes = kept.read()
    assert kept_bytes == first
    assert _download(reader, case) == first
    assert _stored(case) == names


def test_a_change_of_content_or_template_gives_a_new_document(reader, cast, case_at, monkeypatch):
    case = case_at("draft")
    _download(reader, case)
    before = _stored(case)
    case_save_content(
        case=case,
        actor=cast.applicant_a,
        expected_version=case.version,
        title=case.title,
        header=case.header,
        sections={**case.sections, next(iter(case.sections)): "改写后的案例背景。"},
        figures=case.figures,
    )
    _download(reader, case)
    after_edit = _stored(case)
    assert len(after_edit) == 2 and set(before) < set(after_edit)

    monkeypatch.setattr(store, "DOCUMENT_TEMPLATE_VERSION", store.DOCUMENT_TEMPLATE_VERSION + 1)
    _download(reader, case)
    assert len(_stored(case)) == 3


@override_settings(TASKS=DATABASE_TASKS)
def test_a_submission_queues_the_forms_and_the_worker_stores_both(cast, case_at, django_capture_on_commit_callbacks):
    from django_tasks_db.models import DBTaskResult

    case = case_at("draft")
    with django_capture_on_commit_callbacks(execute=True):
        apply_transition(subject=case, action="submit", actor=cast.applicant_a)
    queued = DBTaskResult.objects.get(task_path="applications.documents.store.store_case_documents")
    assert queued.args_kwargs["kwargs"] == {"case_id": case.pk}
    assert _stored(case) == []
    store.store_case_documents.call(case_id=case.pk)  # what the worker runs
    assert [name.rsplit(".", 1)[1] for name in _stored(case)] == ["docx", "pdf"]

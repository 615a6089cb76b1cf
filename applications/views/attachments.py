"""Evidence files and links of a case, and the downloads of files and documents.
Downloads go through here, never through a public media URL: whoever may read the
case may download its files, nobody else (404)."""

from pathlib import Path

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts import roles
from applications.documents import document_filename, render_case_docx, render_case_pdf
from applications.documents.store import stored_case_document
from applications.enums import AttachmentKind
from applications.forms import AttachmentForm, EvidenceLinkForm
from applications.selectors import cases_visible_to
from applications.services import attachment_add, attachment_remove, link_add, link_remove
from applications.views.editor import _editable_case
from core.feedback import report_at, report_errors
from core.http import download_response


def _back_to_attachments(case):
    return redirect(reverse("case_edit", args=[case.pk]) + "#attachments")


@login_required
@require_POST
def attachment_upload(request, pk: int):
    case = _editable_case(request, pk)
    form = AttachmentForm(request.POST, request.FILES)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                report_at(request, messages.ERROR, error, place="attachments")
        return _back_to_attachments(case)
    try:
        attachment = attachment_add(
            case=case,
            actor=request.user,
            uploaded=form.cleaned_data["file"],
            kind=form.cleaned_data["kind"],
            description=form.cleaned_data["description"],
        )
    except (ValidationError, PermissionDenied) as error:
        report_errors(request, error, place="attachments")
    else:
        report_at(
            request,
            messages.SUCCESS,
            _("已上传「%(name)s」。") % {"name": attachment.offered_name},
            place="attachments",
        )
    return _back_to_attachments(case)


@login_required
@require_POST
def attachment_delete(request, pk: int, attachment_id: int):
    case = _editable_case(request, pk)
    attachment = get_object_or_404(case.attachments, pk=attachment_id)
    attachment_remove(attachment=attachment, actor=request.user)
    messages.success(request, _("已删除「%(name)s」。") % {"name": attachment.original_name})
    return _back_to_attachments(case)


def _blind_for(user, case) -> bool:
    """An expert reading the case in an anonymous round."""
    return bool(user.is_expert and case.assignments.filter(expert=user, stage__blind=True).exists())


@login_required
def attachment_download(request, pk: int, attachment_id: int):
    case = get_object_or_404(cases_visible_to(user=request.user), pk=pk)
    attachment = get_object_or_404(case.attachments, pk=attachment_id)
    filename = attachment.offered_name
    if _blind_for(request.user, case):
        # No stamps and no file names that could name the unit in a blind review.
        if attachment.kind == AttachmentKind.STAMPED_SCAN:
            raise Http404
        filename = f"{_('佐证材料')}-{attachment.pk}{Path(attachment.file.name).suffix}"
    return download_response(attachment.file.open("rb"), filename=filename, content_type=attachment.content_type)


@login_required
@require_POST
def link_create(request, pk: int):
    case = _editable_case(request, pk)
    form = EvidenceLinkForm(request.POST)
    if form.is_valid():
        try:
            link_add(case=case, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            report_errors(request, error, place="links")
        else:
            report_at(request, messages.SUCCESS, _("已添加网盘链接。"), place="links")
    else:
        for name, errors in form.errors.items():
            label = form.fields[name].label if name in form.fields else ""
            for error in errors:
                report_at(request, messages.ERROR, f"{label}：{error}" if label else error, place="links")
    return _back_to_attachments(case)


@login_required
@require_POST
def link_delete(request, pk: int, link_id: int):
    case = _editable_case(request, pk)
    link_remove(link=get_object_or_404(case.links, pk=link_id), actor=request.user)
    messages.success(request, _("已删除网盘链接。"))
    return _back_to_attachments(case)


@login_required
def case_document(request, pk: int, extension: str):
    """The application form 申请表 as Word or PDF, for whoever may read the case."""
    case = get_object_or_404(cases_visible_to(user=request.user), pk=pk)
    if _blind_for(request.user, case):
        raise Http404  # the form names the unit and its people
    filename = document_filename(case, extension)
    if not roles.sees_contact_details(request.user, case):
        # Contacts masked for this reader: rendered for them, never the stored copy.
        render = {"pdf": render_case_pdf, "docx": render_case_docx}[extension]
        return download_response(render(case, masked=True), filename=filename)
    # Rendered once per content version and kept in the file store: a download reads it
    # (a form is a few hundred kilobytes: read whole and closed at once, not left open
    # for the server to close after streaming).
    with stored_case_document(case, extension) as stored:
        return download_response(stored.read(), filename=filename)

"""The applicant's editor: create a draft, write it section by section, save by hand or
automatically. Nothing typed is lost: a stale save is refused and the text kept, and
the browser keeps a copy until the server has it (static/js/case-editor.js)."""

import re

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from applications.content import case_problems
from applications.forms import HEADER, SECTION, AttachmentForm, CaseContentForm, EvidenceLinkForm
from applications.models import Case
from applications.selectors import (
    CASE_RELATIONS,
    case_for_saving,
    cases_visible_to,
    contact_defaults,
    form_schema,
    open_campaigns,
    return_feedback,
)
from applications.services import StaleEdit, case_create, case_delete, case_save_content, case_title
from core.feedback import report_errors
from core.params import MAX_ID
from core.text import counted_length, normalise_line
from workflow.exceptions import TransitionRefused
from workflow.permissions import permissions_held


def _editable_case(request, pk: int):
    """The case if this user may edit it now; 404 when they may not even see it.

    One query: the case with what its pages print beside it, and the user's two rights
    on it as guardian's tables hold them (permissions_held: the user's rows and its
    groups', the same answer as cases_visible_to and has_perm, which cost three queries
    and the ORM's compilation of two EXISTS: a tenth of the editor page's CPU)."""
    if not 0 < pk <= MAX_ID:
        raise Http404  # no row has it (and the database could not take it as a parameter)
    rights = permissions_held(user=request.user, model=Case, codenames=("view_case", "change_case"))
    case = Case.objects.select_related("schema", *CASE_RELATIONS).annotate(held_rights=rights).filter(pk=pk).first()
    if case is None or not case.held_rights & 1:
        raise Http404
    organisation = request.user.organisation
    if not (organisation and organisation.can_file and case.held_rights & 2):
        raise PermissionDenied(_("该案例当前不可编辑。"))
    return case


# What the editor's script says, translated here so the script holds no Chinese of its own.
EDITOR_MESSAGES = {
    "saving": gettext_lazy("正在保存…"),
    "saved": gettext_lazy("已自动保存"),
    "unsaved": gettext_lazy("有未保存的修改"),
    "offline": gettext_lazy(
        "未能保存（网络中断或登录已过期）。内容已暂存在本浏览器，恢复后将自动保存；也可在新标签页重新登录。"
    ),
    "stale": gettext_lazy("此案例已在其他窗口或由其他人保存过，自动保存已暂停以免覆盖。请复制您的修改后刷新页面。"),
    "over": gettext_lazy("已超出上限"),
    "leave": gettext_lazy("有内容尚未保存，确定离开吗？"),
}


@login_required
def case_new(request):
    """Choose the campaign's category and start a draft. A refused name is stated beside
    the field and at the top of the page, the typed name kept (as it would be stored)."""
    organisation = request.user.organisation
    if not (organisation and organisation.can_file and request.user.is_applicant):
        raise Http404
    campaigns = list(open_campaigns(unit=organisation))
    errors = {"title": [], "category": []}
    typed_title = request.POST.get("title", "")
    if request.method == "POST":
        category = next(
            (
                c
                for campaign in campaigns
                for c in campaign.categories.all()
                if str(c.pk) == request.POST.get("category")
            ),
            None,
        )
        try:
            # The service states every rule of the name (empty, over 100 characters,
            # NUL, the same name already in this unit and campaign) with its message.
            title = case_title(typed_title)
            typed_title = title
            if category is None:
                errors["category"].append(_("请选择征集类别。"))
                messages.error(request, errors["category"][0])
            else:
                case = case_create(
                    campaign=category.campaign,
                    category=category,
                    actor=request.user,
                    title=title,
                    header=contact_defaults(unit=organisation, user=request.user),
                )
                messages.success(request, _("已创建案例草稿，请按申请表逐项填写。"))
                return redirect("case_edit", pk=case.pk)
        except ValidationError as invalid:
            errors["title"] += invalid.messages
            report_errors(request, invalid)
        except TransitionRefused as refused:
            report_errors(request, refused)
        typed_title = _shown_title(typed_title)
    return render(
        request,
        "applications/case_new.html",
        {"campaigns": campaigns, "posted": request.POST, "typed_title": typed_title, "errors": errors},
        status=200,
    )


def _shown_title(value: str) -> str:
    """The name as it would be stored, to show back; as typed, minus what can never be
    stored, when it cannot be normalised."""
    try:
        return normalise_line(value)
    except ValidationError:
        return normalise_line(re.sub("[\x00\ud800-\udfff]", "", value))


def _editor_context(case, form, *, stale=False):
    """The form laid out row by row, each row with what is still missing there and,
    on a returned case, the reviewer's comment on that section."""
    record, section_comments = return_feedback(case=case)
    definition = case.schema.definition
    problems = case_problems(case)
    missing: dict[str, list[str]] = {}
    for problem in problems:
        missing.setdefault(problem.where, []).append(problem.message)
    return {
        "case": case,
        "form": form,
        "problems": problems,
        "title_problems": missing.get("title", []),
        "total_problems": missing.get("", []),
        "scan_problems": missing.get("stamped_scan", []),
        "header_rows": [
            (form[HEADER + s["key"]], missing.get(s["key"], []), s["type"] == "textarea")
            for s in definition["header_fields"]
        ],
        "section_rows": [
            (s, form[SECTION + s["key"]], section_comments.get(s["key"], ""), missing.get(s["key"], []))
            for s in definition["sections"]
        ],
        "figure_rows": [
            (spec, fields, na, rule, missing.get(spec["key"], [])) for spec, fields, na, rule in form.figure_rows()
        ],
        "return_record": record,
        "narrative_limit": definition["narrative_limit"],
        "attachments": case.attachments.select_related("uploaded_by"),
        "links": case.links.all(),
        "attachment_form": AttachmentForm(),
        "link_form": EvidenceLinkForm(),
        "stale": stale,
        "editor_messages": EDITOR_MESSAGES,
    }


@login_required
def case_edit(request, pk: int):
    case = _editable_case(request, pk)
    definition = case.schema.definition
    if request.method != "POST":
        form = CaseContentForm(initial=CaseContentForm.initial_for(case), definition=definition)
        return render(request, "applications/case_edit.html", _editor_context(case, form))

    form = CaseContentForm(request.POST, definition=definition)
    if not form.is_valid():
        messages.error(request, _("有内容未能保存，请按提示修改。"))
        return render(request, "applications/case_edit.html", _editor_context(case, form), status=400)
    try:
        case_save_content(
            case=case, actor=request.user, expected_version=form.cleaned_data["version"], **form.content()
        )
    except ValidationError as invalid:
        # The name is already used in this unit and campaign: nothing saved, text kept.
        form.add_error("title" if getattr(invalid, "code", None) == "duplicate_title" else None, invalid)
        messages.error(request, _("有内容未能保存，请按提示修改。"))
        return render(request, "applications/case_edit.html", _editor_context(case, form), status=400)
    except StaleEdit:
        # Keep what this user typed on the page; tell them someone saved in between.
        messages.error(
            request,
            _(
                "此案例已在其他窗口或由其他人保存过，您的修改尚未保存。请核对下方内容（仍为您刚才填写的），复制需要的部分后刷新页面。"
            ),
        )
        return render(request, "applications/case_edit.html", _editor_context(case, form, stale=True), status=409)
    messages.success(request, _("已保存。"))
    return redirect("case_edit", pk=case.pk)


def _autosave_refusal(request, pk: int) -> JsonResponse | None:
    """Asked before any refusal of an autosave (its read asks no rights): Http404 when
    the user may not see the case (nothing of it is told: not its form's labels, not its
    version), the 403 answer when they may not edit it now, None when they may."""
    case = case_for_saving(user=request.user, pk=pk)
    if case is None or not case.may_view:
        raise Http404
    organisation = request.user.organisation
    if not (organisation and organisation.can_file and case.may_change):
        return JsonResponse({"error": "forbidden", "message": _("该案例当前不可编辑。")}, status=403)
    return None


@login_required
@require_POST
def case_autosave(request, pk: int):
    """The editor's background save. Answers JSON: the new version and what is still
    missing, or 409 with the current version when the page is stale.

    One statement: the write, which itself asks everything (case_save_content: the
    UPDATE writes only a case the user may edit, in a state that may be edited, at the
    version and on the form version the page was built on, and returns what the answer
    needs). The page names its form version (the `schema` field), which each process
    reads once (form_schema); a page without it has its case read first. The rights are
    asked on their own only before a refusal (`_autosave_refusal`): whoever may not see
    the case gets 404 whatever they sent, as before; a save that succeeds was allowed by
    the write (the right to edit is granted only with the right to see,
    applications.lifecycle.grants)."""
    if not 0 < pk <= MAX_ID:
        raise Http404  # no case has it (and the database could not take it as a parameter)
    case, schema = None, form_schema(request.POST.get("schema"))
    if schema is None:
        case = case_for_saving(user=request.user, pk=pk, rights=False)
        if case is None:
            raise Http404
        schema = case.schema
    organisation = request.user.organisation
    if not (organisation and organisation.can_file):
        return _autosave_refusal(request, pk)
    form = CaseContentForm.for_saving(request.POST, definition=schema.definition)
    if not form.is_valid():
        errors = [f"{form[name].label}：{' '.join(errs)}" for name, errs in form.errors.items() if name in form.fields]
        return _autosave_refusal(request, pk) or JsonResponse(
            {"error": "invalid", "message": "；".join(errors) or _("内容有误。")}, status=400
        )
    try:
        case = case_save_content(
            case=case,
            pk=pk,
            schema=schema,
            actor=request.user,
            expected_version=form.cleaned_data["version"],
            **form.content(),
        )
    except ValidationError as invalid:
        label = form["title"].label
        return _autosave_refusal(request, pk) or JsonResponse(
            {"error": "invalid", "message": "；".join(f"{label}：{message}" for message in invalid.messages)},
            status=400,
        )
    except PermissionDenied as denied:
        # No right to edit, or not in a state that may be edited (the case was submitted
        # from another tab): 404 for whoever may not even see it.
        return _autosave_refusal(request, pk) or JsonResponse(
            {"error": "forbidden", "message": str(denied)}, status=403
        )
    except StaleEdit as stale:
        return _autosave_refusal(request, pk) or JsonResponse(
            {
                "error": "stale",
                "version": stale.current_version,
                "message": _(
                    "此案例已在其他窗口或由其他人保存过。为免覆盖，自动保存已暂停；您的内容仍在本页和本浏览器中。"
                ),
            },
            status=409,
        )
    return JsonResponse(
        {
            "version": case.version,
            # date_format(…, "H:i:s") says the same, through the localisation's lookups.
            "saved_at": timezone.localtime(case.updated_at).strftime("%H:%M:%S"),
            "total": sum(counted_length(text) for text in case.sections.values()),
            "problems": [problem.message for problem in case_problems(case)],
        }
    )


@login_required
@require_POST
def case_delete_view(request, pk: int):
    """删除草稿 (asked first: the form carries its consequence, core/confirm.py)."""
    case = get_object_or_404(cases_visible_to(user=request.user), pk=pk)
    title = case.title
    try:
        case_delete(case=case, actor=request.user)
    except (TransitionRefused, PermissionDenied) as refused:
        report_errors(request, refused)
        return redirect("case_detail", pk=case.pk)
    messages.success(request, _("已删除草稿「%(title)s」。") % {"title": title})
    return redirect("dashboard")

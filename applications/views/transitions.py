from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from applications.selectors import cases_visible_to
from core.feedback import report_errors
from core.params import safe_next
from workflow.exceptions import TransitionRefused
from workflow.services import apply_transition


@login_required
@require_POST
def case_transition(request, pk: int, action: str):
    """Take one action on a case. The service decides; this view only reports."""
    case = get_object_or_404(cases_visible_to(user=request.user), pk=pk)
    try:
        section_comments = {
            key.removeprefix("section_comment__"): value
            for key, value in request.POST.items()
            if key.startswith("section_comment__")
        }
        record = apply_transition(
            subject=case,
            action=action,
            actor=request.user,
            comment=request.POST.get("comment", ""),
            section_comments=section_comments,
        )
    except TransitionRefused as refused:
        report_errors(request, refused)
    else:
        messages.success(
            request,
            _("已完成「%(action)s」，案例状态变为「%(state)s」。")
            % {"action": record.action_label, "state": record.to_state_label},
        )
    # Only a path of this site, and never resolved as a URL name: the transition has
    # committed, so nothing here may fail.
    next_url = safe_next(request, request.POST.get("next"))
    if next_url:
        return HttpResponseRedirect(next_url)
    return redirect("case_detail", pk=case.pk)

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.enums import Role
from applications.content import case_problems
from applications.diff import resubmission_changes
from applications.selectors import with_stamped_scan_flag
from workflow.enums import EDITABLE_STATES, CaseState
from workflow.selectors import actions_for, cases_visible_to, state_counts

DASHBOARD_TITLES = {
    Role.APPLICANT: _("本单位申报案例"),
    Role.AUTHORITY_REVIEWER: _("本地区申报案例"),
    Role.PROVINCE_ADMIN: _("全省申报案例"),
    Role.EXPERT: _("我的评审任务"),
}
PAGE_SIZE = 50


@login_required
def dashboard(request):
    """Each role's landing page: exactly the cases this user may read."""
    visible = cases_visible_to(user=request.user)
    counts = state_counts(visible)
    state = request.GET.get("state", "")
    listed = visible.filter(state=state) if state in CaseState.values else visible
    if request.user.is_applicant:
        # The unit's own few cases, each with what it still lacks before submission.
        listed = with_stamped_scan_flag(listed.select_related("schema"))
    else:
        # Others see no narrative here: leave the case texts (up to 5,000 characters each) in the database.
        listed = listed.defer("header", "sections", "figures")
    page = Paginator(listed.order_by("-updated_at", "-id"), PAGE_SIZE).get_page(request.GET.get("page"))
    if request.user.is_applicant:
        for case in page.object_list:
            case.missing = [p.message for p in case_problems(case)] if case.state in EDITABLE_STATES else []
    return render(
        request,
        "applications/dashboard.html",
        {
            "title": DASHBOARD_TITLES.get(request.user.role, _("申报案例")),
            "page": page,
            "state_filter": state if state in CaseState.values else "",
            "state_counts": [(CaseState(value), n) for value, n in counts.items() if n],
            "total": sum(counts.values()),
            "now": timezone.now(),
            "can_create": request.user.is_applicant and request.user.organisation.can_file,
        },
    )


@login_required
def case_detail(request, pk: int):
    """The case as its reader sees it, its history and the actions open to this user.
    A case the user may not read answers 404, like one that does not exist."""
    case = get_object_or_404(cases_visible_to(user=request.user).select_related("schema", "created_by"), pk=pk)
    definition = case.schema.definition
    history = list(case.transitions.select_related("actor", "organisation").prefetch_related("section_comments"))
    titles = {s["key"]: f"{n}. {s['title']}" for n, s in enumerate(definition["sections"], start=1)}
    for record in history:
        for comment in record.section_comments.all():
            comment.section_title = titles.get(comment.section_key, comment.section_key)
    return render(
        request,
        "applications/case_detail.html",
        {
            "case": case,
            "header_rows": [(f["label"], (case.header or {}).get(f["key"], "")) for f in definition["header_fields"]],
            "sections": [
                (number, s["title"], (case.sections or {}).get(s["key"], ""))
                for number, s in enumerate(definition["sections"], start=1)
            ],
            "figures": [(f, (case.figures or {}).get(f["key"])) for f in definition["figures"]],
            "history": history,
            "actions": actions_for(case=case, user=request.user),
            "attachments": case.attachments.all(),
            "changes": resubmission_changes(case) if case.state == CaseState.SUBMITTED else None,
            "section_rows": [(s["key"], f"{n}. {s['title']}") for n, s in enumerate(definition["sections"], start=1)],
            "links": case.links.all(),
            "can_edit": bool(
                request.user.organisation
                and request.user.organisation.can_file
                and request.user.has_perm("applications.change_case", case)
            ),
        },
    )

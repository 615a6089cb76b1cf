from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts import roles
from applications.content import case_problems
from applications.diff import resubmission_changes
from applications.enums import EDITABLE_STATES, AttachmentKind, CaseState
from applications.figures import figure_display
from applications.models import Case, FormSchema
from applications.outcome import OUTCOME_STATES, published_campaign_ids, shown_state, state_shown_to
from applications.selectors import cases_visible_to, with_stamped_scan_flag
from core.paging import page_of
from workflow.permissions import object_permissions
from workflow.selectors import state_counts
from workflow.services import available_actions


def _dashboard_title(user) -> str:
    if roles.is_applicant(user):
        return _("本单位申报案例")
    if roles.is_authority_reviewer(user):
        return _("本地区申报案例")
    if roles.is_province_admin(user):
        return _("全省申报案例")
    if roles.is_expert(user):
        return _("我的评审任务")
    return _("申报案例")


PAGE_SIZE = 50


@login_required
def dashboard(request):
    """Each role's landing page: exactly the cases this user may read."""
    if request.user.is_expert:
        return redirect("reviews:expert_queue")
    visible = cases_visible_to(user=request.user)
    state = request.GET.get("state", "")
    state = state if state in CaseState.values else ""
    if request.user.is_applicant:
        return _applicant_dashboard(request, visible, state)
    counts = state_counts(visible)
    listed = visible.filter(state=state) if state else visible
    # No narrative in a list: leave the case texts (up to 5,000 characters each) in the database.
    listed = listed.defer("header", "sections", "figures").order_by("-updated_at", "-id")
    # The counts per state already say how many the list holds: no COUNT query.
    page = page_of(request, listed, size=PAGE_SIZE, count=counts[state] if state else sum(counts.values()))
    for case in page.object_list:
        case.shown_state = CaseState(case.state)
    return render(request, "applications/dashboard.html", _dashboard_context(request, page, counts, state))


def _applicant_dashboard(request, visible, state):
    """The unit's own cases across campaigns, each with what it still lacks and, until
    the province publishes, no outcome: a decided case reads as in expert review."""
    published = published_campaign_ids()

    def shown(case_state, campaign_id):
        return shown_state(case_state, campaign_id=campaign_id, for_applicant=True, published=published)

    rows = list(visible.values_list("pk", "state", "campaign_id"))
    counts = dict.fromkeys(CaseState.values, 0)
    for _pk, case_state, campaign_id in rows:
        counts[shown(case_state, campaign_id)] += 1
    listed = visible.filter(pk__in=[pk for pk, s, c in rows if shown(s, c) == state]) if state else visible
    listed = with_stamped_scan_flag(listed.defer("header", "sections", "figures")).order_by("-updated_at", "-id")
    page = page_of(request, listed, size=PAGE_SIZE, count=counts[state] if state else len(rows))
    # Only the drafts on the page say what they lack: their texts and form versions are
    # read (one query, each form version decoded once), not every case's.
    editable = [case for case in page.object_list if case.state in EDITABLE_STATES]
    contents = Case.objects.filter(pk__in=[case.pk for case in editable]).values_list(
        "pk", "header", "sections", "figures"
    )
    contents = {pk: content for pk, *content in contents}
    schemas = FormSchema.objects.in_bulk({case.schema_id for case in editable})
    for case in page.object_list:
        case.shown_state = shown(case.state, case.campaign_id)
        case.missing = []
        if case in editable:
            case.header, case.sections, case.figures = contents[case.pk]
            case.schema = schemas[case.schema_id]
            case.missing = [p.message for p in case_problems(case)]
    return render(request, "applications/dashboard.html", _dashboard_context(request, page, counts, state))


def _dashboard_context(request, page, counts, state) -> dict:
    return {
        "title": _dashboard_title(request.user),
        "page": page,
        "state_filter": state,
        "state_counts": [(CaseState(value), n) for value, n in counts.items() if n],
        "total": sum(counts.values()),
        "now": timezone.now(),
        "can_create": request.user.is_applicant and request.user.organisation.can_file,
    }


# Header fields that name people: hidden, with the unit and its stamps, in a blind review.
PEOPLE_FIELDS = ("contact_name", "contact_position", "contact_phone", "contact_email")


def reading_context(case, *, blind: bool = False) -> dict:
    """The case's content as a reader sees it. Blind (an expert in an anonymous
    round): no applicant unit, no authority, no people, no stamped scan, and the
    evidence under neutral names."""
    definition = case.schema.definition
    header_fields = [f for f in definition["header_fields"] if not (blind and f["key"] in PEOPLE_FIELDS)]
    attachments = list(case.attachments.all())
    if blind:
        attachments = [a for a in attachments if a.kind != AttachmentKind.STAMPED_SCAN]
        for number, attachment in enumerate(attachments, start=1):
            attachment.shown_name = _("佐证材料%(n)d") % {"n": number}
    else:
        for attachment in attachments:
            attachment.shown_name = attachment.original_name
    return {
        "case": case,
        "blind": blind,
        "header_rows": [(f["label"], (case.header or {}).get(f["key"], "")) for f in header_fields],
        "sections": [
            (number, s["title"], (case.sections or {}).get(s["key"], ""))
            for number, s in enumerate(definition["sections"], start=1)
        ],
        # Printed as numbers with thousands separators: 「120 → 1,286.50」, 「不适用」.
        "figures": [(f, figure_display(f, (case.figures or {}).get(f["key"]))) for f in definition["figures"]],
        "attachments": attachments,
        "links": case.links.all(),
    }


@login_required
def case_detail(request, pk: int):
    """The case as its reader sees it, its history and the actions open to this user.
    A case the user may not read answers 404, like one that does not exist. Experts
    read cases on their scoring page, which knows whether the round is blind."""
    case = get_object_or_404(cases_visible_to(user=request.user).select_related("schema", "created_by"), pk=pk)
    if request.user.is_expert:
        assignment = case.assignments.filter(expert=request.user).order_by("-stage__order").first()
        if assignment is None:
            raise Http404
        return redirect("reviews:score", pk=assignment.pk)
    definition = case.schema.definition
    history = list(case.transitions.select_related("actor", "organisation").prefetch_related("section_comments"))
    titles = {s["key"]: f"{n}. {s['title']}" for n, s in enumerate(definition["sections"], start=1)}
    for record in history:
        for comment in record.section_comments.all():
            comment.section_title = titles.get(comment.section_key, comment.section_key)
    context = reading_context(case)
    # What this user holds on the case, read once: the buttons and the edit link.
    perms = object_permissions(user=request.user, subject=case)
    shown_state = state_shown_to(request.user, case)
    if shown_state != case.state:
        # The outcome is not published yet: the applicant sees no step that reveals it.
        history = [record for record in history if record.to_state not in OUTCOME_STATES]
    context.update(
        {
            "shown_state": shown_state,
            "history": history,
            "actions": available_actions(subject=case, user=request.user, perms=perms),
            "changes": resubmission_changes(case) if case.state == CaseState.SUBMITTED else None,
            "section_rows": [(s["key"], f"{n}. {s['title']}") for n, s in enumerate(definition["sections"], start=1)],
            "can_edit": bool(
                request.user.organisation and request.user.organisation.can_file and "change_case" in perms
            ),
        }
    )
    return render(request, "applications/case_detail.html", context)

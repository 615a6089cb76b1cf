from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts import roles
from applications.diff import resubmission_changes
from applications.enums import EDITABLE_STATES, SEEN_BY_AUTHORITY_STATES, AttachmentKind, CaseState
from applications.figures import figure_display
from applications.missing import missing_refresh
from applications.models import Case
from applications.outcome import OUTCOME_STATES, published_campaign_ids, shown_state, state_shown_to
from applications.selectors import (
    cases_matching,
    cases_visible_to,
    cases_visible_with_state_counts,
    running_extensions_of,
    with_stamped_scan_flag,
)
from core.documents.excel import Column
from core.jobs import ListTable, export_list, list_export
from core.links import link_for_each
from core.listing import ListParams
from core.privacy import masked_header
from core.worker_status import worker_status
from workflow.permissions import object_permissions
from workflow.selectors import state_counts, visible_counts_within
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
# ?sort=: the label and the order of each way the dashboard can be sorted.
DASHBOARD_SORTS = {
    "updated": (_("最近更新"), ("-updated_at", "-id")),
    "title": (_("案例名称"), ("title", "id")),
    "number": (_("编号"), ("id",)),
    "year": (_("年度"), ("-campaign__year", "-updated_at", "-id")),
}


@login_required
def dashboard(request):
    """Each role's landing page: exactly the cases this user may read, searched by name,
    unit or number and filtered by state in the URL."""
    if request.user.is_expert:
        return redirect("reviews:expert_queue")
    # The three administrators (三权分立) see no case: each lands on their own duty.
    if landing := roles.operations_landing(request.user):
        return redirect(landing)
    params, listed, counts, state, shown, term = _dashboard_cases(request)
    # The counts per state already say how many the list holds: no COUNT query.
    page = params.page_of(listed, per_page=PAGE_SIZE, count=counts[state] if state else sum(counts.values()))
    if request.user.is_applicant:
        # What each draft on the page lacks: stored, and computed again only when the
        # draft, its form, its scan or the language changed since (applications.missing).
        missing_refresh(cases=page.object_list)
    extensions = running_extensions_of(unit=request.user.organisation) if request.user.is_applicant else []
    link = link_for_each("case_detail")
    for case in page.object_list:
        case.url = link(case.pk)
        case.shown_state = shown(case.state, case.campaign_id)
        # Formatted here, not by the date filter per row.
        case.updated_text = timezone.localtime(case.updated_at).strftime("%Y-%m-%d %H:%M")
        if request.user.is_applicant:
            case.editable = case.state in EDITABLE_STATES
            case.extension = next(
                (
                    e
                    for e in extensions
                    if e.case_id == case.pk or (e.case_id is None and e.campaign_id == case.campaign_id)
                ),
                None,
            )
    context = _dashboard_context(request, page, counts, state)
    if request.user.is_applicant:
        _deadlines_on(page.object_list, now=context["now"])
    context["extensions"] = extensions
    querystring = params.querystring(page=None)
    context.update({"search": term, "querystring": querystring})
    context["querystring_without_page"] = f"{querystring}&" if querystring else ""
    return render(request, "applications/dashboard.html", context)


def _deadlines_on(cases, *, now) -> None:
    """Each editable case's deadline line (`case.deadline`), rendered once per campaign
    and extension rather than once per row: the drafts of one campaign share it."""
    rendered = {}
    for case in cases:
        if case.state not in EDITABLE_STATES:
            continue
        key = (case.campaign_id, case.extension.pk if case.extension else None)
        if key not in rendered:
            rendered[key] = render_to_string(
                "applications/includes/deadline.html", {"case": case, "campaign": case.campaign, "now": now}
            )
        case.deadline = rendered[key]


# What a row of the list shows (and its export writes), and nothing else: no narrative
# (up to 5,000 characters each), no column of the related rows the page does not print
# (each costs a conversion per row; 50 rows of five models).
LIST_COLUMNS = (
    "state",
    "title",
    "updated_at",
    "campaign__year",
    "campaign__state",
    "campaign__submission_deadline",
    "category__name",
    "unit__name",
    "authority__name",
)
# An applicant's row also says what a draft lacks (applications.missing reads these).
DRAFT_COLUMNS = ("version", "schema_id", "missing", "missing_key")


def _dashboard_cases(request):
    """(params, the cases listed, counts per state shown, the state asked for, the
    state a case shows this user, the search term). An applicant sees no outcome until the province
    publishes: a decided case reads, is counted and is filtered as in expert review."""
    params = ListParams(request)
    visible = cases_visible_to(user=request.user)
    state = params.choice("state", CaseState.values)
    term = params.search()
    sort = params.choice("sort", DASHBOARD_SORTS, default="updated")
    if request.user.is_applicant:
        published = published_campaign_ids()

        def shown(case_state, campaign_id):
            return CaseState(shown_state(case_state, campaign_id=campaign_id, for_applicant=True, published=published))

        # Counted per state and campaign in SQL (the shown state depends on both), from
        # the unit's index when that is all the user may read (visible_counts_within).
        unit = {"unit_id": request.user.organisation_id}
        grouped = visible_counts_within(
            user=request.user, model=Case, codename="view_case", within=unit, by=("state", "campaign_id")
        )
        if grouped is None:
            unit = {}
            whole = cases_visible_to(user=request.user, whole=True).order_by()
            grouped = whole.values("state", "campaign_id").annotate(n=Count("id"))
        counts = dict.fromkeys(CaseState.values, 0)
        for row in grouped:
            counts[shown(row["state"], row["campaign_id"])] += row["n"]
        # Within the unit (proven above to hold every case the user reads): its index
        # lists the newest first.
        listed = visible.filter(**unit)
        if state:
            listed = listed.filter(_shown_as(state, published))
        listed = with_stamped_scan_flag(listed.only(*LIST_COLUMNS, *DRAFT_COLUMNS))
    else:

        def shown(case_state, _campaign_id):
            return CaseState(case_state)

        # Counted from the permitted ids when the reader sees a part of the campaign (an
        # authority: 800 of 10,000), from its authority's index when those are all it
        # reads; the province reads every case past the draft, which the counts of its
        # group's rows per state confirm (a few rows the database keeps exact by
        # triggers), without a probe per case (see visible_with_state_counts: still
        # exactly the permission tables' answer).
        # The province's list is probed with what its counts read first (the permission's
        # id and its groups, as values): a page of 50 newest, not every readable id hashed.
        if roles.is_province_admin(request.user):
            visible, counts = cases_visible_with_state_counts(
                user=request.user, expected_states=SEEN_BY_AUTHORITY_STATES
            )
        else:
            counts = _authority_counts(request.user)
        listed = visible.filter(state=state) if state else visible
        listed = listed.only(*LIST_COLUMNS)
    listed = cases_matching(listed, term).order_by(*DASHBOARD_SORTS[sort][1])
    return params, listed, counts, state, shown, term


def _shown_as(state: str, published: set[int]) -> Q:
    """The applicant's cases that read as `state` (shown_state in SQL): an outcome
    only once its campaign is published; until then, as in expert review."""
    if state in OUTCOME_STATES:
        return Q(state=state, campaign_id__in=published)
    if state == CaseState.IN_EXPERT_REVIEW:
        return Q(state=state) | (Q(state__in=OUTCOME_STATES) & ~Q(campaign_id__in=published))
    return Q(state=state)


def _authority_counts(user) -> dict[str, int]:
    """Cases per state the user reads: from its authority's (authority, state) index when
    those are all (visible_counts_within proves it), else from every permitted id."""
    authority = roles.reviewing_authority(user)
    if authority is not None:
        grouped = visible_counts_within(
            user=user, model=Case, codename="view_case", within={"authority_id": authority.pk}
        )
        if grouped is not None:
            counts = dict.fromkeys(CaseState.values, 0)
            counts.update({row["state"]: row["n"] for row in grouped})
            return counts
    return state_counts(cases_visible_to(user=user, whole=True))


DASHBOARD_COLUMNS = {
    "number": Column(label=_("编号"), width=8),
    "year": Column(label=_("年度"), width=8),
    "title": Column(label=_("案例名称"), width=40, centred=False),
    "category": Column(label=_("类别"), width=16),
    "unit": Column(label=_("申报单位"), width=28, centred=False),
    "authority": Column(label=_("推荐单位"), width=24, centred=False),
    "state": Column(label=_("状态"), width=14),
    "updated": Column(label=_("更新时间"), width=18),
}


@login_required
def dashboard_export(request):
    """The dashboard's list as Excel: at once, or by the worker when it is long (core.jobs)."""
    return export_list(request, dashboard_table)


@list_export
def dashboard_table(request) -> ListTable:
    """The dashboard's list to export: every case the current search and state keep (all
    pages), only those the user may read, each in the state it shows them."""
    if request.user.is_expert:
        raise Http404  # the expert's list is the queue, with an export of its own
    _params, listed, _counts, _state, shown, _term = _dashboard_cases(request)
    keys = ["number", "year", "title", "category"]
    keys += [] if request.user.is_applicant else ["unit"]
    keys += ["authority"] if roles.is_province_admin(request.user) else []
    keys += ["state", "updated"]

    def values(case):
        every = {
            "number": case.pk,
            "year": case.campaign.year,
            "title": case.title,
            "category": case.category.name,
            "unit": case.unit.name,
            "authority": case.authority.name,
            "state": str(shown(case.state, case.campaign_id).label),
            "updated": timezone.localtime(case.updated_at).strftime("%Y-%m-%d %H:%M"),
        }
        return [every[key] for key in keys]

    columns = [
        Column(
            label=str(DASHBOARD_COLUMNS[k].label),
            width=DASHBOARD_COLUMNS[k].width,
            centred=DASHBOARD_COLUMNS[k].centred,
        )
        for k in keys
    ]
    title = str(_dashboard_title(request.user))
    rows = (values(case) for case in listed.iterator(chunk_size=2000))
    return ListTable(title=title, columns=columns, rows=rows, count=listed.count(), filename=f"{title}.xlsx")


def _dashboard_context(request, page, counts, state) -> dict:
    return {
        "title": _dashboard_title(request.user),
        "page": page,
        "state_filter": state,
        "state_counts": [(CaseState(value), n) for value, n in counts.items() if n],
        "total": sum(counts.values()),
        "now": timezone.now(),
        "can_create": request.user.is_applicant and request.user.organisation.can_file,
        # The province watches the background work (mail, exports, packages).
        "worker": worker_status() if roles.is_province_admin(request.user) else None,
    }


# Header fields that name people: hidden, with the unit and its stamps, in a blind review.
PEOPLE_FIELDS = ("contact_name", "contact_position", "contact_phone", "contact_email")


def reading_context(case, *, blind: bool = False, masked: bool = True) -> dict:
    """The case's content as a reader sees it. Blind (an expert in an anonymous
    round): no applicant unit, no authority, no people, no stamped scan, and the
    evidence under neutral names. Masked (anyone but those who need them, see
    roles.sees_contact_details): the contacts' phones and e-mails partly hidden."""
    definition = case.schema.definition
    header_fields = [f for f in definition["header_fields"] if not (blind and f["key"] in PEOPLE_FIELDS)]
    header = masked_header(case.header, header_fields) if masked else (case.header or {})
    attachments = list(case.attachments.all())
    if blind:
        attachments = [a for a in attachments if a.kind != AttachmentKind.STAMPED_SCAN]
        for number, attachment in enumerate(attachments, start=1):
            attachment.shown_name = _("佐证材料%(n)d") % {"n": number}
    else:
        for attachment in attachments:
            attachment.shown_name = attachment.offered_name
    return {
        "case": case,
        "blind": blind,
        "header_rows": [(f["label"], header.get(f["key"], "")) for f in header_fields],
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
    readable = cases_visible_to(user=request.user)
    case = get_object_or_404(readable.select_related("schema", "created_by", "campaign", "category__campaign"), pk=pk)
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
    context = reading_context(case, masked=not roles.sees_contact_details(request.user, case))
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
            # The province may send a case back to its authority until experts hold it.
            "can_return_to_authority": request.user.is_province_admin
            and case.state == CaseState.IN_EXPERT_REVIEW
            and not case.assignments.exists(),
            "extension": case.campaign.extension_for(unit_id=case.unit_id, case_id=case.pk)
            if case.state in EDITABLE_STATES
            else None,
            "changes": resubmission_changes(case) if case.state == CaseState.SUBMITTED else None,
            "section_rows": [(s["key"], f"{n}. {s['title']}") for n, s in enumerate(definition["sections"], start=1)],
            "can_edit": bool(
                request.user.organisation and request.user.organisation.can_file and "change_case" in perms
            ),
        }
    )
    return render(request, "applications/case_detail.html", context)

"""The pages of the expert review. The expert's side: the queue of assigned cases and
the scoring page beside the reading view of the case (blind when the stage says so),
the review sheets. The province's side: rounds, assignment, coverage and every
expert's load."""

from decimal import Decimal, InvalidOperation

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.db.models import BooleanField, Count, ExpressionWrapper, F, OuterRef, Q, Subquery
from django.http import Http404
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_POST

from accounts import roles
from accounts.enums import Role
from accounts.models import User
from applications.models import Case
from applications.selectors import cases_matching
from applications.views.cases import reading_context
from core.counts import count_of
from core.documents.excel import Column, list_workbook
from core.feedback import report_errors
from core.forms import add_refusal
from core.http import download_response
from core.listing import ListParams
from core.paging import PAGE_SIZE, page_of
from reviews.access import chosen_stage, province_campaign
from reviews.enums import StageStatus
from reviews.experts.aggregation import CriterionSpec, weighted_total
from reviews.experts.forms import AssignForm, AssignmentForm, ExpertSheetsForm, StageForm
from reviews.experts.review_sheets import render_expert_sheets_pdf, review_sheets_filename
from reviews.experts.selectors import assignments_of, stage_case_rows, stage_coverage
from reviews.experts.services import (
    assignment_create,
    assignment_remove,
    assignment_reopen,
    auto_assign,
    conflict_declare,
    score_save,
    stage_set_status,
)
from reviews.models import ExpertAssignment, ReviewStage, Rubric
from workflow.exceptions import TransitionRefused

EXPERT_STATUSES = {"pending": Q(submitted_at__isnull=True), "submitted": Q(submitted_at__isnull=False)}


def _expert_assignments(request):
    """The expert's assignments the URL asks for: searched by case name or number (never
    by unit: the round may be blind), filtered by 待评审 / 已提交."""
    params = ListParams(request)
    term = params.search()
    status = params.choice("status", EXPERT_STATUSES)
    assignments = ExpertAssignment.objects.filter(expert=request.user)
    if status:
        assignments = assignments.filter(EXPERT_STATUSES[status])
    if term:
        assignments = assignments.filter(case__in=cases_matching(Case.objects.all(), term, by_unit=False))
    # The case's title and category, not its row: a case carries kilobytes of narrative.
    assignments = (
        assignments.select_related("stage", "stage__campaign")
        .annotate(
            case_title=_of_case("title"),
            category_name=_of_case("category__name"),
            category_position=_of_case("category__position"),
        )
        .order_by("-stage__campaign__year", "stage__order", "category_position", "case_id")
    )
    return params, assignments, term, status


def _of_case(field: str):
    """`field` of the assignment's case (a path through it: `category__name`).

    On PostgreSQL a scalar subquery, one probe of the case's primary key per assignment
    it is read for: joined to the cases, PostgreSQL read all of them (an index-only scan
    of 100,000 cases hashed against the expert's 4,000 assignments: 35 ms for the list),
    where the subquery it can only run per assignment (4,000 probes for the sort's
    category position: 18 ms), and the title and category's name only for the page's
    rows, once sorted. SQLite joins by probing the case's key anyway, and computes a
    subquery for every row before the sort: the join (9.1 ms; subqueries 9.9)."""
    if connection.vendor != "postgresql":
        return F(f"case__{field}")
    return Subquery(Case.objects.filter(pk=OuterRef("case_id")).order_by().values(field))


@login_required
def expert_queue(request):
    """The expert's assigned cases, pending first, a page at a time; the progress
    counted in SQL."""
    if not roles.is_expert(request.user):
        raise Http404  # the expert's pages answer 404 to everyone else
    params, assignments, term, status = _expert_assignments(request)
    counts = ExpertAssignment.objects.filter(expert=request.user).aggregate(
        total=Count("pk"), done=Count("submitted_at")
    )
    # Unsearched, the progress counts already say how many the list holds: no COUNT over
    # the list's joins to the cases (PostgreSQL hashed the whole case index for it).
    listed = {"": counts["total"], "pending": counts["total"] - counts["done"], "submitted": counts["done"]}
    page = params.page_of(assignments, per_page=PAGE_SIZE, count=None if term else listed[status])
    return render(
        request,
        "reviews/expert_queue.html",
        {
            "assignments": page.object_list,
            "page": page,
            "done": counts["done"],
            "total": counts["total"],
            "search": term,
            "status": status,
            "querystring": params.querystring(page=None),
        },
    )


@login_required
def expert_queue_export(request):
    """The expert's own assignments as Excel, as the queue lists them (search, status)."""
    if not roles.is_expert(request.user):
        raise Http404
    _params, assignments, _term, _status = _expert_assignments(request)
    columns = [
        Column(label=_("编号"), width=8),
        Column(label=_("轮次"), width=18),
        Column(label=_("案例名称"), width=44, centred=False),
        Column(label=_("类别"), width=16),
        Column(label=_("状态"), width=12),
    ]
    rows = (
        [
            a.case_id,
            f"{a.stage.campaign.year} · {a.stage.name}",
            a.case_title,
            a.category_name,
            _("已提交") if a.is_submitted else _("待评审"),
        ]
        for a in assignments
    )
    title = _("我的评审任务")
    return download_response(list_workbook(title=title, columns=columns, rows=rows), filename=f"{title}.xlsx")


def _my_assignment(request, pk: int) -> ExpertAssignment:
    if not roles.is_expert(request.user):
        raise Http404  # the expert's pages answer 404 to everyone else
    return get_object_or_404(
        ExpertAssignment.objects.select_related(
            "case", "case__schema", "case__category__campaign", "case__campaign", "stage", "stage__campaign"
        ),
        pk=pk,
        expert=request.user,
    )


def _running_total(criteria, rows) -> dict:
    """The total the scores typed so far give (the one the rubric will compute), and how
    many of the scored criteria have a score: shown beside the buttons, kept up to date
    by static/js/score-total.js as the expert types."""
    values = {}
    for row in rows:
        criterion = row["criterion"]
        if criterion.is_gate:
            continue
        try:
            value = Decimal(str(row["raw"]).strip())
        except (InvalidOperation, ValueError):
            continue
        if 0 <= value <= criterion.max_score:
            values[criterion.pk] = value
    specs = [CriterionSpec(c.pk, c.weight, c.max_score, c.is_gate) for c in criteria]
    scored = [c for c in specs if not c.is_gate]
    total = weighted_total(criteria=specs, values={c.id: values.get(c.id, Decimal(0)) for c in scored})
    return {"total": total, "filled": len(values), "count": len(scored)}


def _next_pending(assignment):
    """The expert's next case still to score, in the queue's order (after this one,
    else from the start); None when this is the last. One row read, whatever the
    number of pending cases: those after this one sort first, and only the title is
    read (never the narratives)."""
    position, case_id = assignment.case.category.position, assignment.case_id
    after = Q(case__category__position__gt=position) | Q(case__category__position=position, case_id__gt=case_id)
    return (
        ExpertAssignment.objects.filter(expert=assignment.expert, stage=assignment.stage, submitted_at__isnull=True)
        .exclude(pk=assignment.pk)
        .annotate(after=ExpressionWrapper(after, output_field=BooleanField()))
        .select_related("case")
        .only("pk", "case__id", "case__state", "case__title")
        .order_by("-after", "case__category__position", "case_id")
        .first()
    )


@login_required
def score_page(request, pk: int):
    assignment = _my_assignment(request, pk)
    rubric = Rubric.objects.get(campaign=assignment.stage.campaign)
    criteria = list(rubric.criteria.all())
    saved = {score.criterion_id: score for score in assignment.scores.all()}
    problems = []
    posted = {}
    if request.method == "POST":
        entries = {
            c.pk: (request.POST.get(f"score__{c.pk}", ""), request.POST.get(f"comment__{c.pk}", "")) for c in criteria
        }
        posted = entries
        submit = "submit" in request.POST
        try:
            problems = score_save(assignment=assignment, actor=request.user, entries=entries, submit=submit)
        except (TransitionRefused, PermissionDenied) as error:
            problems = getattr(error, "reasons", None) or [str(error)]
        if not problems:
            messages.success(request, _("评审意见已提交。") if submit else _("已保存草稿。"))
            return redirect("reviews:score", pk=assignment.pk)
    rows = []
    for criterion in criteria:
        score = saved.get(criterion.pk)
        raw, comment = posted.get(criterion.pk, (None, None))
        if raw is None:
            raw = (
                ("pass" if score.passed else "fail" if score.passed is False else "")
                if criterion.is_gate and score
                else (score.value if score and score.value is not None else "")
            )
            comment = score.comment if score else ""
        rows.append({"criterion": criterion, "raw": raw, "comment": comment})
    others = []
    if assignment.stage.show_others_scores:
        others = (
            ExpertAssignment.objects.filter(stage=assignment.stage, case=assignment.case, submitted_at__isnull=False)
            .exclude(pk=assignment.pk)
            .prefetch_related("scores__criterion")
        )
    context = reading_context(assignment.case, blind=assignment.stage.blind)
    context.update(
        {
            "assignment": assignment,
            "rows": rows,
            "running_total": _running_total(criteria, rows),
            "next_assignment": _next_pending(assignment),
            "problems": problems,
            "locked": assignment.is_submitted,
            "others": others,
            "can_score": assignment.stage.experts_may_score and assignment.stage.status == "open",
        }
    )
    return render(request, "reviews/score.html", context, status=400 if problems else 200)


@login_required
@require_POST
def declare_conflict(request, pk: int):
    assignment = _my_assignment(request, pk)
    try:
        conflict_declare(assignment=assignment, actor=request.user, reason=request.POST.get("reason", ""))
    except (TransitionRefused, PermissionDenied) as error:
        report_errors(request, error)
        return redirect("reviews:score", pk=pk)
    messages.success(request, _("已申报回避，该案例已从您的评审任务中移除。"))
    return redirect("reviews:expert_queue")


@login_required
def review_sheets(request, stage_id: int):
    """An expert's review sheets of a round as one PDF: the expert's own, or any
    expert's for the province's administrator (?expert=ID)."""
    stage = get_object_or_404(ReviewStage.objects.select_related("campaign"), pk=stage_id)
    user = request.user
    if roles.is_expert(user):
        expert = user
        if not ExpertAssignment.objects.filter(stage=stage, expert=user).exists():
            raise Http404
    elif roles.is_province_admin(user):
        form = ExpertSheetsForm(request.GET)
        if not form.is_valid():
            raise Http404
        expert = form.cleaned_data["expert"]
    else:
        raise Http404
    return download_response(render_expert_sheets_pdf(expert, stage), filename=review_sheets_filename(expert, stage))


# --- the province: rounds and assignment -------------------------------------------------


# Cases of a round per page: each row carries its experts and a button for each.
ROUND_PAGE_SIZE = 25


def _word_assignments(cases, by_case, *, campaign, wanted: int) -> None:
    """What the list says of each case and each of its assignments (a small form each:
    退回修改 a submitted review, 取消分配 one not submitted, with the consequence to
    confirm), worded, formatted and linked once per page into plain values the template
    writes out: not a blocktranslate, a reverse() and the {% if %}s per assignment
    (three quarters of the list's rendering, 75 forms a page)."""
    reopen_url = reverse("reviews:assignment_reopen", args=[campaign.year])
    remove_url = reverse("reviews:assignment_remove", args=[campaign.year])
    consequence = _("取消后%(expert)s不再评审「%(title)s」，其已保存的评分草稿一并删除。")
    submitted, reviewing = _("已提交"), _("评审中")
    reopen, remove = _("退回修改"), _("取消分配")
    opening, closing = pgettext("punctuation", "（"), pgettext("punctuation", "）")
    for case in cases:
        case.category_name = case.category.name
        case.progress = f"{case.n_assigned}/{wanted}"
        case.short = case.n_assigned < wanted
        forms = []
        for assignment in by_case[case.pk]:
            expert = assignment.expert_name
            done = assignment.is_submitted
            forms.append(
                {
                    "pk": str(assignment.pk),  # as text: not localised as a number
                    "action": reopen_url if done else remove_url,
                    # Only the removal asks first (the reopening is undone by submitting).
                    "confirm": "" if done else consequence % {"expert": expert, "title": case.title},
                    "status": f"{expert}{opening}{submitted if done else reviewing}{closing}",
                    "button": reopen if done else remove,
                    "tone": "" if done else " text-danger",
                    "names": f"{case.title} · {expert}",
                }
            )
        case.assignment_forms = forms


def _review_page(request, campaign, stage, *, failed=None, assign_form=None):
    """The page of a round: stages, automatic and manual assignment, coverage per
    category (counted in SQL) with a drill-down to the round's cases a page at a time
    (one category, those short of experts), each with its experts, and every expert's
    load. `failed`: a form that did not go through, its errors at the top (and beside
    its fields when it is the page's assignment form); answered with 400."""
    categories = {str(category.pk): category for category in campaign.categories.all()}
    category = categories.get(request.GET.get("category", ""))
    short_only = request.GET.get("short") == "1"
    coverage = stage_coverage(stage, categories.values())
    # The coverage has counted what the list holds: no COUNT query for the paginator.
    rows = stage_case_rows(stage, coverage, category_id=category.pk if category else None, short_only=short_only)
    page = page_of(request, rows, size=ROUND_PAGE_SIZE, count=len(rows))
    cases = list(page.object_list)
    by_case = assignments_of(stage, cases)
    for case in cases:
        case.category = categories[str(case.category_id)]
    _word_assignments(cases, by_case, campaign=campaign, wanted=stage.reviewers_per_case)
    # Each expert's reviews pending and submitted, each a plain count of its range of
    # the (expert, stage, submitted_at) index, the load their sum: not by grouping every
    # assignment of the campaign joined to the users' rows (0.08 s at 100,000 cases: the
    # grouping sorted 124,000 wide rows), nor by grouped subqueries (17 ms against 9),
    # nor by counting the load's whole range besides the submitted part of it (6.7 ms
    # against 5.4: every assignment was stepped through once more).
    of_expert = ExpertAssignment.objects.filter(expert=OuterRef("pk"), stage=stage)
    experts = list(
        User.objects.filter(role=Role.EXPERT, is_active=True)
        .annotate(
            pending=count_of(of_expert.filter(submitted_at__isnull=True)),
            submitted=count_of(of_expert.filter(submitted_at__isnull=False)),
        )
        .order_by("id")
    )
    for expert in experts:
        expert.load = expert.pending + expert.submitted
    if assign_form is None:
        assign_form = AssignForm(campaign=campaign, initial={"stage": stage.pk})
    # The cases to choose from are those on the page (its filters narrow them down).
    assign_form.offer(cases, experts=experts)
    return render(
        request,
        "reviews/province_review.html",
        {
            "campaign": campaign,
            "stage": stage,
            "stages": getattr(stage, "siblings", None) or campaign.stages.order_by("order"),
            "coverage": coverage,
            "coverage_total": {key: sum(row[key] for row in coverage) for key in ("cases", "short", "done")},
            "categories": categories.values(),
            "category": category,
            "short_only": short_only,
            "page": page,
            "cases": cases,
            "experts": experts,
            "assign_form": assign_form,
            "failed": failed,
            "rubric": getattr(campaign, "rubric", None),
            # Reversed once, not once per expert.
            "sheets_url": reverse("reviews:review_sheets", args=[stage.pk]),
            # The token's field once for the page's many small forms, not a tag per form.
            "csrf_input": format_html(
                '<input type="hidden" name="csrfmiddlewaretoken" value="{}">', get_token(request)
            ),
        },
        status=400 if failed is not None else 200,
    )


def _back_to_round(year: int, stage: ReviewStage):
    return redirect(reverse("reviews:review_manage", args=[year]) + f"?stage={stage.pk}")


@login_required
def review_manage(request, year: int):
    campaign = province_campaign(request, year)
    return _review_page(request, campaign, chosen_stage(campaign, request.GET.get("stage")))


def _failed(request, campaign, form, *, stage=None, assign_form=None):
    """The round's page again, with the form's errors."""
    stage = stage or chosen_stage(campaign, None)
    return _review_page(request, campaign, stage, failed=form, assign_form=assign_form)


@login_required
@require_POST
def auto_assign_view(request, year: int):
    """自动分配: every case of the round gets its reviewers from its category's panel."""
    campaign = province_campaign(request, year)
    form = StageForm(request.POST, campaign=campaign)
    if not form.is_valid():
        return _failed(request, campaign, form)
    stage = form.cleaned_data["stage"]
    try:
        short = auto_assign(stage=stage, actor=request.user)
    except (TransitionRefused, PermissionDenied) as error:
        add_refusal(form, error)
        return _failed(request, campaign, form, stage=stage)
    if short:
        messages.warning(
            request,
            _("已自动分配；%(n)d个案例的评审专家不足%(per)d位（无回避冲突且有余量的专家不够），请增加专家或手动调整。")
            % {"n": len(short), "per": stage.reviewers_per_case},
        )
    else:
        messages.success(request, _("已自动分配，每个案例都有%(per)d位评审专家。") % {"per": stage.reviewers_per_case})
    return _back_to_round(year, stage)


@login_required
@require_POST
def assign(request, year: int):
    """手动分配: one expert to the chosen cases; each case the service refuses is named."""
    campaign = province_campaign(request, year)
    form = AssignForm(request.POST, campaign=campaign)
    if not form.is_valid():
        return _failed(request, campaign, form, stage=form.cleaned_data.get("stage"), assign_form=form)
    stage, expert = form.cleaned_data["stage"], form.cleaned_data["expert"]
    done = 0
    for case in form.cleaned_data["cases"]:
        try:
            assignment_create(stage=stage, case=case, expert=expert, actor=request.user)
            done += 1
        except (TransitionRefused, PermissionDenied) as error:
            for reason in getattr(error, "reasons", None) or [str(error)]:
                form.add_error("cases", f"{case.title}：{reason}")
    if done:
        messages.success(request, _("已为%(expert)s分配%(n)d个案例。") % {"expert": expert, "n": done})
    if form.errors:
        return _failed(request, campaign, form, stage=stage, assign_form=form)
    return _back_to_round(year, stage)


def _assignment_action(request, year: int, act, done_message: str):
    campaign = province_campaign(request, year)
    form = AssignmentForm(request.POST, campaign=campaign)
    if not form.is_valid():
        return _failed(request, campaign, form)
    assignment = form.cleaned_data["assignment"]
    try:
        act(assignment=assignment, actor=request.user)
    except (TransitionRefused, PermissionDenied) as error:
        add_refusal(form, error)
        return _failed(request, campaign, form, stage=assignment.stage)
    messages.success(request, done_message)
    return _back_to_round(year, assignment.stage)


@login_required
@require_POST
def assignment_remove_view(request, year: int):
    """取消分配 of an expert who has not submitted."""
    return _assignment_action(request, year, assignment_remove, _("已取消分配。"))


@login_required
@require_POST
def assignment_reopen_view(request, year: int):
    """退回修改: the expert may change a submitted review."""
    return _assignment_action(request, year, assignment_reopen, _("已退回该专家的评分，可重新修改。"))


def _stage_set(request, year: int, status: StageStatus):
    campaign = province_campaign(request, year)
    form = StageForm(request.POST, campaign=campaign)
    if not form.is_valid():
        return _failed(request, campaign, form)
    stage = form.cleaned_data["stage"]
    try:
        stage_set_status(stage=stage, actor=request.user, status=status)
    except (TransitionRefused, PermissionDenied) as error:
        add_refusal(form, error)
        return _failed(request, campaign, form, stage=stage)
    messages.success(request, _("已更新评审轮次状态。"))
    return _back_to_round(year, stage)


@login_required
@require_POST
def stage_open(request, year: int):
    """开启本轮 (the round open before closes)."""
    return _stage_set(request, year, StageStatus.OPEN)


@login_required
@require_POST
def stage_close(request, year: int):
    """结束本轮."""
    return _stage_set(request, year, StageStatus.CLOSED)

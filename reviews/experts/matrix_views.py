"""The province's assignment matrix 分配矩阵: a new page beside 专家评审."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.bulk import bulk_report
from core.documents.excel import Column, list_workbook
from core.http import download_response
from core.listing import ListParams, back_to_list, kept_parameters
from reviews.access import chosen_stage, province_campaign
from reviews.experts.matrix import (
    MatrixInputError,
    assignments_set,
    matrix_cases,
    matrix_experts,
    matrix_rows,
    parse_pairs,
)
from reviews.experts.selectors import stage_cases
from reviews.models import ReviewStage

PAGE_SIZE = 20
PARAMETERS = ("stage", "category", "q", "page")


def _posted_id(source, name: str, ids) -> int | None:
    raw = source.get(name, "")
    return int(raw) if raw.isascii() and raw.isdigit() and len(raw) < 12 and int(raw) in set(ids) else None


def _stage_and_category(campaign, pick):
    """The round and category asked for (`pick(name, ids)` reads the id), else the open
    round (or the first) and the first category."""
    stages = list(ReviewStage.objects.filter(campaign=campaign).order_by("order"))
    stage_id = pick("stage", [s.pk for s in stages])
    stage = next((s for s in stages if s.pk == stage_id), None) or chosen_stage(campaign, None)
    categories = list(campaign.categories.all())
    category_id = pick("category", [c.pk for c in categories])
    category = next((c for c in categories if c.pk == category_id), categories[0] if categories else None)
    return stages, stage, categories, category


@login_required
def assignment_matrix(request, year: int):
    """Cases of one category of a round (a page) × every active expert: who reviews
    what, each expert's load against the round's cap, and the pairs that must not be
    (conflicts), with a checkbox per pair to assign or unassign several at once."""
    campaign = province_campaign(request, year)
    params = ListParams(request)
    stages, stage, categories, category = _stage_and_category(campaign, params.object_id)
    term = params.search()
    experts = list(matrix_experts(stage)) if stage else []
    page = params.page_of(matrix_cases(stage, category, term) if stage and category else [], per_page=PAGE_SIZE)
    rows = matrix_rows(stage=stage, cases=page.object_list, experts=experts) if stage else []
    for case, cells in rows:
        case.n_assigned = sum(cell.assigned for cell in cells)
    querystring = params.querystring(page=None)
    return render(
        request,
        "reviews/assignment_matrix.html",
        {
            "campaign": campaign,
            "stages": stages,
            "stage": stage,
            "categories": categories,
            "category": category,
            "experts": experts,
            "rows": rows,
            "page": page,
            "search": term,
            "querystring_without_page": f"{querystring}&" if querystring else "",
            "keep": kept_parameters(request, PARAMETERS),
        },
    )


@login_required
@require_POST
def assignment_matrix_save(request, year: int):
    """Make the shown cells what was ticked, pair by pair; each refusal named."""
    campaign = province_campaign(request, year)
    _stages, stage, _categories, _category = _stage_and_category(
        campaign, lambda name, ids: _posted_id(request.POST, name, ids)
    )
    back = back_to_list(reverse("reviews:assignment_matrix", args=[year]), request.POST, PARAMETERS)
    if stage is None:
        messages.error(request, _("请先设置评审轮次。"))
        return back
    case_ids = set(stage_cases(stage).values_list("pk", flat=True))
    expert_ids = set(matrix_experts(stage).values_list("pk", flat=True))
    try:
        shown = parse_pairs(request.POST.getlist("shown"), case_ids=case_ids, expert_ids=expert_ids)
        ticked = parse_pairs(request.POST.getlist("pair"), case_ids=case_ids, expert_ids=expert_ids)
    except MatrixInputError as error:
        messages.error(request, str(error))
        return back
    outcome = assignments_set(stage=stage, shown=shown, ticked=ticked, actor=request.user)
    if not outcome.done and not outcome.refused:
        messages.info(request, _("分配没有变化。"))
    bulk_report(request, outcome, done=_("已保存%(n)d项分配调整。"))
    return back


@login_required
def assignment_matrix_export(request, year: int):
    """The matrix of the round, category and search asked for as Excel, every page: one row per
    case with its experts (submitted or not) and those who must not review it."""
    campaign = province_campaign(request, year)
    params = ListParams(request)
    _stages, stage, _categories, category = _stage_and_category(campaign, params.object_id)
    if stage is None or category is None:
        raise Http404
    experts = list(matrix_experts(stage))
    cases = matrix_cases(stage, category, params.search())
    rows = []
    for case, cells in matrix_rows(stage=stage, cases=cases, experts=experts):
        assigned = [c for c in cells if c.assigned]
        rows.append(
            [
                case.pk,
                case.title,
                case.unit.name,
                case.authority.name,
                f"{len(assigned)}/{stage.reviewers_per_case}",
                "、".join(c.expert_name + (_("（已提交）") if c.submitted else _("（待评审）")) for c in assigned)
                or "—",
                "、".join(c.expert_name for c in cells if c.conflicted) or "—",
            ]
        )
    columns = [
        Column(label=_("编号"), width=8),
        Column(label=_("案例名称"), width=36, centred=False),
        Column(label=_("申报单位"), width=24, centred=False),
        Column(label=_("推荐单位"), width=20, centred=False),
        Column(label=_("已分配"), width=10),
        Column(label=_("评审专家"), width=40, centred=False),
        Column(label=_("需回避的专家"), width=24, centred=False),
    ]
    title = _("%(stage)s专家分配（%(category)s）") % {"stage": stage.name, "category": category.name}
    return download_response(
        list_workbook(title=title, columns=columns, rows=rows), filename=f"{campaign.year}年{title}.xlsx"
    )

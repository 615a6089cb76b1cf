"""The pages of the expert review. The expert's side: the queue of assigned cases and
the scoring page beside the reading view of the case (blind when the stage says so),
the review sheets. The province's side: rounds, assignment, coverage and every
expert's load."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.enums import OrgKind, Role
from accounts.models import User
from applications.models import Campaign, Case
from applications.views.cases import reading_context
from core.feedback import report_errors
from core.http import download_response
from reviews.enums import StageStatus
from reviews.experts.selectors import open_stage, stage_cases
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


def _require_expert(user) -> None:
    if user.role != Role.EXPERT:
        raise Http404


@login_required
def expert_queue(request):
    _require_expert(request.user)
    assignments = (
        ExpertAssignment.objects.filter(expert=request.user)
        .select_related("case", "case__category", "stage", "stage__campaign")
        .order_by("-stage__campaign__year", "stage__order", "case__category__position", "case_id")
    )
    done = sum(1 for a in assignments if a.is_submitted)
    return render(
        request,
        "reviews/expert_queue.html",
        {"assignments": assignments, "done": done, "total": len(assignments)},
    )


def _my_assignment(request, pk: int) -> ExpertAssignment:
    _require_expert(request.user)
    return get_object_or_404(
        ExpertAssignment.objects.select_related("case", "case__schema", "case__category", "stage", "stage__campaign"),
        pk=pk,
        expert=request.user,
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
    from reviews.experts.review_sheets import render_expert_sheets_pdf, review_sheets_filename

    stage = get_object_or_404(ReviewStage.objects.select_related("campaign"), pk=stage_id)
    user = request.user
    if user.role == Role.EXPERT:
        expert = user
        if not ExpertAssignment.objects.filter(stage=stage, expert=user).exists():
            raise Http404
    elif user.role == Role.PROVINCE_ADMIN and user.organisation and user.organisation.kind == OrgKind.PROVINCE:
        expert = get_object_or_404(User, pk=request.GET.get("expert") or 0, role=Role.EXPERT)
    else:
        raise Http404
    return download_response(render_expert_sheets_pdf(expert, stage), filename=review_sheets_filename(expert, stage))


# --- the province: rounds and assignment -------------------------------------------------


def _province_campaign(request, year: int) -> Campaign:
    user = request.user
    if not (user.role == Role.PROVINCE_ADMIN and user.organisation and user.organisation.kind == OrgKind.PROVINCE):
        raise Http404
    return get_object_or_404(Campaign, year=year)


def _stage(campaign, request) -> ReviewStage:
    stage_id = request.GET.get("stage") or request.POST.get("stage")
    stages = ReviewStage.objects.filter(campaign=campaign)
    if stage_id and str(stage_id).isdigit():
        return get_object_or_404(stages, pk=stage_id)
    return open_stage(campaign) or stages.order_by("order").first()


@login_required
def review_manage(request, year: int):
    """Stages, automatic and manual assignment, coverage and every expert's load."""
    campaign = _province_campaign(request, year)
    stage = _stage(campaign, request)
    cases = list(
        stage_cases(stage)
        .select_related("category", "authority")
        .annotate(
            n_assigned=Count("assignments", filter=Q(assignments__stage=stage), distinct=True),
            n_submitted=Count(
                "assignments",
                filter=Q(assignments__stage=stage, assignments__submitted_at__isnull=False),
                distinct=True,
            ),
        )
        .order_by("category__position", "id")
    )
    experts = (
        User.objects.filter(role=Role.EXPERT, is_active=True)
        .annotate(
            load=Count("assignments", filter=Q(assignments__stage=stage)),
            submitted=Count("assignments", filter=Q(assignments__stage=stage, assignments__submitted_at__isnull=False)),
        )
        .order_by("id")
    )
    assignments = (
        ExpertAssignment.objects.filter(stage=stage).select_related("case", "expert").order_by("case_id", "expert_id")
    )
    return render(
        request,
        "reviews/province_review.html",
        {
            "campaign": campaign,
            "stage": stage,
            "stages": campaign.stages.order_by("order"),
            "cases": cases,
            "short": [case for case in cases if case.n_assigned < stage.reviewers_per_case],
            "experts": experts,
            "assignments": assignments,
            "panels": campaign.panels.prefetch_related("experts").select_related("category"),
            "rubric": Rubric.objects.filter(campaign=campaign).prefetch_related("criteria").first(),
        },
    )


@login_required
@require_POST
def review_action(request, year: int):
    """One form endpoint for the assignment page's buttons, each a service call."""
    campaign = _province_campaign(request, year)
    stage = _stage(campaign, request)
    action = request.POST.get("action")
    try:
        if action == "auto_assign":
            short = auto_assign(stage=stage, actor=request.user)
            if short:
                messages.warning(
                    request,
                    _(
                        "已自动分配；%(n)d个案例的评审专家不足%(per)d位（无回避冲突且有余量的专家不够），请增加专家或手动调整。"
                    )
                    % {"n": len(short), "per": stage.reviewers_per_case},
                )
            else:
                messages.success(
                    request, _("已自动分配，每个案例都有%(per)d位评审专家。") % {"per": stage.reviewers_per_case}
                )
        elif action == "assign":
            expert = get_object_or_404(User, pk=request.POST.get("expert"), role=Role.EXPERT)
            case_ids = request.POST.getlist("cases")
            done = 0
            for case in Case.objects.filter(pk__in=case_ids, campaign=campaign):
                try:
                    assignment_create(stage=stage, case=case, expert=expert, actor=request.user)
                    done += 1
                except TransitionRefused as refused:
                    messages.error(request, f"{case.title}：{refused.reasons[0]}")
            if done:
                messages.success(request, _("已为%(expert)s分配%(n)d个案例。") % {"expert": expert, "n": done})
        elif action in ("remove", "reopen"):
            assignment = get_object_or_404(ExpertAssignment, pk=request.POST.get("assignment"), stage=stage)
            (assignment_remove if action == "remove" else assignment_reopen)(assignment=assignment, actor=request.user)
            messages.success(
                request, _("已取消分配。") if action == "remove" else _("已退回该专家的评分，可重新修改。")
            )
        elif action in ("open", "close"):
            target = get_object_or_404(ReviewStage, pk=request.POST.get("target"), campaign=campaign)
            stage_set_status(
                stage=target, actor=request.user, status=StageStatus.OPEN if action == "open" else StageStatus.CLOSED
            )
            messages.success(request, _("已更新评审轮次状态。"))
        else:
            raise Http404
    except (TransitionRefused, PermissionDenied) as error:
        report_errors(request, error)
    return redirect(reverse("reviews:review_manage", args=[year]) + f"?stage={stage.pk}")

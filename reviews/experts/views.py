"""The expert's side: the queue of assigned cases and the scoring page beside the
reading view of the case (blind when the stage says so)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.enums import Role
from applications.views.cases import reading_context
from reviews.expert_review import conflict_declare, score_save
from reviews.models import ExpertAssignment, Rubric
from workflow.exceptions import TransitionRefused
from workflow.feedback import report_errors


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
    from django.http import HttpResponse
    from django.utils.http import content_disposition_header

    from accounts.enums import OrgKind
    from accounts.models import User
    from reviews.models import ReviewStage
    from reviews.outcome_documents import render_expert_sheets_pdf, review_sheets_filename

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
    response = HttpResponse(render_expert_sheets_pdf(expert, stage), content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=review_sheets_filename(expert, stage)
    )
    return response

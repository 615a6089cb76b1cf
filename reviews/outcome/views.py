"""The province's pages of the review's outcome: results and selection, publication
(公示, objections, 通报) and the NRTA recommendation."""

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from applications.enums import CaseState
from applications.models import Case
from core.feedback import report_errors
from core.http import download_response
from reviews.enums import PublicationKind
from reviews.experts.results import stage_results
from reviews.experts.views import _province_campaign, _stage
from reviews.models import NrtaPackage, Objection, Publication, Rubric
from reviews.outcome.nrta import nrta_cases, nrta_move
from reviews.outcome.publication import (
    announcement_publish,
    default_notice_period,
    notice_publish,
    objection_answer,
    objection_record,
)
from reviews.outcome.selectors import quota_warnings
from workflow.exceptions import TransitionRefused
from workflow.services import apply_transition


@login_required
def results(request, year: int):
    """Results per category, traceable to each expert's scores; decisions from here."""
    campaign = _province_campaign(request, year)
    stage = _stage(campaign, request)
    rubric = Rubric.objects.get(campaign=campaign)
    by_category = stage_results(stage=stage, rubric=rubric)
    criteria = list(rubric.criteria.all())
    for items in by_category.values():
        for result in items:
            for score in result.scores:
                # One cell per criterion, in the rubric's order: the trace behind each total.
                score.cells = [
                    (
                        {True: _("通过"), False: _("不通过")}.get(score.gates.get(c.pk), "—")
                        if c.is_gate
                        else score.values.get(c.pk, "—")
                    )
                    for c in criteria
                ]
    categories = [(category, by_category.get(category.pk, [])) for category in campaign.categories.all()]
    return render(
        request,
        "reviews/results.html",
        {
            "campaign": campaign,
            "stage": stage,
            "stages": campaign.stages.order_by("order"),
            "rubric": rubric,
            "criteria": criteria,
            "categories": categories,
            "warnings": quota_warnings(campaign=campaign),
        },
    )


@login_required
@require_POST
def complete_reviews(request, year: int):
    """确认评审完成 for every case whose experts have all submitted."""
    campaign = _province_campaign(request, year)
    done = 0
    for case in Case.objects.filter(campaign=campaign, state=CaseState.IN_EXPERT_REVIEW):
        try:
            apply_transition(subject=case, action="complete_review", actor=request.user)
            done += 1
        except TransitionRefused:
            continue
    messages.success(request, _("已确认%(n)d个案例评审完成。") % {"n": done})
    return redirect("reviews:results", year=year)


@login_required
def publication(request, year: int):
    campaign = _province_campaign(request, year)
    notice = Publication.objects.filter(campaign=campaign, kind=PublicationKind.NOTICE).first()
    announcement = Publication.objects.filter(campaign=campaign, kind=PublicationKind.ANNOUNCEMENT).first()
    selected = Case.objects.filter(
        campaign=campaign, state__in=(CaseState.SELECTED, CaseState.RECOMMENDED_TO_NRTA)
    ).select_related("unit", "authority", "category")
    starts, ends = default_notice_period()
    return render(
        request,
        "reviews/publication.html",
        {
            "campaign": campaign,
            "notice": notice,
            "announcement": announcement,
            "objections": notice.objections.select_related("case") if notice else [],
            "selected": selected.order_by("category__position", "title"),
            "default_starts": starts,
            "default_ends": ends,
        },
    )


def _date(value: str) -> date | None:
    try:
        return date.fromisoformat(value)
    except (TypeError, ValueError):
        return None


@login_required
@require_POST
def publication_action(request, year: int):
    campaign = _province_campaign(request, year)
    action = request.POST.get("action")
    try:
        if action == "notice":
            starts, ends = _date(request.POST.get("starts_on")), _date(request.POST.get("ends_on"))
            if starts is None or ends is None:
                raise TransitionRefused(_("请填写有效的公示起止日期。"))
            notice_publish(
                campaign=campaign,
                actor=request.user,
                title=request.POST.get("title", ""),
                starts_on=starts,
                ends_on=ends,
                document_number=request.POST.get("document_number", ""),
            )
            messages.success(request, _("已发布公示；申报单位现在可以看到本单位案例的评选结果。"))
        elif action == "objection":
            notice = get_object_or_404(Publication, campaign=campaign, kind=PublicationKind.NOTICE)
            case = get_object_or_404(Case, pk=request.POST.get("case"), campaign=campaign)
            objection_record(
                publication=notice,
                case=case,
                actor=request.user,
                objector=request.POST.get("objector", ""),
                contact=request.POST.get("contact", ""),
                content=request.POST.get("content", ""),
            )
            messages.success(request, _("已登记异议。"))
        elif action == "answer":
            objection = get_object_or_404(Objection, pk=request.POST.get("objection"), publication__campaign=campaign)
            objection_answer(objection=objection, actor=request.user, answer=request.POST.get("answer", ""))
            messages.success(request, _("已登记处理意见。"))
        elif action == "announcement":
            announcement_publish(
                campaign=campaign,
                actor=request.user,
                title=request.POST.get("title", ""),
                document_number=request.POST.get("document_number", ""),
            )
            messages.success(request, _("已发布通报。"))
        else:
            raise Http404
    except (TransitionRefused, PermissionDenied) as error:
        report_errors(request, error)
    return redirect("reviews:publication", year=year)


@login_required
def announcement_document(request, year: int, extension: str):
    from reviews.outcome.announcement_documents import (
        announcement_filename,
        render_announcement_pdf,
        render_announcement_xlsx,
    )

    campaign = _province_campaign(request, year)
    render_document = {"pdf": render_announcement_pdf, "xlsx": render_announcement_xlsx}[extension]
    return download_response(render_document(campaign), filename=announcement_filename(campaign, extension))


@login_required
def score_sheet(request, year: int):
    from reviews.experts.score_sheet import render_score_sheet_xlsx, score_sheet_filename

    campaign = _province_campaign(request, year)
    stage = _stage(campaign, request)
    return download_response(render_score_sheet_xlsx(stage), filename=score_sheet_filename(stage))


@login_required
def nrta(request, year: int):
    campaign = _province_campaign(request, year)
    return render(
        request,
        "reviews/nrta.html",
        {
            "campaign": campaign,
            "recommended": nrta_cases(campaign),
            "selected": Case.objects.filter(campaign=campaign, state=CaseState.SELECTED)
            .select_related("unit", "category")
            .order_by("category__position", "title"),
            "packages": NrtaPackage.objects.filter(campaign=campaign).select_related("requested_by")[:10],
        },
    )


@login_required
@require_POST
def nrta_action(request, year: int):
    campaign = _province_campaign(request, year)
    action = request.POST.get("action")
    try:
        if action in ("up", "down"):
            nrta_move(campaign=campaign, case_id=int(request.POST.get("case", 0)), step=-1 if action == "up" else 1)
        elif action == "package":
            from reviews.outcome.nrta_package import nrta_package_request

            nrta_package_request(campaign=campaign, actor=request.user)
            messages.success(request, _("已开始生成推荐材料包，完成后可在下方下载。"))
        else:
            raise Http404
    except (TransitionRefused, PermissionDenied) as error:
        report_errors(request, error)
    except ValueError:
        messages.error(request, _("数据有误，请刷新页面后重试。"))
    return redirect("reviews:nrta", year=year)


@login_required
def nrta_package_download(request, year: int, package_id: int):
    from reviews.outcome.nrta_package import package_filename

    campaign = _province_campaign(request, year)
    package = get_object_or_404(NrtaPackage, pk=package_id, campaign=campaign, status="done")
    return download_response(package.file.open("rb"), filename=package_filename(campaign))

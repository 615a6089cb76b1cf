"""The province's pages of the review's outcome: results and selection, publication
(公示, objections, 通报) and the NRTA recommendation."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from applications.enums import CaseState
from applications.models import Case
from core.feedback import report_errors
from core.forms import add_refusal
from core.http import download_response
from core.paging import page_of
from reviews.access import chosen_stage, province_campaign
from reviews.enums import PublicationKind
from reviews.experts.results import stage_results
from reviews.experts.score_sheet import render_score_sheet_xlsx, score_sheet_filename
from reviews.models import NrtaPackage, Publication, Rubric
from reviews.outcome.announcement_documents import (
    announcement_filename,
    render_announcement_pdf,
    render_announcement_xlsx,
)
from reviews.outcome.forms import AnnouncementForm, NoticeForm, NrtaCaseForm, ObjectionAnswerForm, ObjectionForm
from reviews.outcome.nrta import nrta_cases, nrta_move
from reviews.outcome.nrta_package import nrta_package_request, package_filename
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
    campaign = province_campaign(request, year)
    stage = chosen_stage(campaign, request.GET.get("stage"))
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
    campaign = province_campaign(request, year)
    done = 0
    for case in Case.objects.filter(campaign=campaign, state=CaseState.IN_EXPERT_REVIEW):
        try:
            apply_transition(subject=case, action="complete_review", actor=request.user)
            done += 1
        except TransitionRefused:
            continue
    messages.success(request, _("已确认%(n)d个案例评审完成。") % {"n": done})
    return redirect("reviews:results", year=year)


def _answer_auto_id(objection_id) -> str:
    # One answer form per objection on the page: ids of their own.
    return f"id_objection{objection_id}_%s"


# A list of cases shows names, never the texts (kilobytes each).
NARRATIVES = ("header", "sections", "figures")


def _publication_page(request, campaign, *, failed=None, forms=None):
    """The 公示 and its objections, the 通报. `failed`: a form that did not go through,
    shown with its errors beside its fields and at the top; answered with 400."""
    forms = forms or {}
    notice = Publication.objects.filter(campaign=campaign, kind=PublicationKind.NOTICE).first()
    announcement = Publication.objects.filter(campaign=campaign, kind=PublicationKind.ANNOUNCEMENT).first()
    selected = (
        Case.objects.filter(campaign=campaign, state__in=(CaseState.SELECTED, CaseState.RECOMMENDED_TO_NRTA))
        .select_related("unit", "authority", "category")
        .defer(*NARRATIVES)
    )
    starts, ends = default_notice_period()
    year = campaign.year
    objections = [
        (
            objection,
            forms.get(("answer", objection.pk))
            or ObjectionAnswerForm(
                campaign=campaign, initial={"objection": objection.pk}, auto_id=_answer_auto_id(objection.pk)
            ),
        )
        for objection in (notice.objections.select_related("case") if notice else [])
    ]
    return render(
        request,
        "reviews/publication.html",
        {
            "campaign": campaign,
            "notice": notice,
            "announcement": announcement,
            "objections": objections,
            "selected": page_of(request, selected.order_by("category__position", "title", "pk")),
            "notice_form": forms.get("notice")
            or NoticeForm(
                initial={
                    "title": _("关于%(y)s年全省广播电视媒体融合典型案例评选结果的公示") % {"y": year},
                    "starts_on": starts,
                    "ends_on": ends,
                }
            ),
            "objection_form": forms.get("objection") or ObjectionForm(campaign=campaign),
            "announcement_form": forms.get("announcement")
            or AnnouncementForm(
                initial={"title": _("关于%(y)s年全省广播电视媒体融合典型案例评选结果的通报") % {"y": year}}
            ),
            "failed": failed,
        },
        status=400 if failed is not None else 200,
    )


@login_required
def publication(request, year: int):
    return _publication_page(request, province_campaign(request, year))


@login_required
@require_POST
def notice_publish_view(request, year: int):
    """发布公示."""
    campaign = province_campaign(request, year)
    form = NoticeForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            notice_publish(
                campaign=campaign,
                actor=request.user,
                title=data["title"],
                starts_on=data["starts_on"],
                ends_on=data["ends_on"],
                document_number=data["document_number"],
            )
        except (TransitionRefused, PermissionDenied) as error:
            add_refusal(form, error)
        else:
            messages.success(request, _("已发布公示；申报单位现在可以看到本单位案例的评选结果。"))
            return redirect("reviews:publication", year=year)
    return _publication_page(request, campaign, failed=form, forms={"notice": form})


@login_required
@require_POST
def objection_record_view(request, year: int):
    """登记异议 received during the 公示."""
    campaign = province_campaign(request, year)
    form = ObjectionForm(request.POST, campaign=campaign)
    notice = Publication.objects.filter(campaign=campaign, kind=PublicationKind.NOTICE).first()
    if notice is None:
        form.add_error(None, _("尚未发布公示，不能登记异议。"))
    if form.is_valid():
        data = form.cleaned_data
        try:
            objection_record(
                publication=notice,
                case=data["case"],
                actor=request.user,
                objector=data["objector"],
                contact=data["contact"],
                content=data["content"],
            )
        except (TransitionRefused, PermissionDenied) as error:
            add_refusal(form, error)
        else:
            messages.success(request, _("已登记异议。"))
            return redirect("reviews:publication", year=year)
    return _publication_page(request, campaign, failed=form, forms={"objection": form})


@login_required
@require_POST
def objection_answer_view(request, year: int):
    """登记处理意见 of one objection."""
    campaign = province_campaign(request, year)
    form = ObjectionAnswerForm(request.POST, campaign=campaign)
    if form.is_valid():
        objection = form.cleaned_data["objection"]
        try:
            objection_answer(objection=objection, actor=request.user, answer=form.cleaned_data["answer"])
        except (TransitionRefused, PermissionDenied) as error:
            add_refusal(form, error)
        else:
            messages.success(request, _("已登记处理意见。"))
            return redirect("reviews:publication", year=year)
    objection = form.cleaned_data.get("objection")
    forms = {}
    if objection is not None:
        # Shown again in its objection's row, with what was typed and the error beside it.
        form.auto_id = _answer_auto_id(objection.pk)
        forms[("answer", objection.pk)] = form
    return _publication_page(request, campaign, failed=form, forms=forms)


@login_required
@require_POST
def announcement_publish_view(request, year: int):
    """发布通报, once the 公示 is over and every objection answered."""
    campaign = province_campaign(request, year)
    form = AnnouncementForm(request.POST)
    if form.is_valid():
        try:
            announcement_publish(
                campaign=campaign,
                actor=request.user,
                title=form.cleaned_data["title"],
                document_number=form.cleaned_data["document_number"],
            )
        except (TransitionRefused, PermissionDenied) as error:
            add_refusal(form, error)
        else:
            messages.success(request, _("已发布通报。"))
            return redirect("reviews:publication", year=year)
    return _publication_page(request, campaign, failed=form, forms={"announcement": form})


@login_required
def announcement_document(request, year: int, extension: str):
    campaign = province_campaign(request, year)
    render_document = {"pdf": render_announcement_pdf, "xlsx": render_announcement_xlsx}[extension]
    return download_response(render_document(campaign), filename=announcement_filename(campaign, extension))


@login_required
def score_sheet(request, year: int):
    campaign = province_campaign(request, year)
    stage = chosen_stage(campaign, request.GET.get("stage"))
    return download_response(render_score_sheet_xlsx(stage), filename=score_sheet_filename(stage))


def _nrta_page(request, campaign, *, failed=None):
    return render(
        request,
        "reviews/nrta.html",
        {
            "campaign": campaign,
            "recommended": nrta_cases(campaign),
            # Those still to recommend, a page at a time.
            "selected": page_of(
                request,
                Case.objects.filter(campaign=campaign, state=CaseState.SELECTED)
                .select_related("category")
                .only("pk", "state", "title", "category__name", "category__position")
                .order_by("category__position", "title", "pk"),
            ),
            "packages": NrtaPackage.objects.filter(campaign=campaign).select_related("requested_by")[:10],
            "failed": failed,
        },
        status=400 if failed is not None else 200,
    )


@login_required
def nrta(request, year: int):
    return _nrta_page(request, province_campaign(request, year))


def _nrta_move(request, year: int, step: int):
    campaign = province_campaign(request, year)
    form = NrtaCaseForm(request.POST, campaign=campaign)
    if not form.is_valid():
        return _nrta_page(request, campaign, failed=form)
    nrta_move(campaign=campaign, case_id=form.cleaned_data["case"].pk, step=step)
    return redirect("reviews:nrta", year=year)


@login_required
@require_POST
def nrta_move_up(request, year: int):
    """上移: one place earlier in the recommendation order."""
    return _nrta_move(request, year, -1)


@login_required
@require_POST
def nrta_move_down(request, year: int):
    """下移: one place later in the recommendation order."""
    return _nrta_move(request, year, 1)


@login_required
@require_POST
def nrta_package_request_view(request, year: int):
    """生成推荐材料包: queued, built in the background, listed below when done."""
    campaign = province_campaign(request, year)
    try:
        nrta_package_request(campaign=campaign, actor=request.user)
    except (TransitionRefused, PermissionDenied) as error:
        report_errors(request, error)
    else:
        messages.success(request, _("已开始生成推荐材料包，完成后可在下方下载。"))
    return redirect("reviews:nrta", year=year)


@login_required
def nrta_package_download(request, year: int, package_id: int):
    campaign = province_campaign(request, year)
    package = get_object_or_404(NrtaPackage, pk=package_id, campaign=campaign, status="done")
    return download_response(package.file.open("rb"), filename=package_filename(campaign))

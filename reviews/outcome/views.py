"""The province's pages of the review's outcome: results and selection, publication
(公示, objections, 通报) and the NRTA recommendation."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Subquery
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from django.views.decorators.http import require_POST

from accounts.selectors import province_name
from applications.bulk import CaseBulkForm, cases_transition_each
from applications.enums import PROVINCIAL_STATES, CaseState
from applications.models import Case
from applications.selectors import cases_visible_to
from core.bulk import bulk_report
from core.feedback import report_errors
from core.forms import add_refusal
from core.http import download_response
from core.listing import ListParams, back_to_list, kept_parameters
from core.paging import page_of
from reviews.access import chosen_stage, province_campaign
from reviews.enums import PublicationKind
from reviews.experts.aggregation import rule_description, specs_of
from reviews.experts.forms import AdvanceForm
from reviews.experts.results import (
    CategorySummary,
    attach_trace,
    case_figures,
    case_id_of,
    category_page,
    category_summary,
)
from reviews.experts.rounds import stage_advance
from reviews.experts.score_sheet import render_score_sheet_xlsx, score_sheet_filename
from reviews.experts.services import rubric_is_frozen
from reviews.models import Publication, Rubric
from reviews.outcome.announcement_documents import announcement_filename, render_announcement_xlsx
from reviews.outcome.forms import (
    AnnouncementForm,
    NoticeForm,
    NrtaCaseForm,
    ObjectionAnswerForm,
    ObjectionForm,
    SelectionRulesForm,
)
from reviews.outcome.nrta import nrta_candidates, nrta_cases, nrta_move
from reviews.outcome.nrta_package import nrta_package_request, nrta_packages
from reviews.outcome.official_documents import official_filename, render_official_docx, render_official_pdf
from reviews.outcome.publication import (
    announcement_blockers,
    announcement_publish,
    default_notice_period,
    default_official_fields,
    notice_blockers,
    notice_publish,
    objection_answer,
    objection_record,
)
from reviews.outcome.rules import selection_rules_update
from reviews.outcome.selectors import categories_with_selected, quota_warnings, selection_rules_for
from workflow.exceptions import TransitionRefused
from workflow.services import apply_transition

# The results page: a summary per category, then one category at a time, a page at a
# time, each case with its category-wide place (nobody reads every row of a campaign).
RESULTS_PAGE_SIZE = 25
RESULT_FILTERS = {
    "undecided": (CaseState.REVIEWED,),
    "selected": (CaseState.SELECTED, CaseState.RECOMMENDED_TO_NRTA),
    "not_selected": (CaseState.NOT_SELECTED,),
    "in_review": (CaseState.IN_EXPERT_REVIEW,),
}
RESULT_FILTER_LABELS = [
    ("", gettext_lazy("全部")),
    ("undecided", gettext_lazy("待决定")),
    ("selected", gettext_lazy("已入选")),
    ("not_selected", gettext_lazy("未入选")),
    ("in_review", gettext_lazy("评审中")),
]
# The results page's own parameters, kept by its forms and links.
RESULTS_PARAMETERS = ("stage", "category", "state", "page", "trace")


# A case id no case has, replaced in the rows' links by each row's own.
_ROW_SENTINEL = 987654321


class _FigurePages:
    """A category's figures as the paginator slices them: one query for the page asked
    for, the places taken over the whole category."""

    def __init__(self, fetch):
        self.fetch = fetch

    def __getitem__(self, bounds: slice):
        return self.fetch(limit=bounds.stop - bounds.start, offset=bounds.start)


def _results_page(request, campaign, stage, *, advance_form=None):
    params = ListParams(request)
    rubric = campaign.rubric
    criteria = list(rubric.criteria.all())
    # The categories with their selected counts (for the quota warnings) and whether the
    # 公示 is out (decisions can then no longer be undone): one query.
    categories = list(
        categories_with_selected(campaign).annotate(
            notice_published=Exists(
                Publication.objects.filter(campaign=OuterRef("campaign"), kind=PublicationKind.NOTICE)
            )
        )
    )
    category_id = params.object_id("category", [category.pk for category in categories])
    shown = params.choice("state", RESULT_FILTERS)
    summaries = category_summary(stage=stage)
    if category_id is None:
        # The first category with cases in this round, else the first.
        category_id = next(
            (category.pk for category in categories if category.pk in summaries),
            categories[0].pk if categories else None,
        )
    states = RESULT_FILTERS.get(shown)
    summary = summaries.get(category_id) or CategorySummary()
    page = params.page_of(
        _FigurePages(
            lambda limit, offset: category_page(
                stage=stage,
                rubric=rubric,
                category_id=category_id,
                states=states,
                limit=limit,
                offset=offset,
            )
        ),
        per_page=RESULTS_PAGE_SIZE,
        count=summary.count(states),
    )
    rows = list(page.object_list)
    ids = [case_id_of(row) for row in rows]
    # Each expert's scores behind the figures of the rows shown, when asked for.
    trace = params.choice("trace", ("1",)) == "1"
    if trace:
        attach_trace(rows, stage=stage, rubric=rubric, specs=specs_of(criteria))
    gate_words = {True: _("通过"), False: _("不通过")}
    # Each row's links, from one reverse per kind (a reverse costs more than the row).
    links = {
        name: reverse(*route, args=[_ROW_SENTINEL, *extra])
        for name, (route, extra) in {
            "detail": (("case_detail",), []),
            "select": (("case_transition",), ["select"]),
            "reject": (("case_transition",), ["reject_selection"]),
            "reconsider": (("case_transition",), ["reconsider_selection"]),
        }.items()
    }
    for result in rows:
        pk = str(result.case.pk)
        result.links = {name: url.replace(str(_ROW_SENTINEL), pk, 1) for name, url in links.items()}
        for score in result.scores:
            # One cell per criterion, in the rubric's order: the trace behind each total.
            score.cells = [
                gate_words.get(score.gates.get(c.pk), "—") if c.is_gate else score.values.get(c.pk, "—")
                for c in criteria
            ]
    # The other rounds' figures beside this round's, for the cases shown.
    stages = stage.siblings
    others = [
        (other, {case_id_of(r): r for r in case_figures(stage=other, rubric=rubric, case_ids=ids)})
        for other in stages
        if other.pk != stage.pk
    ]
    for result in rows:
        result.other_rounds = [by_case.get(result.case.pk) for _other, by_case in others]
    summary_rows = [(category, summaries.get(category.pk) or CategorySummary()) for category in categories]
    return render(
        request,
        "reviews/results.html",
        {
            "campaign": campaign,
            "stage": stage,
            "stages": stages,
            "other_stages": [other for other, _by_case in others],
            "next_stage": next((other for other in stages if other.order > stage.order), None),
            "rubric": rubric,
            "rule": rule_description(rubric.aggregation, rubric.trim_min_experts),
            "criteria": criteria,
            "summary": summary_rows,
            "totals": CategorySummary(
                cases=sum(s.cases for _c, s in summary_rows),
                complete=sum(s.complete for _c, s in summary_rows),
                by_state={
                    state: sum(s.by_state.get(state, 0) for _c, s in summary_rows) for state in PROVINCIAL_STATES
                },
            ),
            "category": next((category for category in categories if category.pk == category_id), None),
            "category_summary": summary,
            "rows": rows,
            "shown": shown,
            "trace": trace,
            "trace_toggle": params.querystring(trace=None if trace else "1"),
            "filters": [
                (value, label, summary.count(RESULT_FILTERS.get(value))) for value, label in RESULT_FILTER_LABELS
            ],
            "page": page,
            "advanceable_state": CaseState.IN_EXPERT_REVIEW,
            "warnings": quota_warnings(campaign=campaign, categories=categories),
            "advance_form": advance_form
            or AdvanceForm(campaign=campaign, initial={"stage": stage.pk}, auto_id="id_advance_%s"),
            "results_parameters": RESULTS_PARAMETERS,
            "can_advance": any(s.advanceable for _c, s in summary_rows),
            "decide_actions": DECIDE_ACTIONS,
            "keep": kept_parameters(request, RESULTS_PARAMETERS) or [("stage", stage.pk)],
            "notice_published": any(category.notice_published for category in categories),
            "failed": advance_form,
        },
        status=400 if advance_form is not None else 200,
    )


@login_required
def results(request, year: int):
    """Results per category, traceable to each expert's scores; decisions from here."""
    campaign = province_campaign(request, year)
    return _results_page(request, campaign, chosen_stage(campaign, request.GET.get("stage")))


@login_required
@require_POST
def stage_advance_view(request, year: int):
    """晋级下一轮: the top N of each category of a round, or cases chosen in its rows."""
    campaign = province_campaign(request, year)
    form = AdvanceForm(request.POST, campaign=campaign, auto_id="id_advance_%s")
    if form.is_valid():
        data = form.cleaned_data
        try:
            following = stage_advance(
                stage=data["stage"],
                actor=request.user,
                top_n=data["top_n"] or None,
                case_ids=[case.pk for case in data["cases"]] or None,
            )
        except (TransitionRefused, PermissionDenied) as error:
            add_refusal(form, error)
        else:
            messages.success(
                request,
                _("已确定「%(name)s」入围名单（%(n)d个案例）；请在专家评审页开启该轮并分配专家。")
                % {"name": following.name, "n": following.shortlist.count()},
            )
            return redirect(f"{reverse('reviews:results', args=[year])}?stage={following.pk}")
    stage = chosen_stage(campaign, getattr(form.cleaned_data.get("stage"), "pk", None))
    return _results_page(request, campaign, stage, advance_form=form)


@login_required
def selection_rules(request, year: int):
    """入选规则: quotas (hard or soft), the aggregation rule, the shortest 公示."""
    campaign = province_campaign(request, year)
    rubric = Rubric.objects.get(campaign=campaign)
    rules = selection_rules_for(campaign)
    kwargs = {"campaign": campaign, "rules": rules, "rubric": rubric, "frozen": rubric_is_frozen(rubric)}
    form = SelectionRulesForm(request.POST if request.method == "POST" else None, **kwargs)
    if request.method == "POST" and form.is_valid():
        try:
            selection_rules_update(campaign=campaign, actor=request.user, **form.rule_values())
        except (TransitionRefused, PermissionDenied) as error:
            add_refusal(form, error)
        else:
            messages.success(request, _("已保存入选规则。"))
            return redirect("reviews:selection_rules", year=year)
    return render(
        request,
        "reviews/selection_rules.html",
        {"campaign": campaign, "form": form, "failed": form if form.is_bound else None},
        status=400 if form.is_bound else 200,
    )


DECIDE_ACTIONS = [
    ("select", pgettext_lazy("case action", "入选")),
    ("reject_selection", pgettext_lazy("case action", "确定不入选")),
]
DECIDE_COMMENT_REQUIRED = {"reject_selection": gettext_lazy("批量确定不入选需要填写理由，所选案例都将记录该理由。")}


@login_required
@require_POST
def results_decide(request, year: int):
    """入选 / 不入选 for several cases of the results at once, each through the one door
    in its own transaction; each case refused (a failed gate, a quota, a state that
    changed) is named with its reasons."""
    campaign = province_campaign(request, year)
    form = CaseBulkForm(
        request.POST,
        actions=DECIDE_ACTIONS,
        queryset=cases_visible_to(user=request.user).filter(campaign=campaign).order_by(),
        comment_required=DECIDE_COMMENT_REQUIRED,
    )
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
    else:
        data = form.cleaned_data
        comment = data["comment"] or (_("经专家评审，确定入选。") if data["action"] == "select" else "")
        outcome = cases_transition_each(cases=data["cases"], action=data["action"], actor=request.user, comment=comment)
        label = dict(DECIDE_ACTIONS)[data["action"]]
        bulk_report(request, outcome, done=_("已对%%(n)d个案例执行「%(action)s」。") % {"action": label})
    return back_to_list(reverse("reviews:results", args=[year]), request.POST, RESULTS_PARAMETERS)


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


class _SelectedPages:
    """The selected cases as the paginator slices them: the page's ids in the list's
    order from the cases' (campaign, state, category, title) index alone, then those
    rows with what the list shows (one query: the ids are its subquery), instead of
    sorting every selected case's row."""

    def __init__(self, cases):
        self.cases = cases

    def __getitem__(self, bounds: slice):
        ids = self.cases.values("pk")[bounds]
        return list(
            Case.objects.filter(pk__in=Subquery(ids))
            .select_related("unit", "authority", "category")
            .only("title", "state", "unit__name", "authority__name", "category__name", "category__position")
            .order_by("category__position", "title", "pk")
        )


def _publication_page(request, campaign, *, failed=None, forms=None):
    """The 公示 and its objections, the 通报. `failed`: a form that did not go through,
    shown with its errors beside its fields and at the top; answered with 400."""
    forms = forms or {}
    published = {publication.kind: publication for publication in Publication.objects.filter(campaign=campaign)}
    notice, announcement = published.get(PublicationKind.NOTICE), published.get(PublicationKind.ANNOUNCEMENT)
    issuer = province_name()  # once for both forms' defaults
    selected = Case.objects.filter(
        campaign=campaign, state__in=(CaseState.SELECTED, CaseState.RECOMMENDED_TO_NRTA)
    ).order_by("category__position", "title", "pk")
    rules = selection_rules_for(campaign)
    starts, ends = default_notice_period(days=rules.notice_min_days)
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
            # Buttons that would be refused are shown disabled with the reasons.
            "notice_blocked_by": [] if notice else notice_blockers(campaign=campaign, notice=None),
            "announcement_blocked_by": (
                announcement_blockers(campaign=campaign, notice=notice) if notice and not announcement else []
            ),
            "objections": objections,
            "selected": page_of(request, _SelectedPages(selected), count=selected.count()),
            "notice_form": forms.get("notice")
            or NoticeForm(
                campaign=campaign,
                initial={
                    **default_official_fields(campaign, PublicationKind.NOTICE, issuer=issuer),
                    "issued_on": starts,
                    "starts_on": starts,
                    "ends_on": ends,
                },
            ),
            "objection_form": forms.get("objection") or ObjectionForm(campaign=campaign),
            "announcement_form": forms.get("announcement")
            or AnnouncementForm(
                initial={
                    **default_official_fields(campaign, PublicationKind.ANNOUNCEMENT, issuer=issuer),
                    "issued_on": timezone.localdate(),
                }
            ),
            "rules": rules,
            "failed": failed,
        },
        status=400 if failed is not None else 200,
    )


def _official(data: dict) -> dict:
    """The parts of the 公文 from a publication form's cleaned data."""
    return {key: data[key] for key in ("document_number", "issuer", "addressee", "body", "issued_on")}


@login_required
def publication(request, year: int):
    return _publication_page(request, province_campaign(request, year))


@login_required
@require_POST
def notice_publish_view(request, year: int):
    """发布公示."""
    campaign = province_campaign(request, year)
    form = NoticeForm(request.POST, campaign=campaign)
    if form.is_valid():
        data = form.cleaned_data
        try:
            notice_publish(
                campaign=campaign,
                actor=request.user,
                title=data["title"],
                starts_on=data["starts_on"],
                ends_on=data["ends_on"],
                **_official(data),
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
            objection_answer(
                objection=objection,
                actor=request.user,
                answer=form.cleaned_data["answer"],
                upheld=form.cleaned_data["upheld"],
            )
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
                **_official(form.cleaned_data),
            )
        except (TransitionRefused, PermissionDenied) as error:
            add_refusal(form, error)
        else:
            messages.success(request, _("已发布通报。"))
            return redirect("reviews:publication", year=year)
    return _publication_page(request, campaign, failed=form, forms={"announcement": form})


_OFFICIAL_RENDERERS = {"pdf": render_official_pdf, "docx": render_official_docx}


@login_required
def announcement_document(request, year: int, extension: str):
    """The 通报 as a 公文 (PDF, Word), or its 名单 as Excel; a preview before it is published."""
    campaign = province_campaign(request, year)
    if extension == "xlsx":
        return download_response(
            render_announcement_xlsx(campaign), filename=announcement_filename(campaign, extension)
        )
    data = _OFFICIAL_RENDERERS[extension](campaign, PublicationKind.ANNOUNCEMENT)
    return download_response(data, filename=official_filename(campaign, PublicationKind.ANNOUNCEMENT, extension))


@login_required
def notice_document(request, year: int, extension: str):
    """The 公示 as a 公文 (PDF, Word); a preview before it is published."""
    campaign = province_campaign(request, year)
    data = _OFFICIAL_RENDERERS[extension](campaign, PublicationKind.NOTICE)
    return download_response(data, filename=official_filename(campaign, PublicationKind.NOTICE, extension))


@login_required
def score_sheet(request, year: int):
    campaign = province_campaign(request, year)
    stage = chosen_stage(campaign, request.GET.get("stage"))
    return download_response(render_score_sheet_xlsx(stage), filename=score_sheet_filename(stage))


def _nrta_page(request, campaign, *, failed=None):
    packages = list(nrta_packages(campaign).select_related("requested_by")[:10])
    return render(
        request,
        "reviews/nrta.html",
        {
            "campaign": campaign,
            "recommended": nrta_cases(campaign),
            # Only the cases the 通报 published, in its order (none before it), a page at a time.
            "selected": page_of(request, nrta_candidates(campaign)),
            "announced": Publication.objects.filter(campaign=campaign, kind=PublicationKind.ANNOUNCEMENT).exists(),
            "packages": packages,
            # Without JavaScript the page refreshes itself while a package is being built.
            "packages_pending": any(job.pending for job in packages),
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
    """生成推荐材料包: queued, built by the worker; the page shows its progress, then its link."""
    campaign = province_campaign(request, year)
    try:
        nrta_package_request(campaign=campaign, actor=request.user)
    except (TransitionRefused, PermissionDenied) as error:
        report_errors(request, error)
    else:
        messages.success(request, _("推荐材料包已加入后台队列，下方显示生成进度，完成后可下载。"))
    return redirect("reviews:nrta", year=year)

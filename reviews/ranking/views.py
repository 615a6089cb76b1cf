"""The recommending authority's preliminary review and ranking, and the province's
view of the ranking tables."""

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts import roles
from applications.enums import CaseState
from applications.models import Campaign, Case
from applications.uploads import PDF, offered_name
from core.feedback import report_errors
from core.forms import add_refusal
from core.http import download_response
from core.links import link_for_each
from core.paging import page_of
from core.params import parse_id, parse_int
from reviews.models import RankingTable
from reviews.ranking.documents import ranking_filename, render_ranking_pdf, render_ranking_xlsx
from reviews.ranking.forms import TableReturnForm
from reviews.ranking.selectors import authority_of, campaign_overview, ranking_rows
from reviews.ranking.services import (
    case_return_to_authority,
    ranking_move,
    ranking_return,
    ranking_scan_upload,
    ranking_set_order,
    ranking_set_ranks,
    ranking_submit,
    submission_problems,
    table_for,
)
from workflow.exceptions import TransitionRefused


def _authority(request):
    authority = authority_of(request.user)
    if authority is None:
        raise Http404
    return authority


@login_required
def review_home(request):
    """The latest campaign's page for this user: the queue for an authority, the
    overview for the province's administrator."""
    campaign = Campaign.objects.order_by("-year").first()
    if campaign is None:
        raise Http404
    if roles.is_province_admin(request.user):
        return redirect("reviews:overview", year=campaign.year)
    _authority(request)
    return redirect("reviews:queue", year=campaign.year)


# Rows of the order on one page. An authority may recommend as many cases as it
# likes (各地推荐的典型案例数量不作限制): thousands of rows, each with its field and two
# buttons, are neither read nor rendered at once. Ranks are global: a typed rank
# moves a case to any page, 上移/下移 at a page's edge cross into the next page.
RANKING_PAGE_SIZE = 100


def _page_with_rank(rank: int) -> int:
    return (rank - 1) // RANKING_PAGE_SIZE + 1


def _ranking_url(year: int, *, page: int | None = None, moved: int | None = None, direction: str = "") -> str:
    query = {}
    if page and page > 1:
        query["page"] = page
    if moved is not None:
        query["moved"] = moved
        if direction:
            query["direction"] = direction
    url = reverse("reviews:ranking", args=[year])
    return url + (f"?{urlencode(query)}" if query else "") + (f"#case-{moved}" if moved is not None else "")


@login_required
def ranking(request, year: int):
    """The priority order of all the authority's recommended cases, a page of it at a
    time, and its table (whole, as a document)."""
    authority = _authority(request)
    campaign = get_object_or_404(Campaign, year=year)
    table = table_for(campaign=campaign, authority=authority)
    table.campaign = campaign  # the one read above, not read again for the table's checks
    total = table.entries.count()
    page = page_of(request, table.entries.order_by("rank"), size=RANKING_PAGE_SIZE, count=total)
    page.querystring_without_page = ""  # the pages' links carry no marked row
    moved = request.GET.get("moved", "")
    entries = ranking_rows(table=table, first=page.start_index(), last=page.end_index(), total=total, moved=moved)
    return render(
        request,
        "reviews/ranking.html",
        {
            "campaign": campaign,
            "authority": authority,
            "table": table,
            "entries": entries,
            "page": page,
            "total": total,
            "problems": submission_problems(table=table),
            "moved": moved,
            "moved_direction": request.GET.get("direction", ""),
        },
    )


def _table_for_post(request, year: int) -> RankingTable:
    authority = _authority(request)
    campaign = get_object_or_404(Campaign, year=year)
    return table_for(campaign=campaign, authority=authority)


def _posted_int(request, name: str) -> int | None:
    """An optional number the page's form carries (its first rank, its order version);
    ValueError if present and not one."""
    value = request.POST.get(name, "")
    if value == "":
        return None
    number = parse_int(value, minimum=0, maximum=10**9)
    if number is None:
        raise ValueError(f"{name} is not a number")
    return number


@login_required
@require_POST
def ranking_order(request, year: int):
    """Save the order: from rank numbers typed by hand, or the list a drag left, on one
    page of the order (`first`, its first rank, and `version`, the order it showed)."""
    table = _table_for_post(request, year)
    back = _ranking_url(year)
    try:
        first, version = _posted_int(request, "first"), _posted_int(request, "version")
        if first is not None:
            back = _ranking_url(year, page=_page_with_rank(max(first, 1)))
        if request.POST.get("order"):
            order = [parse_id(part) for part in request.POST["order"].split(",") if part.strip()]
            if None in order:
                raise ValueError("an id that is not one")
            ranking_set_order(table=table, actor=request.user, case_ids=order, first=first, version=version)
        else:
            ranks = {}
            for key, value in request.POST.items():
                if key.startswith("rank__"):
                    case_id = parse_id(key.removeprefix("rank__"))
                    rank = parse_int(value, minimum=-(10**6), maximum=10**6)
                    if case_id is None:
                        raise ValueError("an id that is not one")
                    if rank is None:
                        raise TransitionRefused(_("排序号须为整数。"))
                    ranks[case_id] = rank
            shown = dict(table.entries.filter(case_id__in=list(ranks)).values_list("case_id", "rank"))
            ranking_set_ranks(table=table, actor=request.user, ranks=ranks, first=first, version=version)
            changed = [case_id for case_id, rank in ranks.items() if shown.get(case_id) != rank]
            if first is not None and len(changed) == 1:
                # One case typed to a new rank: the page it went to, the case marked.
                back = _ranking_url(year, page=_page_with_rank(ranks[changed[0]]), moved=changed[0])
    except (TransitionRefused, PermissionDenied) as error:
        report_errors(request, error)
    except ValueError:
        messages.error(request, _("排序数据有误，请刷新页面后重试。"))
    else:
        messages.success(request, _("推荐排序已保存。"))
    return redirect(back)


@login_required
@require_POST
def ranking_step(request, year: int):
    """Move one case one place up or down: the keyboard's (and no-script) way to sort.
    At a page's edge the case crosses into the neighbouring page, which then shows."""
    table = _table_for_post(request, year)
    case_id = None
    try:
        case_id = parse_id(request.POST.get("case"))
        if case_id is None:
            raise ValueError("an id that is not one")
        rank = table.entries.get(case_id=case_id).rank
        step = {"up": -1, "down": 1}[request.POST.get("direction", "")]
        ranking_move(table=table, actor=request.user, case_id=case_id, to_rank=rank + step)
    except (ValueError, KeyError, table.entries.model.DoesNotExist):
        messages.error(request, _("排序数据有误，请刷新页面后重试。"))
    except (TransitionRefused, PermissionDenied) as error:
        report_errors(request, error)
    # Back at the moved row, on its page, with its button focused (autofocus, no script
    # needed): the keyboard user presses Enter again to move it further.
    direction = request.POST.get("direction", "")
    if case_id is None or direction not in ("up", "down"):
        return redirect("reviews:ranking", year=year)
    rank = table.entries.filter(case_id=case_id).values_list("rank", flat=True).first()
    page = _page_with_rank(rank) if rank else None
    return redirect(_ranking_url(year, page=page, moved=case_id, direction=direction))


@login_required
def ranking_document(request, year: int, extension: str):
    """The ranking table to print and stamp, as PDF or Excel."""
    authority = _authority(request)
    table = table_for(campaign=get_object_or_404(Campaign, year=year), authority=authority)
    render_table = {"pdf": render_ranking_pdf, "xlsx": render_ranking_xlsx}[extension]
    return download_response(render_table(table), filename=ranking_filename(table, extension))


@login_required
@require_POST
def ranking_scan(request, year: int):
    table = _table_for_post(request, year)
    uploaded = request.FILES.get("scan")
    if uploaded is None:
        messages.error(request, _("请选择盖章扫描件（PDF）。"))
    else:
        try:
            ranking_scan_upload(table=table, actor=request.user, uploaded=uploaded)
        except (ValidationError, TransitionRefused, PermissionDenied) as error:
            report_errors(request, error)
        else:
            messages.success(request, _("已上传盖章扫描件。"))
    return redirect("reviews:ranking", year=year)


@login_required
@require_POST
def ranking_submit_view(request, year: int):
    authority = _authority(request)
    campaign = get_object_or_404(Campaign, year=year)
    try:
        table = ranking_submit(campaign=campaign, authority=authority, actor=request.user)
    except (TransitionRefused, PermissionDenied) as error:
        report_errors(request, error)
    else:
        messages.success(
            request, _("推荐排序表已报送省局，%(count)d个案例进入省级评审。") % {"count": table.entries.count()}
        )
    return redirect("reviews:ranking", year=year)


def _scan_response(table: RankingTable):
    if not table.stamped_scan:
        raise Http404
    return download_response(
        table.stamped_scan.open("rb"), filename=offered_name(table.scan_name, PDF), content_type="application/pdf"
    )


@login_required
def table_scan(request, year: int, table_id: int):
    """The stamped scan of a table: for its authority and for the province."""
    table = get_object_or_404(RankingTable.objects.select_related("campaign"), pk=table_id, campaign__year=year)
    if not (roles.is_province_admin(request.user) or authority_of(request.user) == table.authority):
        raise Http404
    return _scan_response(table)


def _overview_page(request, campaign, *, failed=None, failed_table_id=None):
    """Every authority, its cases and its table; each submitted table with the form to
    return it. `failed`: a return that did not go through, shown in its row and at the
    top; answered with 400."""
    rows, categories = campaign_overview(campaign=campaign)
    # Each row's links for one reverse() each, not one per row (core.links).
    scan_link = link_for_each("reviews:table_scan", campaign.year)
    return_link = link_for_each("reviews:table_return", campaign.year)
    for row in rows:
        if row["table"] is not None and row["table"].stamped_scan:
            row["scan_url"] = scan_link(row["table"].pk)
    locked = [row for row in rows if row["table"] is not None and row["table"].is_locked]
    blank = TableReturnForm.blank_fields(row["table"].pk for row in locked)
    for row in locked:
        row["return_url"] = return_link(row["table"].pk)
        if failed is not None and row["table"].pk == failed_table_id:
            row["return_form"] = failed
            row["return_field"] = failed["reason"].as_field_group()
        else:
            row["return_field"] = blank[row["table"].pk]
    return render(
        request,
        "reviews/overview.html",
        {"campaign": campaign, "rows": rows, "categories": categories, "states": list(CaseState), "failed": failed},
        status=400 if failed is not None else 200,
    )


@login_required
def overview(request, year: int):
    """The province's view of the campaign: every authority, its cases and its table."""
    if not roles.is_province_admin(request.user):
        raise Http404
    return _overview_page(request, get_object_or_404(Campaign, year=year))


@login_required
@require_POST
def table_return(request, year: int, table_id: int):
    if not roles.is_province_admin(request.user):
        raise Http404
    table = get_object_or_404(
        RankingTable.objects.select_related("campaign", "authority"), pk=table_id, campaign__year=year
    )
    form = TableReturnForm(request.POST, auto_id=TableReturnForm.auto_id_for(table.pk))
    if form.is_valid():
        try:
            ranking_return(table=table, actor=request.user, reason=form.cleaned_data["reason"])
        except (TransitionRefused, PermissionDenied) as error:
            add_refusal(form, error)
        else:
            messages.success(request, _("已将%(authority)s的推荐排序表退回。") % {"authority": table.authority.name})
            return redirect("reviews:overview", year=year)
    return _overview_page(request, table.campaign, failed=form, failed_table_id=table.pk)


@login_required
@require_POST
def case_return(request, year: int, pk: int):
    """The province sends one case of a submitted table back to its authority (none of
    its experts assigned yet): it waits, recommended, in the authority's open table."""
    if not roles.is_province_admin(request.user):
        raise Http404
    case = get_object_or_404(Case.objects.select_related("campaign"), pk=pk, campaign__year=year)
    form = TableReturnForm(request.POST)
    if form.is_valid():
        try:
            case_return_to_authority(case=case, actor=request.user, reason=form.cleaned_data["reason"])
        except (TransitionRefused, PermissionDenied) as error:
            report_errors(request, error)
        else:
            messages.success(request, _("已将该案例退回推荐单位。"))
    else:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
    return redirect("case_detail", pk=case.pk)

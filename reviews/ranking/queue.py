"""The authority's review queue 初审: search, filters and sorting kept in the URL,
pagination, the Excel export of what the page lists, and bulk 推荐 / 不予推荐."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from django.views.decorators.http import require_POST

from accounts.enums import UnitType
from applications.bulk import CaseBulkForm, cases_transition_each
from applications.enums import CaseState
from applications.models import Campaign
from core.bulk import bulk_report
from core.documents.excel import Column
from core.jobs import ListTable, export_list, list_export
from core.links import link_for_each
from core.listing import ListParams, back_to_list, kept_parameters
from reviews.models import RankingTable
from reviews.ranking.selectors import QUEUE_SORTS, authority_of, review_queue, review_queue_counts

PAGE_SIZE = 50
SORT_CHOICES = [
    ("updated", gettext_lazy("最近更新")),
    ("title", gettext_lazy("案例名称")),
    ("unit", gettext_lazy("申报单位")),
    ("category", gettext_lazy("类别")),
    ("state", gettext_lazy("状态")),
    ("rank", gettext_lazy("推荐排序")),
]
# What the authority may do to several submitted cases at once.
BULK_ACTIONS = [
    ("recommend", pgettext_lazy("case action", "推荐")),
    ("reject", pgettext_lazy("case action", "不予推荐")),
]
BULK_COMMENT_REQUIRED = {"reject": gettext_lazy("批量不予推荐需要填写理由，所选案例都将收到该理由。")}
# The query parameters of the list, kept when a bulk action returns to it.
LIST_PARAMETERS = ("q", "state", "category", "unit", "unit_type", "sort", "page")


# What a row of the queue (and of its export) shows, and nothing else: no narrative, no
# column of the related rows it does not print (a conversion per column per row).
ROW_COLUMNS = (
    "state",
    "title",
    "updated_at",
    "campaign__state",  # a state machine: its state is read when the row is made
    "authority__id",
    "category__name",
    "unit__name",
    "unit__unit_type",
    "ranking_entry__rank",
)


def _authority_and_campaign(request, year: int):
    from django.http import Http404

    authority = authority_of(request.user)
    if authority is None:
        raise Http404
    return authority, get_object_or_404(Campaign, year=year)


def _listing(request, campaign, authority):
    """The list as the URL asks for it: (params, filters as read, sort, queryset)."""
    params = ListParams(request)
    categories = list(campaign.categories.all())
    units = list(authority.units.order_by("name"))
    filters = {
        "q": params.search(),
        "state": params.choice("state", CaseState.values),
        "unit__unit_type": params.choice("unit_type", UnitType.values),
        "category_id": params.object_id("category", [c.pk for c in categories]),
        "unit_id": params.object_id("unit", [u.pk for u in units]),
    }
    sort = params.choice("sort", QUEUE_SORTS, default="updated")
    cases = review_queue(user=request.user, campaign=campaign, authority=authority, filters=filters, sort=sort)
    return params, filters, sort, cases, categories, units


@login_required
def queue(request, year: int):
    """The authority's review queue 初审: search, filter, sort, counts per state."""
    authority, campaign = _authority_and_campaign(request, year)
    params, filters, sort, cases, categories, units = _listing(request, campaign, authority)
    counts = review_queue_counts(user=request.user, campaign=campaign, authority=authority)
    # Unfiltered, the counts per state already say how many the list holds: no COUNT.
    unfiltered = not any(filters.values())
    page = params.page_of(
        cases.only(*ROW_COLUMNS), per_page=PAGE_SIZE, count=sum(counts.values()) if unfiltered else None
    )
    link = link_for_each("case_detail")
    # Translated and formatted once for the page, not by a template tag per row.
    pick = _("选择「%(title)s」")
    for case in page.object_list:
        case.url = link(case.pk)
        case.pick_label = pick % {"title": case.title}
        case.updated_text = timezone.localtime(case.updated_at).strftime("%Y-%m-%d %H:%M")
    querystring = params.querystring(page=None)
    return render(
        request,
        "reviews/queue.html",
        {
            "campaign": campaign,
            "authority": authority,
            "page": page,
            "state_counts": [(CaseState(value), n) for value, n in counts.items() if n],
            "total": sum(counts.values()),
            "categories": categories,
            "units": units,
            "unit_types": UnitType.choices,
            "filters": {
                "q": filters["q"],
                "state": filters["state"],
                "unit_type": filters["unit__unit_type"],
                "category": filters["category_id"],
                "unit": filters["unit_id"],
            },
            "sort": sort,
            "sort_choices": SORT_CHOICES,
            "querystring_without_page": f"{querystring}&" if querystring else "",
            "querystring": querystring,
            "bulk_actions": BULK_ACTIONS,
            "keep": kept_parameters(request, LIST_PARAMETERS),
            "table": RankingTable.objects.filter(campaign=campaign, authority=authority).first(),
        },
    )


QUEUE_COLUMNS = [
    Column(label=gettext_lazy("编号"), width=8),
    Column(label=gettext_lazy("案例名称"), width=40, centred=False),
    Column(label=gettext_lazy("申报单位"), width=28, centred=False),
    Column(label=gettext_lazy("单位类型"), width=16),
    Column(label=gettext_lazy("类别"), width=16),
    Column(label=gettext_lazy("状态"), width=14),
    Column(label=gettext_lazy("盖章扫描件"), width=12),
    Column(label=gettext_lazy("推荐排序"), width=10),
    Column(label=gettext_lazy("更新时间"), width=18),
]


def queue_rows(cases):
    """The rows of the export: the columns of the page, for every case the filters keep."""
    for case in cases:
        entry = getattr(case, "ranking_entry", None)
        yield [
            case.pk,
            case.title,
            case.unit.name,
            case.unit.get_unit_type_display(),
            case.category.name,
            case.get_state_display(),
            _("已上传") if case.has_stamped_scan else _("未上传"),
            entry.rank if entry is not None else "—",
            timezone.localtime(case.updated_at).strftime("%Y-%m-%d %H:%M"),
        ]


@login_required
def queue_export(request, year: int):
    """The queue as Excel: at once, or by the worker when it is long (core.jobs)."""
    return export_list(request, queue_table, year=year)


@list_export
def queue_table(request, year: int) -> ListTable:
    """The queue to export: every case the current search and filters keep (all pages),
    only the authority's own."""
    authority, campaign = _authority_and_campaign(request, year)
    _params, _filters, _sort, cases, _c, _u = _listing(request, campaign, authority)
    title = _("%(authority)s初审案例列表") % {"authority": authority.name}
    columns = [Column(label=str(c.label), width=c.width, centred=c.centred) for c in QUEUE_COLUMNS]
    return ListTable(
        title=title,
        columns=columns,
        rows=queue_rows(cases.only(*ROW_COLUMNS)),
        count=cases.count(),
        filename=f"{campaign.year}年{title}.xlsx",
    )


@login_required
@require_POST
def queue_bulk(request, year: int):
    """推荐 / 不予推荐 several cases of the queue at once; each refusal named."""
    authority, campaign = _authority_and_campaign(request, year)
    visible = review_queue(user=request.user, campaign=campaign, authority=authority, filters={}, sort="updated")
    form = CaseBulkForm(
        request.POST, actions=BULK_ACTIONS, queryset=visible.order_by(), comment_required=BULK_COMMENT_REQUIRED
    )
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
    else:
        data = form.cleaned_data
        outcome = cases_transition_each(
            cases=data["cases"], action=data["action"], actor=request.user, comment=data["comment"]
        )
        label = dict(BULK_ACTIONS)[data["action"]]
        bulk_report(request, outcome, done=_("已对%%(n)d个案例执行「%(action)s」。") % {"action": label})
    return back_to_list(reverse("reviews:queue", args=[year]), request.POST, LIST_PARAMETERS)

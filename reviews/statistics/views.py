"""The statistics page: the province's (whole province) or an authority's (its own units),
each chart with its table, the Excel export, and the province's league weights."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts import roles
from applications.models import Campaign
from core.http import download_response
from reviews.access import province_campaign
from reviews.statistics.documents import render_statistics_xlsx
from reviews.statistics.forms import LeagueWeightsForm
from reviews.statistics.selectors import campaign_statistics, league_weights
from reviews.statistics.services import league_weights_set


def _scope(request):
    allowed, authority = roles.statistics_scope(request.user)
    if not allowed:
        raise Http404
    return authority


@login_required
def statistics_home(request):
    _scope(request)
    campaign = Campaign.objects.order_by("-year").first()
    if campaign is None:
        raise Http404
    return redirect("reviews:statistics", year=campaign.year)


def _page(request, campaign, *, weights_form=None, status=200):
    authority = _scope(request)
    statistics = campaign_statistics(campaign=campaign, authority=authority)
    if authority is None and weights_form is None:
        weights_form = LeagueWeightsForm(initial=league_weights(campaign))
    context = {
        "campaign": campaign,
        "campaigns": Campaign.objects.order_by("-year").only("year", "title"),
        "statistics": statistics,
        "chart_data": [table.chart_data() for table in statistics.tables],
        "weights_form": weights_form,
    }
    return render(request, "reviews/statistics.html", context, status=status)


@login_required
def statistics(request, year: int):
    _scope(request)
    return _page(request, get_object_or_404(Campaign, year=year))


@login_required
def statistics_xlsx(request, year: int):
    authority = _scope(request)
    campaign = get_object_or_404(Campaign, year=year)
    statistics = campaign_statistics(campaign=campaign, authority=authority)
    scope = authority.name if authority is not None else _("全省")
    title = _("%(year)d年度征集评选统计（%(scope)s）") % {"year": campaign.year, "scope": scope}
    content = render_statistics_xlsx(statistics, title=title)
    return download_response(
        content,
        filename=f"{title}.xlsx",
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


@login_required
@require_POST
def league_weights_view(request, year: int):
    campaign = province_campaign(request, year)
    form = LeagueWeightsForm(request.POST)
    if form.is_valid():
        try:
            league_weights_set(campaign=campaign, actor=request.user, **form.cleaned_data)
        except PermissionDenied:
            raise Http404 from None
        messages.success(request, _("已保存排名权重。"))
        return redirect(reverse("reviews:statistics", args=[campaign.year]) + "#league")
    return _page(request, campaign, weights_form=form, status=400)

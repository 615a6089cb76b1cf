"""Every page of the province opens here: the campaign of the year, or 404 for anyone
who is not the province's administrator (the page's existence leaks nothing)."""

from django.http import Http404
from django.shortcuts import get_object_or_404

from accounts import roles
from applications.models import Campaign
from core.params import parse_id
from reviews.experts.selectors import open_stage
from reviews.models import ReviewStage


def province_campaign(request, year: int) -> Campaign:
    if not roles.is_province_admin(request.user):
        raise Http404
    return get_object_or_404(Campaign, year=year)


def chosen_stage(campaign: Campaign, stage_id) -> ReviewStage | None:
    """The round a page asks for (?stage=ID), 404 when it is not the campaign's; without
    one, the open round, else the first."""
    stages = ReviewStage.objects.filter(campaign=campaign)
    if parse_id(stage_id) is not None:
        return get_object_or_404(stages, pk=parse_id(stage_id))
    return open_stage(campaign) or stages.order_by("order").first()

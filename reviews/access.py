"""Every page of the province opens here: the campaign of the year, or 404 for anyone
who is not the province's administrator (the page's existence leaks nothing)."""

from django.db.models import Exists, OuterRef
from django.http import Http404
from django.shortcuts import get_object_or_404

from accounts import roles
from applications.models import Campaign
from core.params import parse_id
from reviews.enums import StageStatus
from reviews.models import ReviewStage


def province_campaign(request, year: int) -> Campaign:
    if not roles.is_province_admin(request.user):
        raise Http404
    # The rubric comes along (one join): several pages show whether it is frozen.
    return get_object_or_404(Campaign.objects.select_related("rubric"), year=year)


def chosen_stage(campaign: Campaign, stage_id) -> ReviewStage | None:
    """The round a page asks for (?stage=ID), 404 when it is not the campaign's; without
    one, the open round, else the first."""
    # One query, a handful of rows; whether each has a shortlist comes along (stage_cases asks).
    stages = list(
        ReviewStage.objects.filter(campaign=campaign)
        .annotate(_has_shortlist=Exists(ReviewStage.shortlist.through.objects.filter(reviewstage=OuterRef("pk"))))
        .order_by("order")
    )
    if parse_id(stage_id) is not None:
        chosen = next((stage for stage in stages if stage.pk == parse_id(stage_id)), None)
        if chosen is None:
            raise Http404
    else:
        chosen = next((stage for stage in stages if stage.status == StageStatus.OPEN), stages[0] if stages else None)
    if chosen is not None:
        chosen.siblings = stages  # the campaign's rounds, for the page's list of them
    return chosen

from django.db import transaction

from accounts import roles
from reviews.models import LeagueWeights


@transaction.atomic
def league_weights_set(*, campaign, actor, submissions: int, timeliness: int, selections: int, scores: int):
    """The province sets the league table's weights for `campaign` (they sum to 100;
    the form says so beside the fields, the database refuses anything else)."""
    roles.require_province_admin(actor)
    weights, _created = LeagueWeights.objects.update_or_create(
        campaign=campaign,
        defaults={"submissions": submissions, "timeliness": timeliness, "selections": selections, "scores": scores},
    )
    return weights

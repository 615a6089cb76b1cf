"""The province's overview: each authority's cases per state (one plain count per
authority and state) against grouping the campaign's cases."""

from django.db.models import Count

from applications.models import Case
from reviews.ranking.selectors import campaign_overview
from tests.factories import make_case


def test_each_authoritys_cases_per_state_are_the_grouped_count(cast, case_at):
    for state in ("draft", "submitted", "recommended", "not_recommended", "returned"):
        case_at(state)
    case_at("recommended", applicant=cast.applicant_b)
    case_at("submitted", applicant=cast.applicant_b)
    make_case(campaign=cast.campaign, applicant=cast.applicant_b)
    grouped: dict[int, dict[str, int]] = {}
    for row in Case.objects.filter(campaign=cast.campaign).values("authority_id", "state").annotate(n=Count("id")):
        grouped.setdefault(row["authority_id"], {})[row["state"]] = row["n"]
    rows, _categories = campaign_overview(campaign=cast.campaign)
    shown = {row["authority"].pk: row["states"] for row in rows if row["total"]}
    assert shown == grouped
    assert {row["authority"].pk: row["total"] for row in rows if row["total"]} == {
        authority: sum(states.values()) for authority, states in grouped.items()
    }
    assert set(shown) == {cast.city_a.pk, cast.city_b.pk}

"""The expert's scoring page: a running total of the scores typed so far (the figure
the rubric computes) and a link to the next case still to score."""

from decimal import Decimal

from django.urls import reverse

from reviews.experts.aggregation import CriterionSpec, weighted_total
from reviews.models import ExpertAssignment, Rubric
from tests.factories import make_case, put_in_state


def test_the_running_total_is_the_rubrics_figure_and_next_goes_on(client, cast, case_at):
    first = case_at("in_expert_review")
    second = put_in_state(
        make_case(campaign=cast.campaign, applicant=cast.applicant_b), "in_expert_review", expert=cast.expert_assigned
    )
    mine = ExpertAssignment.objects.filter(expert=cast.expert_assigned).order_by("case_id")
    one, two = mine.get(case=first), mine.get(case=second)
    criteria = list(Rubric.objects.get(campaign=cast.campaign).criteria.all())
    scored = [c for c in criteria if not c.is_gate]
    client.force_login(cast.expert_assigned)
    typed = {f"score__{c.pk}": c.max_score // 2 for c in scored[:2]}
    response = client.post(reverse("reviews:score", args=[one.pk]), {"draft": "", **typed})
    assert response.status_code == 302
    page = client.get(reverse("reviews:score", args=[one.pk])).content.decode()
    expected = weighted_total(
        criteria=[CriterionSpec(c.pk, c.weight, c.max_score, c.is_gate) for c in criteria],
        values={c.pk: Decimal(c.max_score // 2) if c in scored[:2] else Decimal(0) for c in scored},
    )
    assert f'id="running-total-value">{expected}</output>' in page
    assert f'<span id="running-total-filled">2</span>/{len(scored)}' in page
    assert f'href="{reverse("reviews:score", args=[two.pk])}"' in page
    # The last one pending links back to the first one still pending.
    page = client.get(reverse("reviews:score", args=[two.pk])).content.decode()
    assert f'href="{reverse("reviews:score", args=[one.pk])}"' in page

"""An archived campaign's province pages show their actions disabled, with the reason
beside them (as the ranking page does), rather than buttons the services would refuse;
reading stays possible (links, downloads, the NRTA package)."""

import re

import pytest
from django.urls import reverse

from applications.enums import CampaignPhase
from tests.factories import set_phase

PAGES = ["reviews:results", "reviews:review_manage", "reviews:overview", "reviews:nrta"]
DISABLED = 'disabled aria-describedby="campaign-closed"'


def page(client, cast, name) -> str:
    client.force_login(cast.province_admin)
    response = client.get(reverse(name, args=[cast.campaign.year]))
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize("name", PAGES)
def test_an_archived_campaign_disables_its_actions_with_the_reason(client, cast, case_in, name):
    case_in("reviewed")  # a case with actions on the results page
    set_phase(cast.campaign, CampaignPhase.ARCHIVED)
    html = page(client, cast, name)
    assert 'id="campaign-closed"' in html and "本年度征集评选已归档，只能查看，不能再变更。" in html
    fieldsets = re.findall(r'<fieldset class="campaign-actions"([^>]*)>', html)
    assert fieldsets and all(DISABLED in attrs for attrs in fieldsets)


@pytest.mark.parametrize("name", PAGES)
def test_a_running_campaign_keeps_its_actions(client, cast, case_in, name):
    case_in("reviewed")
    html = page(client, cast, name)
    assert "campaign-closed" not in html
    assert '<fieldset class="campaign-actions">' in html


def test_the_results_actions_of_an_archived_year_sit_inside_the_disabled_fieldset(client, cast, case_in):
    case = case_in("reviewed")
    set_phase(cast.campaign, CampaignPhase.ARCHIVED)
    html = page(client, cast, "reviews:results")
    opening = re.escape('<fieldset class="campaign-actions" ' + DISABLED + ">")
    inside = "".join(re.findall(opening + "(.*?)</fieldset>", html, re.S))
    for action in ("complete_reviews", "results_decide"):
        assert reverse(f"reviews:{action}", args=[cast.campaign.year]) in inside
    assert reverse("case_transition", args=[case.pk, "select"]) in inside
    # The score sheet stays a link anyone may follow; each scrolling table stays a
    # focusable region outside its disabled fieldset (axe: scrollable-region-focusable).
    assert reverse("reviews:score_sheet", args=[cast.campaign.year]) in html
    assert re.search(r'<div class="table-responsive" tabindex="0" role="region"[^>]*>' + opening, html)

"""Buttons that would be refused are shown disabled, with the service's own reasons
beside them (as the ranking page does): 发布通报 during the 公示, 发布公示 before any
case is selected."""

import re
from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from applications.enums import CampaignPhase
from reviews.outcome.publication import announcement_blockers, notice_blockers, notice_publish
from tests.factories import set_phase
from workflow.services import apply_transition


def _button(page: str, label: str) -> str:
    return re.search(rf"<button[^>]*>{label}</button>", page).group(0)


def test_the_announcement_button_is_disabled_during_the_notice_with_the_reason(client, cast, case_at):
    case = case_at("reviewed")
    apply_transition(subject=case, action="select", actor=cast.province_admin, comment="入选")
    today = timezone.localdate()
    notice_publish(
        campaign=cast.campaign, actor=cast.province_admin, title="公示", starts_on=today, ends_on=today + timedelta(6)
    )
    set_phase(cast.campaign, CampaignPhase.PUBLIC_NOTICE)  # the 公示 runs: its phase
    client.force_login(cast.province_admin)
    page = client.get(reverse("reviews:publication", args=[2024])).content.decode()
    button = _button(page, "发布通报")
    assert "disabled" in button and 'aria-describedby="announcement-blocked"' in button
    reasons = announcement_blockers(campaign=cast.campaign)
    assert reasons == [f"公示期至{(today + timedelta(6)).isoformat()}，期满后方可发布通报。"]
    assert f'<ul id="announcement-blocked" class="col-12 small text-danger mb-0"><li>{reasons[0]}</li></ul>' in page


def test_the_notice_button_is_disabled_until_a_case_is_selected(client, cast, case_at):
    case_at("reviewed")
    client.force_login(cast.province_admin)
    page = client.get(reverse("reviews:publication", args=[2024])).content.decode()
    assert "disabled" in _button(page, "发布公示")
    for reason in notice_blockers(campaign=cast.campaign):
        assert reason in page


def test_the_notice_button_is_enabled_when_it_can_go_out(client, cast, case_at):
    case = case_at("reviewed")
    apply_transition(subject=case, action="select", actor=cast.province_admin, comment="入选")
    client.force_login(cast.province_admin)
    page = client.get(reverse("reviews:publication", args=[2024])).content.decode()
    assert "disabled" not in _button(page, "发布公示")
    assert notice_blockers(campaign=cast.campaign) == []
